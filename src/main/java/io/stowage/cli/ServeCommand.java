package io.stowage.cli;

import io.stowage.auth.AuthConfig;
import io.stowage.auth.AuthFilter;
import io.stowage.content.ContentException;
import io.stowage.plugin.Durations;
import io.stowage.plugin.PluginException;
import io.stowage.plugin.PluginRegistry;
import io.stowage.plugin.PluginTypes;
import io.stowage.plugin.StowageConfig;
import io.stowage.server.RouteProvider;
import io.stowage.server.ServerOptions;
import io.stowage.server.ServerSecurity;
import io.stowage.server.ServerTls;
import io.stowage.server.StowageServer;
import io.stowage.server.TcpCongestion;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code stowage serve}: loads the config, initialises the plugins, serves the routes of every {@code service}
 * plugin that is a {@link RouteProvider}, and runs until the shutdown signal (SIGTERM, SIGINT); then shuts the
 * server down gracefully ({@link StowageServer#shutdown}: no new connections, write sessions ended, requests in
 * flight given up to the shutdown timeout) and closes the plugins in reverse order (open writers closed, their
 * data kept for a resume). Where values come from is documented in {@code docs/config.md}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the stowage server until SIGTERM or SIGINT.",
                "Root: --root, else $STOWAGE_ROOT, else the config's root, else",
                "$XDG_DATA_HOME/stowage, else ~/.local/share/stowage.",
                "Listen: --listen, else the config's listen, else " + ServeCommand.DEFAULT_LISTEN + "."})
final class ServeCommand implements Callable<Integer> {
    static final String DEFAULT_LISTEN = "127.0.0.1:5000";
    static final String ROOT_ENV = "STOWAGE_ROOT";
    /** How long a shutdown waits for requests in flight, unless configured. */
    static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    /** Time allowed after the shutdown bound for closing the plugins (stores, database). */
    static final Duration CLOSE_MARGIN = Duration.ofSeconds(20);
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @ParentCommand
    Main main;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Address to bind; port 0 picks a free one.")
    String listen;

    @Option(names = "--root", paramLabel = "DIR", description = "Directory of the store and the plugins' data.")
    Path root;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (see docs/config.md).")
    Path config;

    @Option(names = "--idle-timeout", paramLabel = "DURATION",
            description = "How long a stalled client may hold a connection (e.g. 60s; default 60s).")
    String idleTimeout;

    @Option(names = "--tcp-congestion", paramLabel = "ALGORITHM",
            description = {"TCP congestion control of accepted connections: auto (default: cubic for loopback",
                    "peers, the system's default for others), system, or a name such as cubic or bbr."})
    String tcpCongestion;

    @Option(names = "--shutdown-timeout", paramLabel = "DURATION",
            description = "How long SIGTERM waits for requests in flight before closing them (default 10s).")
    String shutdownTimeout;

    @Override
    public Integer call() {
        CliEnvironment env = main.env();
        var stop = env.shutdown().requested();
        PluginRegistry registry = null;
        StowageServer server = null;
        AuthFilter auth = null;
        Duration grace = DEFAULT_SHUTDOWN_TIMEOUT;
        try {
            StowageConfig cfg = config == null ? StowageConfig.empty() : StowageConfig.load(config);
            Path dir = resolveRoot(cfg, env.env());
            String address = listen != null ? listen : cfg.listen().orElse(DEFAULT_LISTEN);
            ServerOptions options = serverOptions(address)
                    .withIdleTimeout(duration("--idle-timeout", idleTimeout, cfg.idleTimeout(),
                            ServerOptions.DEFAULT_IDLE_TIMEOUT))
                    .withTcpCongestion(tcpCongestion(tcpCongestion != null ? tcpCongestion
                            : cfg.tcpCongestion().orElse(TcpCongestion.AUTO)));
            grace = duration("--shutdown-timeout", shutdownTimeout, cfg.shutdownTimeout(), DEFAULT_SHUTDOWN_TIMEOUT);
            env.shutdown().allowAtLeast(grace.plus(CLOSE_MARGIN));
            ServerSecurity security = security(cfg, options, address);
            auth = (AuthFilter) security.filter();
            createRoot(dir);
            registry = PluginRegistry.load(cfg.withRoot(dir).withListen(address));
            List<RouteProvider> providers = registry.instances(PluginTypes.SERVICE, RouteProvider.class);
            log.info("root {}; plugins: {}", dir, registry.plugins().stream()
                    .map(p -> p.name() + " " + p.status().wireName()).collect(Collectors.joining(", ")));
            server = bind(options, providers, security, address);
            env.onServing().accept(server.address());
            stop.block();
            log.info("shutting down");
            return 0;
        } finally {
            if (server != null) {
                server.shutdown(grace);
            }
            if (registry != null) {
                registry.close();
            }
            if (auth != null) {
                auth.close();
            }
            env.shutdown().finished();
        }
    }

