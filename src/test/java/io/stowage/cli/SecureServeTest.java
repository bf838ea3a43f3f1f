package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.Digest;
import io.stowage.net.TestPki;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stowage serve} with TLS from its config, and the content commands talking https to it. */
class SecureServeTest {
    @TempDir
    Path dir;

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final ShutdownSignal shutdown = ShutdownSignal.manual();
    private Future<CliRunner.Result> serving;

    @AfterEach
    void stop() throws Exception {
        shutdown.request();
        if (serving != null) {
            serving.get(30, TimeUnit.SECONDS);
        }
        executor.shutdownNow();
    }

    /** Starts serve on 127.0.0.1:0 with {@code config} (YAML) and returns the bound address. */
    InetSocketAddress serve(String config) throws Exception {
        Path file = dir.resolve("stowage.yaml");
        Files.writeString(file, config);
        CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
        CliRunner runner = new CliRunner(CliEnvironment.of(System.in, System.out, System.err)
                .withShutdown(shutdown).withOnServing(bound::complete));
        serving = executor.submit(() -> {
            CliRunner.Result r = runner.run("serve", "--listen", "127.0.0.1:0", "--root",
                    dir.resolve("root").toString(), "--config", file.toString());
            bound.completeExceptionally(new AssertionError("serve ended: " + r));
            return r;
        });
        return bound.get(30, TimeUnit.SECONDS);
    }

    static String tlsConfig(TestPki.Files3 pki) {
        return "tls:\n  certificate: " + pki.serverCertificate() + "\n  key: " + pki.serverKey() + "\n";
    }

    @Test
    void contentCommandsTalkHttpsCheckedAgainstTheCaCert() throws Exception {
        TestPki.Files3 pki = TestPki.create(dir.resolve("pki"));
        InetSocketAddress a = serve(tlsConfig(pki));
        String address = "https://127.0.0.1:" + a.getPort();
        CliRunner cli = new CliRunner(CliEnvironment.of(System.in, System.out, System.err));
        byte[] data = "over tls".getBytes(StandardCharsets.UTF_8);

        CliRunner.Result ingest = cli.run(data, "--address", address, "--ca-cert", pki.caCertificate().toString(),
                "content", "ingest", "tls-ref");
        assertThat(ingest.exit()).as(ingest.toString()).isZero();
        assertThat(ingest.out().strip()).isEqualTo(Digest.of(Digest.SHA256, data).toString());

        CliRunner fromEnv = new CliRunner(CliEnvironment.of(System.in, System.out, System.err)
                .withEnv(Map.of(Main.CA_CERT_ENV, pki.caCertificate().toString(), Main.ADDRESS_ENV, address)));
        CliRunner.Result get = fromEnv.run("content", "get", Digest.of(Digest.SHA256, data).toString());
        assertThat(get.exit()).as(get.toString()).isZero();
        assertThat(get.stdout()).isEqualTo(data);

        CliRunner.Result untrusted = cli.run("--address", address, "content", "ls");
        assertThat(untrusted.exit()).as(untrusted.toString()).isEqualTo(ExitStatus.UNAVAILABLE.exitCode());
        assertThat(untrusted.stderr()).contains("not signed by a trusted CA").contains("--ca-cert");

        CliRunner.Result plain = cli.run("--address", "http://127.0.0.1:" + a.getPort(), "content", "ls");
        assertThat(plain.exit()).as(plain.toString()).isEqualTo(ExitStatus.UNAVAILABLE.exitCode());
        assertThat(plain.stderr()).contains("https");

        CliRunner.Result plugins = fromEnv.run("plugins");
        assertThat(plugins.exit()).as(plugins.toString()).isZero();
    }

    @Test
    void aBadKeyFileIsAConfigError() throws Exception {
        TestPki.Files3 pki = TestPki.create(dir.resolve("pki"));
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "tls:\n  certificate: " + pki.serverCertificate() + "\n  key: "
                + dir.resolve("nope.key") + "\n");
        CliRunner.Result r = new CliRunner(CliEnvironment.of(System.in, System.out, System.err))
                .run("serve", "--listen", "127.0.0.1:0", "--root", dir.resolve("root").toString(),
                        "--config", file.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitStatus.CONFIG.exitCode());
        assertThat(r.stderr()).contains("nope.key");
    }
}
