package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * containerd pulls (fetches and unpacks) an image from the registry over plain HTTP with {@code ctr}. The test
 * starts its own {@code containerd} with root, state and socket in a temporary directory (no CRI, no TCP
 * listener, garbage collection held off) and stops it after.
 */
class CtrPullTest extends RegistryTestBase {
    private Process containerd;

    @AfterEach
    void stopContainerd() throws InterruptedException {
        if (containerd != null) {
            containerd.destroy();
            if (!containerd.waitFor(15, TimeUnit.SECONDS)) {
                containerd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void ctrPullsAnImagePushedToTheRegistry() throws Exception {
        Path ctr = ExternalTool.require("ctr");
        Path daemon = ExternalTool.require("containerd");
        Path work = Files.createDirectories(root.resolve("work"));
        OciLayout image = OciLayout.write(work.resolve("image"), "v1", 11, 2 << 20, 700_000, 3 << 20);
        push("ctr/test", "v1", image);

        String socket = startContainerd(daemon, Files.createDirectories(work.resolve("ctd")), ctr);
        String ref = hostPort() + "/ctr/test:v1";
        String out = ExternalTool.check(work, 300, List.of(ctr.toString(), "-a", socket, "-n", "stowage",
                "images", "pull", "--plain-http", "--platform", "linux/amd64", "--snapshotter", "native", ref));
        assertThat(out).contains(image.manifestDigest().toString()).contains("unpacking linux/amd64");

        String images = ExternalTool.check(work, 60, List.of(ctr.toString(), "-a", socket, "-n", "stowage",
                "images", "ls"));
        assertThat(images).contains(ref).contains(image.manifestDigest().toString());
        // every blob containerd stored is the one pushed, byte for byte
        for (Map.Entry<Digest, byte[]> b : image.blobs().entrySet()) {
            Path copy = work.resolve("get-" + b.getKey().hex());
            ExternalTool.Result r = ExternalTool.run(work, 60, List.of("sh", "-c", "'" + ctr + "' -a '" + socket
                    + "' -n stowage content get " + b.getKey() + " > '" + copy + "'"));
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(Files.readAllBytes(copy)).as(b.getKey().toString()).isEqualTo(b.getValue());
        }
        // unpacked: the snapshot holds the layers' files
        String snapshots = ExternalTool.check(work, 60, List.of(ctr.toString(), "-a", socket, "-n", "stowage",
                "snapshots", "--snapshotter", "native", "ls"));
        assertThat(snapshots.lines().count()).as(snapshots).isGreaterThan(3);
    }

    /** Pushes a layout's blobs and its manifest (tagged) over the registry API. */
    private void push(String name, String tag, OciLayout image) {
        image.blobs().forEach((d, bytes) -> assertThat(pushBlob(name, bytes)).isEqualTo(d));
        Resp r = call(HttpMethod.PUT, "/v2/" + name + "/manifests/" + tag, image.manifest(),
                Map.of("Content-Type", MediaTypes.OCI_MANIFEST));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    /** Starts containerd on a private root and socket (as /work/shared/peers/lib.sh does) and waits until it answers. */
    private String startContainerd(Path daemon, Path dir, Path ctr) throws IOException, InterruptedException {
        String socket = dir.resolve("containerd.sock").toString();
        String config = String.join("\n",
                "version = 2",
                "root = \"" + dir.resolve("root") + "\"",
                "state = \"" + dir.resolve("state") + "\"",
                "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
                "[grpc]",
                "  address = \"" + socket + "\"",
                "[ttrpc]",
                "  address = \"" + socket + ".ttrpc\"",
                "[debug]",
                "  address = \"\"",
                "[metrics]",
                "  address = \"\"",
                "[plugins.\"io.containerd.internal.v1.opt\"]",
                "  path = \"" + dir.resolve("opt") + "\"",
                "[plugins.\"io.containerd.gc.v1.scheduler\"]",
                "  deletion_threshold = 0",
                "  mutation_threshold = 1000000",
                "  startup_delay = \"1h\"",
                "");
        Path configFile = dir.resolve("containerd.toml");
        Files.writeString(configFile, config);
        Path log = dir.resolve("containerd.log");
        containerd = new ProcessBuilder(daemon.toString(), "--config", configFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            if (!containerd.isAlive()) {
                fail("containerd exited with " + containerd.exitValue() + ":\n" + Files.readString(log));
            }
            if (ExternalTool.run(dir, 10, List.of(ctr.toString(), "-a", socket, "version")).exit() == 0) {
                return socket;
            }
            Thread.sleep(100);
        }
        fail("containerd did not answer on " + socket + " within 30 s:\n" + Files.readString(log));
        return socket;
    }
}