    /** {@code --root}, else {@code $STOWAGE_ROOT}, else the config's, else the XDG data directory; absolute. */
    Path resolveRoot(StowageConfig cfg, Map<String, String> env) {
        if (root != null) {
            return root.toAbsolutePath();
        }
        String fromEnv = env.get(ROOT_ENV);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return Path.of(fromEnv).toAbsolutePath();
        }
        if (cfg.root().isPresent()) {
            return cfg.root().get().toAbsolutePath();
        }
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isEmpty()) {
            return Path.of(xdg, "stowage").toAbsolutePath();
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".local", "share", "stowage").toAbsolutePath();
    }

    private static TcpCongestion tcpCongestion(String setting) {
        try {
            return TcpCongestion.parse(setting);
        } catch (IllegalArgumentException e) {
            throw ContentException.invalidArgument("--tcp-congestion / tcpCongestion: " + e.getMessage());
        }
    }

    private static ServerOptions serverOptions(String address) {
        try {
            return ServerOptions.defaults().withListen(address);
        } catch (IllegalArgumentException e) {
            throw ContentException.invalidArgument(e.getMessage());
        }
    }

    /** The flag, else the config's value, else the default. */
    private static Duration duration(String flag, String text, java.util.Optional<Duration> configured,
                                     Duration otherwise) {
        if (text == null) {
            return configured.orElse(otherwise);
        }
        try {
            return Durations.parsePositive(text);
        } catch (IllegalArgumentException e) {
            throw ContentException.invalidArgument(flag + ": " + e.getMessage());
        }
    }

    private static void createRoot(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new PluginException("root " + dir + ": cannot create: " + e, e);
        }
    }

    /**
     * TLS and authentication from the config, their files read now so that a bad one fails here as a config
     * error. Without an {@code auth:} section only a loopback address may be served.
     */
    static ServerSecurity security(StowageConfig cfg, ServerOptions options, String address) {
        ServerTls tls = cfg.tls().orElse(null);
        if (tls != null) {
            try {
                tls.sslContext();
            } catch (IllegalArgumentException e) {
                throw new PluginException("config " + cfg.source() + ": " + e.getMessage(), e);
            }
        }
        if (cfg.auth().isEmpty()) {
            if (!isLoopback(options.host())) {
                throw new PluginException("listen " + address + ": not a loopback address, and authentication is"
                        + " required for any other: add an auth: section to the config (see docs/security.md)");
            }
            return new ServerSecurity(tls, null);
        }
        AuthConfig authConfig;
        try {
            authConfig = AuthConfig.parse(cfg.auth().get(), cfg.source());
        } catch (IllegalArgumentException e) {
            throw new PluginException(e.getMessage(), e);
        }
        return new ServerSecurity(tls, AuthFilter.of(authConfig, tls != null));
    }

    /** True for an address of this machine's loopback interface ({@code 127.0.0.0/8}, {@code ::1}, localhost). */
    static boolean isLoopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static StowageServer bind(ServerOptions options, List<RouteProvider> providers, ServerSecurity security,
                                      String address) {
        try {
            return StowageServer.start(options, providers, security);
        } catch (RuntimeException e) {
            Throwable cause = reactor.core.Exceptions.unwrap(e);
            throw ContentException.unavailable("cannot listen on " + address + ": "
                    + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
        }
    }
}
