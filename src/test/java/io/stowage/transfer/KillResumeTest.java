package io.stowage.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.Descriptor;
import io.stowage.content.Status;
import io.stowage.content.local.LocalContentStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A pull in a child JVM killed with SIGKILL mid-layer, then run again here: it continues from the bytes the killed
 * pull left in the ingest, so the layer's bytes fetched in all stay well under twice its size.
 */
class KillResumeTest extends RegistryTestBase {
    @Test
    void aPullKilledWithSigkillResumesFromWhatIsOnDisk() throws Exception {
        int size = 8 << 20;
        TestImages.Built built = TestImages.manifest(source, 41, Platform.current(), size);
        Reference ref = push(built, "kill/app:v1");
        Descriptor layer = built.layersByPlatform().get(Platform.current().toString()).get(0);
        HttpRelay relay = closeLater(new HttpRelay(registry.port()).slowBlobs(Duration.ofMillis(5)));
        Reference viaRelay = via(relay.host(), ref);
        Path root = tmp.resolve("killed");

        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the killed child's temporary files (SQLite's native library) stay in the test's directory
        java.nio.file.Files.createDirectories(tmp.resolve("jvm-tmp"));
        Process child = new ProcessBuilder(javaBin, "-Djava.io.tmpdir=" + tmp.resolve("jvm-tmp"),
                "-cp", System.getProperty("java.class.path"),
                PullMain.class.getName(), root.toString(), viaRelay.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (relay.blobBytes(layer.digest().toString()) < size / 4) {
                assertThat(child.isAlive()).as("child still pulling; log: %s",
                        java.nio.file.Files.exists(tmp.resolve("child.log"))
                                ? java.nio.file.Files.readString(tmp.resolve("child.log")) : "").isTrue();
                assertThat(System.nanoTime()).as("the child got a quarter of the layer in time").isLessThan(deadline);
                Thread.sleep(20);
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        long beforeKill = relay.blobBytes(layer.digest().toString());
        for (long settled = -1; settled != beforeKill; beforeKill = relay.blobBytes(layer.digest().toString())) {
            settled = beforeKill;
            Thread.sleep(200); // the relay notices the dead client and stops reading from the registry
        }
        assertThat(beforeKill).isLessThan(size);

        try (LocalContentStore store = LocalContentStore.open(root)) {
            List<Status> left = store.listStatuses(TransferProgress.PULL_INGESTS).collectList().block(T);
            assertThat(left).extracting(Status::ref).contains("pull-" + layer.digest());
            long onDisk = left.stream().filter(s -> s.ref().equals("pull-" + layer.digest())).findFirst().orElseThrow()
                    .offset();
            assertThat(onDisk).isPositive();

            try (Puller puller = Puller.create(store, null, options())) {
                puller.pull(viaRelay).block(T);
            }
            long fetchedAfter = relay.blobBytes(layer.digest().toString()) - beforeKill;
            assertThat(fetchedAfter).as("resumed from byte " + onDisk).isEqualTo(size - onDisk);
            assertThat(beforeKill + fetchedAfter).isLessThan(size * 3L / 2);
            for (Descriptor d : built.all()) {
                assertThat(sha256(store, d.digest())).isEqualTo(d.digest());
            }
            assertThat(store.listStatuses().collectList().block(T)).isEmpty();
        }
    }
}
