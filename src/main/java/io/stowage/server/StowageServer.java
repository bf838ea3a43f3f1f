package io.stowage.server;

import io.netty.handler.ssl.SslContext;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.stowage.net.BodyPieces;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.NettyPipeline;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * A running stowage HTTP server (Reactor Netty): the routes of its {@link RouteProvider}s, in order, then a JSON
 * {@code 404 not_found} for anything else. Once bound it logs one line, {@code stowage listening on
 * http://HOST:PORT} (https with {@link ServerSecurity#tls()}); a {@link ServerSecurity#filter()} sees every request
 * first. Disposing it stops accepting connections and closes open ones; the stores behind the routes
 * are not closed. Request lines over 16 KiB are refused with 414, header blocks over 8 KiB with 431; a client that
 * stalls is cut after the {@linkplain ServerOptions#idleTimeout() idle timeout} ({@link ClientWatch}).
 * Thread-safe.
 */
public final class StowageServer implements Disposable {
    private static final Logger log = LoggerFactory.getLogger(StowageServer.class);
    /** Longest request line accepted (refs and filters travel in it). */
    static final int MAX_INITIAL_LINE = 16 * 1024;
    /** Largest header block accepted (Netty's default): larger is 431 and the connection closed. */
    static final int MAX_HEADERS = 8 * 1024;

    private final DisposableServer server;
    private final boolean tls;
    private final ChannelGroup connections;
    private final List<RouteProvider> providers;

    private StowageServer(DisposableServer server, boolean tls, ChannelGroup connections,
                          List<RouteProvider> providers) {
        this.server = server;
        this.tls = tls;
        this.connections = connections;
        this.providers = providers;
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
        List<RouteProvider> ps = List.copyOf(providers);
        ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        HttpServerRoutes routes = HttpServerRoutes.newRoutes();
        ps.forEach(p -> p.register(routes));
        routes.route(req -> true, Routes::notFound);
        RequestFilter filter = security.filter();
        HttpServer http = HttpServer.create()
                .channelGroup(connections)
                .host(options.host())
                .port(options.port())
                .idleTimeout(options.idleTimeout())
                // Reads of up to a body piece: an upload reaches the store in pieces large enough for direct writes.
                // Pooled buffers: Netty's adaptive allocator pools at most 256 KiB under a heap below 512 MiB, and
                // allocated and zeroed a fresh direct buffer for every larger read (5 % of the CPU of small uploads).
                .childOption(ChannelOption.RCVBUF_ALLOCATOR,
                        new AdaptiveRecvByteBufAllocator(64, 2048, BodyPieces.MAX))
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .doOnChannelInit((observer, channel, remote) -> {
                    options.tcpCongestion().apply(channel);
                    channel.pipeline().addFirst(ClientWatch.NAME, new ClientWatch(options.idleTimeout()));
                    channel.pipeline().addBefore(NettyPipeline.ReactiveBridge, ReadResume.NAME, new ReadResume());
                })
                .httpRequestDecoder(spec -> spec.maxInitialLineLength(MAX_INITIAL_LINE).maxHeaderSize(MAX_HEADERS)
                        .maxChunkSize(BodyPieces.MAX))
                .handle(filter == null ? routes : (req, res) -> filter.filter(req, res, routes));
        if (security.tls() != null) {
            SslContext context = security.tls().sslContext();
            http = http.secure(spec -> spec.sslContext(context));
        }
        boolean tls = security.tls() != null;
        return http.bind()
                .map(bound -> new StowageServer(bound, tls, connections, ps))
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

    /**
     * Shuts down gracefully within {@code grace}: stops accepting connections; lets each provider end its
     * long-lived exchanges ({@link RouteProvider#beforeShutdown()}: write sessions close their writers and tell
     * their clients); closes idle connections; waits for the requests in flight (a PUT finishing its body and its
     * commit) until the bound; then closes whatever is left, which ends those handlers (their writers closed, data
     * kept). Blocks: call it from the thread that stops the process, never from an event loop.
     */
    public void shutdown(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        server.dispose();
        try {
            server.onDispose().block(remaining(deadline));
        } catch (RuntimeException e) {
            log.warn("closing the listening socket: {}", e.toString());
        }
        log.info("stopped accepting connections; waiting up to {} ms for the requests in flight",
                grace.toMillis());
        try {
            Flux.fromIterable(providers).flatMap(RouteProvider::beforeShutdown).then()
                    .block(remaining(deadline));
        } catch (RuntimeException e) {
            log.warn("ending long-lived exchanges: {}", e.toString());
        }
        List<Mono<Void>> inFlight = new ArrayList<>();
        for (Channel ch : connections) {
            ChannelOperations<?, ?> ops = ChannelOperations.get(ch);
            if (ops == null) {
                ch.close();   // idle keep-alive connection
            } else {
                inFlight.add(ops.onTerminate().onErrorResume(e -> Mono.empty()));
            }
        }
        try {
            Mono.when(inFlight).block(remaining(deadline));
            log.info("requests in flight finished");
        } catch (RuntimeException e) {
            log.warn("{} connection(s) still busy after {} ms: closing them", inFlight.size(), grace.toMillis());
        }
        connections.close().awaitUninterruptibly(remaining(deadline).plusSeconds(5).toMillis());
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1));
    }

    /** Stops the server without waiting: stops accepting and closes every connection, busy or not. */
    @Override
    public void dispose() {
        server.dispose();
        connections.close();
    }

    /**
     * Stops the server at once (every connection closed, busy or not) and waits (at most {@code timeout}) until it
     * is down; {@link #shutdown} is the graceful way. Blocks: not on an event loop.
     */
    public void disposeNow(Duration timeout) {
        server.dispose();
        connections.close();
        server.disposeNow(timeout);
    }

    @Override
    public boolean isDisposed() {
        return server.isDisposed();
    }
}
