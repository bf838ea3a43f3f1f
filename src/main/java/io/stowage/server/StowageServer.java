package io.stowage.server;

import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * A running stowage HTTP server (Reactor Netty): the routes of its {@link RouteProvider}s, in order, then a JSON
 * {@code 404 not_found} for anything else. Once bound it logs one line, {@code stowage listening on
 * http://HOST:PORT} (https with {@link ServerSecurity#tls()}); a {@link ServerSecurity#filter()} sees every request
 * first. Disposing it stops accepting connections and closes open ones; the stores behind the routes
 * are not closed. Thread-safe.
 */
public final class StowageServer implements Disposable {
    private static final Logger log = LoggerFactory.getLogger(StowageServer.class);
    /** Longest request line accepted (refs and filters travel in it). */
    static final int MAX_INITIAL_LINE = 16 * 1024;

    private final DisposableServer server;
    private final boolean tls;

    private StowageServer(DisposableServer server, boolean tls) {
        this.server = server;
        this.tls = tls;
    }

    /**
     * Binds and starts a server, waiting (at most 30 s) until it listens. Blocks the calling thread: call it at
     * start-up or in a test, never on an event loop; reactive callers use {@link #bind}.
     */
    public static StowageServer start(ServerOptions options, List<RouteProvider> providers) {
        return start(options, providers, ServerSecurity.none());
    }

    /**
     * As {@link #start(ServerOptions, List)}, with TLS and a request filter. Also blocks to read the TLS files;
     * a bad certificate or key is an IllegalArgumentException naming the file.
     */
    public static StowageServer start(ServerOptions options, List<RouteProvider> providers, ServerSecurity security) {
        StowageServer s = bind(options, providers, security).block(Duration.ofSeconds(30));
        return Objects.requireNonNull(s, "bind completed without a server");
    }

    /** Binds a server; the Mono emits it once it listens. */
    public static Mono<StowageServer> bind(ServerOptions options, List<RouteProvider> providers) {
        return bind(options, providers, ServerSecurity.none());
    }

    /**
     * Binds a server with TLS and a request filter; the Mono emits it once it listens. Reads the TLS files when
     * called (blocking): call it at start-up.
     */
    public static Mono<StowageServer> bind(ServerOptions options, List<RouteProvider> providers,
                                           ServerSecurity security) {
        HttpServerRoutes routes = HttpServerRoutes.newRoutes();
        providers.forEach(p -> p.register(routes));
        routes.route(req -> true, Routes::notFound);
        RequestFilter filter = security.filter();
        HttpServer http = HttpServer.create()
                .host(options.host())
                .port(options.port())
                .idleTimeout(options.idleTimeout())
                .httpRequestDecoder(spec -> spec.maxInitialLineLength(MAX_INITIAL_LINE))
                .handle(filter == null ? routes : (req, res) -> filter.filter(req, res, routes));
        if (security.tls() != null) {
            SslContext context = security.tls().sslContext();
            http = http.secure(spec -> spec.sslContext(context));
        }
        boolean tls = security.tls() != null;
        return http.bind()
                .map(s -> new StowageServer(s, tls))
                .doOnNext(s -> log.info("stowage listening on {}", s.uri()));
    }

    /** The bound address (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.address();
    }

    /** {@code http://HOST:PORT} (or {@code https://} with TLS) of the bound address. */
    public URI uri() {
        InetSocketAddress a = address();
        String host = a.getHostString();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return URI.create((tls ? "https://" : "http://") + host + ":" + a.getPort());
    }

    /** Completes when the server has been disposed and its channel closed. */
    public Mono<Void> onDispose() {
        return server.onDispose();
    }

    /** Stops the server without waiting. */
    @Override
    public void dispose() {
        server.dispose();
    }

    /** Stops the server and waits (at most {@code timeout}) until it is down. Blocks: not on an event loop. */
    public void disposeNow(Duration timeout) {
        server.disposeNow(timeout);
    }

    @Override
    public boolean isDisposed() {
        return server.isDisposed();
    }
}
