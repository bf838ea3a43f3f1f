package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.BlobSource;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.Ingests;
import io.stowage.content.local.LocalContentStore;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/** {@code stowage serve} in-process on 127.0.0.1:0: plugins, config, shutdown, and the {@code plugins} command. */
class ServeCommandTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path root;

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

    /** Starts serve with the given arguments and returns the address it bound. */
    private InetSocketAddress serve(String... args) throws Exception {
        CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
        CliRunner runner = new CliRunner(CliEnvironment.of(System.in, System.out, System.err)
                .withShutdown(shutdown).withOnServing(bound::complete));
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        serving = executor.submit(() -> {
            CliRunner.Result r = runner.run(all);
            bound.completeExceptionally(new AssertionError("serve ended: " + r));
            return r;
        });
        return bound.get(30, TimeUnit.SECONDS);
    }

    private static String address(InetSocketAddress a) {
        return "http://127.0.0.1:" + a.getPort();
    }

    @Test
    void servesThePluginListAndStopsOnTheSignal() throws Exception {
        InetSocketAddress a = serve("--listen", "127.0.0.1:0", "--root", root.toString());
        assertThat(a.getPort()).isPositive();

        String json = HttpClient.create().get().uri(address(a) + "/v1/plugins")
                .responseContent().aggregate().asString().block(T);
        assertThat(json).isEqualTo("[{\"type\":\"metadata\",\"id\":\"sqlite\",\"requires\":[],\"status\":\"ok\","
                + "\"error\":null},{\"type\":\"content\",\"id\":\"local\",\"requires\":[\"metadata\"],"
                + "\"status\":\"ok\",\"error\":null},{\"type\":\"gc\",\"id\":\"scheduler\","
                + "\"requires\":[\"content\",\"metadata\"],\"status\":\"ok\",\"error\":null},"
                + "{\"type\":\"images\",\"id\":\"sqlite\",\"requires\":[\"metadata\"],"
                + "\"status\":\"ok\",\"error\":null},{\"type\":\"service\",\"id\":\"content\",\"requires\":[\"content\"],"
                + "\"status\":\"ok\",\"error\":null},{\"type\":\"service\",\"id\":\"gc\",\"requires\":[\"gc\"],"
                + "\"status\":\"ok\",\"error\":null},{\"type\":\"service\",\"id\":\"images\",\"requires\":[\"images\"],"
                + "\"status\":\"ok\",\"error\":null},{\"type\":\"service\",\"id\":\"leases\",\"requires\":[\"metadata\"],"
                + "\"status\":\"ok\",\"error\":null},{\"type\":\"service\",\"id\":\"plugins\",\"requires\":[],"
                + "\"status\":\"ok\",\"error\":null},{\"type\":\"service\",\"id\":\"registry\","
                + "\"requires\":[\"content\",\"metadata\"],\"status\":\"ok\",\"error\":null}]");

        CliRunner.Result plugins = new CliRunner(CliEnvironment.of(System.in, System.out, System.err))
                .run("--address", address(a), "plugins");
        assertThat(plugins.exit()).as(plugins.toString()).isZero();
        assertThat(plugins.out().lines().toList()).containsExactly(
                "TYPE      ID         STATUS  ERROR",
                "metadata  sqlite     ok      -",
                "content   local      ok      -",
                "gc        scheduler  ok      -",
                "images    sqlite     ok      -",
                "service   content    ok      -",
                "service   gc         ok      -",
                "service   images     ok      -",
                "service   leases     ok      -",
                "service   plugins    ok      -",
                "service   registry   ok      -");
        assertThat(Files.isDirectory(root.resolve("blobs"))).isTrue();

        shutdown.request();
        CliRunner.Result served = serving.get(30, TimeUnit.SECONDS);
        assertThat(served.exit()).as(served.toString()).isZero();
        assertThat(shutdown.awaitFinished(Duration.ZERO)).isTrue();
    }

    @Test
    void gcRemovesUnreferencedContentAndDryRunOnlyReports() throws Exception {
        byte[] data = "unreferenced".getBytes(StandardCharsets.UTF_8);
        Digest d = Digest.sha256(data);
        try (LocalContentStore store = LocalContentStore.open(root)) {
            Ingests.writeBlob(store, "blob-1", BlobSource.stream(
                    () -> Flux.just(ByteBuffer.wrap(data))),
                    new io.stowage.content.Descriptor("x", d, data.length, Map.of()), Map.of())
                    .block(T);
        }
        InetSocketAddress a = serve("--listen", "127.0.0.1:0", "--root", root.toString());
        CliRunner cli = new CliRunner(CliEnvironment.of(System.in, System.out, System.err));

        CliRunner.Result dry = cli.run("--address", address(a), "gc", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).startsWith("would remove 1 blobs (12 B)").contains("blob " + d + "\n");
        assertThat(Files.exists(root.resolve("blobs/sha256/" + d.hex()))).isTrue();

        CliRunner.Result json = cli.run("--address", address(a), "gc", "--json");
        assertThat(json.exit()).as(json.toString()).isZero();
        assertThat(json.out()).contains("\"dryRun\":false,\"blobsRemoved\":1,\"bytesFreed\":12,\"removed\":[\""
                + d + "\"]");
        assertThat(Files.exists(root.resolve("blobs/sha256/" + d.hex()))).isFalse();

        String bad = HttpClient.create().post().uri(address(a) + "/v1/gc?dry-run=maybe")
                .responseSingle((res, body) -> Mono.just(res.status().code())).block(T)
                .toString();
        assertThat(bad).isEqualTo("400");
    }

    @Test
    void aDisabledPluginIsListedAsSkippedWithItsDependents() throws Exception {
        Path config = root.resolve("stowage.yaml");
        Files.writeString(config, """
                listen: 127.0.0.1:0
                plugins:
                  content:
                    local:
                      disabled: true
                """);
        InetSocketAddress a = serve("--config", config.toString(), "--root", root.resolve("data").toString());
        CliRunner.Result plugins = new CliRunner(CliEnvironment.of(System.in, System.out, System.err))
                .run("--address", address(a), "plugins");
        assertThat(plugins.out().lines().toList()).containsExactly(
                "TYPE      ID         STATUS   ERROR",
                "content   local      skipped  disabled in config",
                "metadata  sqlite     ok       -",
                "gc        scheduler  skipped  requires content, but none of its plugins initialised "
                        + "(content/local skipped)",
                "images    sqlite     ok       -",
                "service   content    skipped  requires content, but none of its plugins initialised "
                        + "(content/local skipped)",
                "service   gc         skipped  requires gc, but none of its plugins initialised "
                        + "(gc/scheduler skipped)",
                "service   images     ok       -",
                "service   leases     ok       -",
                "service   plugins    ok       -",
                "service   registry   skipped  requires content, but none of its plugins initialised "
                        + "(content/local skipped)");
    }

    @Test
    void aMirrorEntryWithoutUpstreamMakesTheRegistryPluginAnErrorNamingIt() throws Exception {
        Path config = root.resolve("stowage.yaml");
        Files.writeString(config, """
                plugins:
                  service:
                    registry:
                      mirrors:
                        - upstream: 127.0.0.1:5001
                          plainHttp: true
                          tagTtl: 1m
                        - prefix: hub
                """);
        InetSocketAddress a = serve("--config", config.toString(), "--root", root.toString(), "--listen",
                "127.0.0.1:0");
        String json = HttpClient.create().get().uri(address(a) + "/v1/plugins")
                .responseContent().aggregate().asString().block(T);
        assertThat(json).contains("\"id\":\"registry\"").contains("mirrors[1].upstream: required");
    }

    @Test
    void aRegistryWithMirrorsStarts() throws Exception {
        Path config = root.resolve("stowage.yaml");
        Files.writeString(config, """
                plugins:
                  service:
                    registry:
                      mirrors:
                        - upstream: 127.0.0.1:5001
                          prefix: hub
                          upstreamPrefix: library
                          username: u
                          password: p
                          plainHttp: true
                          tagTtl: 1m
                """);
        InetSocketAddress a = serve("--config", config.toString(), "--root", root.toString(), "--listen",
                "127.0.0.1:0");
        CliRunner.Result plugins = new CliRunner(CliEnvironment.of(System.in, System.out, System.err))
                .run("--address", address(a), "plugins");
        assertThat(plugins.out()).contains("service   registry   ok");
        int status = HttpClient.create().get().uri(address(a) + "/v2/other/manifests/latest")
                .responseSingle((res, body) -> body.then(Mono.just(res.status().code()))).block(T);
        assertThat(status).as("a repository no mirror covers is served locally").isEqualTo(404);
    }

    @Test
    void pluginsReportsTheServersErrorAndAnUnreachableServer() throws Exception {
        Path config = root.resolve("stowage.yaml");
        Files.writeString(config, "plugins: {service: {plugins: {disabled: true}}}\n");
        InetSocketAddress a = serve("--config", config.toString(), "--root", root.toString(), "--listen",
                "127.0.0.1:0");
        CliRunner cli = new CliRunner(CliEnvironment.of(System.in, System.out, System.err));
        CliRunner.Result r = cli.run("--address", address(a), "plugins");
        assertThat(r.exit()).isEqualTo(ExitStatus.NOT_FOUND.exitCode());
        assertThat(r.stderr()).isEqualTo("stowage: not_found: no route for GET /v1/plugins\n");

        shutdown.request();
        assertThat(serving.get(30, TimeUnit.SECONDS).exit()).isZero();
        r = cli.run("--address", address(a), "plugins");
        assertThat(r.exit()).isEqualTo(ExitStatus.UNAVAILABLE.exitCode());
        assertThat(r.stderr()).isEqualTo("stowage: unavailable: cannot connect to " + address(a)
                + ": connection refused\n");
        r = cli.run("hi".getBytes(java.nio.charset.StandardCharsets.UTF_8), "--address", address(a), "content",
                "ingest", "r");
        assertThat(r.exit()).as("an unreachable server is not a held lock: no waiting")
                .isEqualTo(ExitStatus.UNAVAILABLE.exitCode());
        assertThat(r.stderr()).startsWith("stowage: unavailable: ").hasLineCount(1);
    }

    @Test
    void theContentPluginStoresUnderItsConfiguredPath() throws Exception {
        Path config = root.resolve("stowage.yaml");
        Files.writeString(config, "plugins: {content: {local: {path: store}}}\n");
        serve("--config", config.toString(), "--root", root.toString(), "--listen", "127.0.0.1:0");
        assertThat(Files.isDirectory(root.resolve("store/blobs"))).isTrue();
    }

    @Test
    void configErrorsExitWithTheConfigStatus() throws Exception {
        Path config = root.resolve("bad.yaml");
        Files.writeString(config, "listen: 127.0.0.1:0\nrequiredPlugins: [content/nope]\n");
        CliRunner runner = new CliRunner(CliEnvironment.of(System.in, System.out, System.err).withShutdown(shutdown));
        CliRunner.Result r = runner.run("serve", "--config", config.toString(), "--root", root.toString());
        assertThat(r.exit()).isEqualTo(ExitStatus.CONFIG.exitCode());
        assertThat(r.stderr()).isEqualTo("stowage: config: required plugins did not initialise: "
                + "content/nope (not registered)\n");

        Files.writeString(config, "lisen: x\n");
        r = runner.run("serve", "--config", config.toString(), "--root", root.toString());
        assertThat(r.exit()).isEqualTo(ExitStatus.CONFIG.exitCode());
        assertThat(r.stderr()).startsWith("stowage: config: config " + config + ": lisen: unknown key");

        r = runner.run("serve", "--config", root.resolve("missing.yaml").toString());
        assertThat(r.exit()).isEqualTo(ExitStatus.CONFIG.exitCode());

        r = runner.run("serve", "--listen", "nonsense", "--root", root.toString());
        assertThat(r.exit()).isEqualTo(ExitStatus.INVALID_ARGUMENT.exitCode());
        assertThat(r.stderr()).startsWith("stowage: invalid_argument: listen address 'nonsense'");

        r = runner.run("serve", "--listen", "127.0.0.1:0", "--root", root.toString(), "--tcp-congestion", "cubic;x");
        assertThat(r.exit()).isEqualTo(ExitStatus.INVALID_ARGUMENT.exitCode());
        assertThat(r.stderr()).startsWith("stowage: invalid_argument: --tcp-congestion / tcpCongestion: "
                + "TCP congestion control 'cubic;x': expected auto, system or an algorithm's name");

        Files.writeString(config, "tcpCongestion: Fast!\n");
        r = runner.run("serve", "--config", config.toString(), "--listen", "127.0.0.1:0", "--root", root.toString());
        assertThat(r.exit()).isEqualTo(ExitStatus.CONFIG.exitCode());
        assertThat(r.stderr()).startsWith("stowage: config: config " + config + ": tcpCongestion: "
                + "TCP congestion control 'Fast!'");
    }

    @Test
    void aTakenPortIsUnavailable() throws Exception {
        InetSocketAddress a = serve("--listen", "127.0.0.1:0", "--root", root.toString());
        CliRunner.Result r = new CliRunner(CliEnvironment.of(System.in, System.out, System.err)
                .withShutdown(ShutdownSignal.manual()))
                .run("serve", "--listen", "127.0.0.1:" + a.getPort(), "--root", root.resolve("other").toString());
        assertThat(r.exit()).isEqualTo(ExitStatus.UNAVAILABLE.exitCode());
        assertThat(r.stderr()).startsWith("stowage: unavailable: cannot listen on 127.0.0.1:" + a.getPort() + ": ");
    }

    @Test
    void theRootComesFromTheOptionTheEnvironmentTheConfigThenXdg() {
        ServeCommand serve = new ServeCommand();
        var cfg = io.stowage.plugin.StowageConfig.parse("root: /from/config", "x");
        var env = Map.of(ServeCommand.ROOT_ENV, "/from/env", "XDG_DATA_HOME", "/xdg", "HOME", "/home/u");
        serve.root = Path.of("/from/option");
        assertThat(serve.resolveRoot(cfg, env)).isEqualTo(Path.of("/from/option"));
        serve.root = null;
        assertThat(serve.resolveRoot(cfg, env)).isEqualTo(Path.of("/from/env"));
        assertThat(serve.resolveRoot(cfg, Map.of("XDG_DATA_HOME", "/xdg")))
                .isEqualTo(Path.of("/from/config"));
        var none = io.stowage.plugin.StowageConfig.empty();
        assertThat(serve.resolveRoot(none, Map.of("XDG_DATA_HOME", "/xdg", "HOME", "/home/u")))
                .isEqualTo(Path.of("/xdg/stowage"));
        assertThat(serve.resolveRoot(none, Map.of("HOME", "/home/u")))
                .isEqualTo(Path.of("/home/u/.local/share/stowage"));
    }
}
