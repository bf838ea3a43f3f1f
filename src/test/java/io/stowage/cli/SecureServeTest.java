package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.catchThrowable;

import io.stowage.auth.AuthFixture;
import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.Descriptor;
import io.stowage.content.ErrorCode;
import io.stowage.content.local.LocalContentStore;
import io.stowage.transfer.Credentials;
import io.stowage.transfer.Platform;
import io.stowage.transfer.Pusher;
import io.stowage.transfer.Reference;
import io.stowage.transfer.TransferOptions;
import io.stowage.transfer.TransferTestImages;
import java.util.List;
import io.stowage.content.Writer;
import io.stowage.content.remote.RemoteContentStore;
import io.stowage.content.remote.RemoteOptions;
import io.stowage.net.ClientSecurity;
import java.nio.ByteBuffer;
import java.time.Duration;
import reactor.core.publisher.Flux;
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

/**
 * {@code stowage serve} with TLS and authentication from its config; the commands and the remote store talking
 * https to it with a CA, logging in with tokens and users; serve refusing a non-loopback address without auth.
 */
class SecureServeTest {
    private static final Duration T = Duration.ofSeconds(30);
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
        return serve(config, "127.0.0.1:0");
    }

    /** Starts serve on {@code listen} with {@code config} (YAML) and returns the bound address. */
    InetSocketAddress serve(String config, String listen) throws Exception {
        Path file = dir.resolve("stowage.yaml");
        Files.writeString(file, config);
        CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
        CliRunner runner = new CliRunner(CliEnvironment.of(System.in, System.out, System.err)
                .withShutdown(shutdown).withOnServing(bound::complete));
        serving = executor.submit(() -> {
            CliRunner.Result r = runner.run("serve", "--listen", listen, "--root",
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

    @Test
    void contentCommandsLogInWithATokenOrAUserOverTls() throws Exception {
        TestPki.Files3 pki = TestPki.create(dir.resolve("pki"));
        InetSocketAddress a = serve(tlsConfig(pki) + AuthFixture.authYaml(dir.resolve("auth")));
        String address = "https://127.0.0.1:" + a.getPort();
        CliRunner cli = new CliRunner(CliEnvironment.of(System.in, System.out, System.err)
                .withEnv(Map.of(Main.CA_CERT_ENV, pki.caCertificate().toString(), Main.ADDRESS_ENV, address)));
        byte[] data = "with auth".getBytes(StandardCharsets.UTF_8);
        String digest = Digest.of(Digest.SHA256, data).toString();

        CliRunner.Result anonymous = cli.run(data, "content", "ingest", "auth-ref");
        assertThat(anonymous.exit()).as(anonymous.toString()).isEqualTo(ExitStatus.UNAUTHENTICATED.exitCode());
        assertThat(anonymous.stderr()).startsWith("stowage: unauthenticated: ");

        CliRunner.Result readOnly = cli.run(data, "content", "ingest", "auth-ref", "--user",
                AuthFixture.BOB + ":" + AuthFixture.BOB_PASSWORD);
        assertThat(readOnly.exit()).as(readOnly.toString()).isEqualTo(ExitStatus.PERMISSION_DENIED.exitCode());
        assertThat(readOnly.stderr()).startsWith("stowage: permission_denied: bob: ");

        CliRunner.Result ingest = cli.run(data, "--token", AuthFixture.CI_TOKEN, "content", "ingest", "auth-ref");
        assertThat(ingest.exit()).as(ingest.toString()).isZero();
        assertThat(ingest.out().strip()).isEqualTo(digest);

        CliRunner.Result get = cli.run("content", "get", digest, "--user",
                AuthFixture.ALICE + ":" + AuthFixture.ALICE_PASSWORD);
        assertThat(get.exit()).as(get.toString()).isZero();
        assertThat(get.stdout()).isEqualTo(data);

        CliRunner fromEnv = new CliRunner(CliEnvironment.of(System.in, System.out, System.err)
                .withEnv(Map.of(Main.CA_CERT_ENV, pki.caCertificate().toString(), Main.ADDRESS_ENV, address,
                        Main.TOKEN_ENV, AuthFixture.READER_TOKEN)));
        assertThat(fromEnv.run("content", "ls", "-q").out().strip()).isEqualTo(digest);
        assertThat(fromEnv.run("images", "ls").exit()).isZero();
        assertThat(fromEnv.run("plugins").exit()).isZero();
        CliRunner.Result gc = fromEnv.run("gc", "--dry-run");
        assertThat(gc.exit()).as(gc.toString()).isEqualTo(ExitStatus.PERMISSION_DENIED.exitCode());
        CliRunner.Result rm = fromEnv.run("content", "rm", digest);
        assertThat(rm.exit()).as(rm.toString()).isEqualTo(ExitStatus.PERMISSION_DENIED.exitCode());

        CliRunner userEnv = new CliRunner(CliEnvironment.of(System.in, System.out, System.err)
                .withEnv(Map.of(Main.CA_CERT_ENV, pki.caCertificate().toString(), Main.ADDRESS_ENV, address,
                        Main.USER_ENV, AuthFixture.ALICE + ":" + AuthFixture.ALICE_PASSWORD)));
        assertThat(userEnv.run("content", "rm", digest).exit()).isZero();
        CliRunner.Result badUser = cli.run("content", "ls", "--user", "no-colon");
        assertThat(badUser.exit()).isEqualTo(ExitStatus.USAGE.exitCode());
        assertThat(badUser.stderr()).contains("USER:PASSWORD");
    }

    @Test
    void theRemoteStoreWritesWithATokenAndIsRefusedWithout() throws Exception {
        InetSocketAddress a = serve(AuthFixture.authYaml(dir.resolve("auth")));
        java.net.URI address = java.net.URI.create("http://127.0.0.1:" + a.getPort());
        byte[] data = new byte[100_000];
        Digest digest = Digest.of(Digest.SHA256, data);
        try (ContentStore store = RemoteContentStore.connect(address, RemoteOptions.defaults(),
                ClientSecurity.none().withToken(AuthFixture.CI_TOKEN))) {
            Writer w = store.writer("remote-auth", data.length, digest).block(T);
            w.write(Flux.just(ByteBuffer.wrap(data))).block(T);
            assertThat(w.commit(data.length, digest, Map.of()).block(T).digest()).isEqualTo(digest);
        }
        try (ContentStore store = RemoteContentStore.connect(address)) {
            Throwable e = catchThrowable(() -> store.writer("remote-anon", 0, null).block(T));
            assertThat(e).isInstanceOf(ContentException.class);
            assertThat(((ContentException) e).code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
            Throwable read = catchThrowable(() -> store.info(digest).block(T));
            assertThat(((ContentException) read).code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
        }
        try (ContentStore store = RemoteContentStore.connect(address, RemoteOptions.defaults(),
                ClientSecurity.none().withBasic(AuthFixture.BOB, AuthFixture.BOB_PASSWORD))) {
            assertThat(store.info(digest).block(T).size()).isEqualTo(data.length);
            Throwable e = catchThrowable(() -> store.writer("remote-bob", 0, null).block(T));
            assertThat(((ContentException) e).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        }
    }

    @Test
    void serveRefusesANonLoopbackAddressWithoutAuth() throws Exception {
        Path file = dir.resolve("empty.yaml");
        Files.writeString(file, "");
        CliRunner.Result r = new CliRunner(CliEnvironment.of(System.in, System.out, System.err))
                .run("serve", "--listen", "0.0.0.0:0", "--root", dir.resolve("root").toString(),
                        "--config", file.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitStatus.CONFIG.exitCode());
        assertThat(r.stderr()).startsWith("stowage: config: listen 0.0.0.0:0: not a loopback address")
                .contains("auth:");
        assertThat(ServeCommand.isLoopback("127.0.0.1")).isTrue();
        assertThat(ServeCommand.isLoopback("::1")).isTrue();
        assertThat(ServeCommand.isLoopback("localhost")).isTrue();
        assertThat(ServeCommand.isLoopback("0.0.0.0")).isFalse();
        assertThat(ServeCommand.isLoopback("::")).isFalse();

        InetSocketAddress a = serve(AuthFixture.authYaml(dir.resolve("auth")), "0.0.0.0:0");
        assertThat(a.getPort()).as("with auth it serves").isPositive();
    }

    @Test
    void pullAndPushTalkHttpsToTheServerAndItsRegistryWithTheirOwnCredentials() throws Exception {
        TestPki.Files3 pki = TestPki.create(dir.resolve("pki"));
        InetSocketAddress a = serve(tlsConfig(pki) + AuthFixture.authYaml(dir.resolve("auth")));
        String host = "127.0.0.1:" + a.getPort();
        Descriptor root;
        try (LocalContentStore source = LocalContentStore.open(dir.resolve("source"));
             Pusher pusher = Pusher.create(source, TransferOptions.defaults().withCaCertificate(pki.caCertificate())
                     .withCredentials(Credentials.of(AuthFixture.ALICE, AuthFixture.ALICE_PASSWORD)))) {
            root = TransferTestImages.index(source, 41, List.of(Platform.current()), 200_000, 1000);
            pusher.push(Reference.parse(host + "/team/app:v1"), root).block(Duration.ofSeconds(60));
        }
        CliRunner cli = new CliRunner(CliEnvironment.of(System.in, System.out, System.err)
                .withEnv(Map.of(Main.ADDRESS_ENV, "https://" + host, Main.TOKEN_ENV, AuthFixture.CI_TOKEN)));
        String ca = pki.caCertificate().toString();

        CliRunner.Result untrusted = cli.run("pull", "-q", "-u", AuthFixture.BOB, "-p", AuthFixture.BOB_PASSWORD,
                host + "/team/app:v1");
        assertThat(untrusted.exit()).as(untrusted.toString()).isEqualTo(ExitStatus.UNAVAILABLE.exitCode());
        assertThat(untrusted.stderr()).contains("not signed by a trusted CA");

        CliRunner.Result pull = cli.run("--ca-cert", ca, "pull", "-q", "-u", AuthFixture.BOB, "-p",
                AuthFixture.BOB_PASSWORD, host + "/team/app:v1");
        assertThat(pull.exit()).as(pull.toString()).isZero();
        assertThat(pull.out()).isEqualTo(host + "/team/app:v1 " + root.digest() + "\n");

        CliRunner.Result denied = cli.run("--ca-cert", ca, "push", "-q", "-u", AuthFixture.BOB, "-p",
                AuthFixture.BOB_PASSWORD, host + "/team/copy:v1", "--from", host + "/team/app:v1");
        assertThat(denied.exit()).as(denied.toString()).isNotZero();
        CliRunner.Result push = cli.run("--ca-cert", ca, "push", "-q", "-u", AuthFixture.ALICE, "-p",
                AuthFixture.ALICE_PASSWORD, host + "/team/copy:v1", "--from", host + "/team/app:v1");
        assertThat(push.exit()).as(push.toString()).isZero();
        assertThat(push.out()).isEqualTo(host + "/team/copy:v1 " + root.digest() + "\n");
    }
}
