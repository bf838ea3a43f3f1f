package io.stowage.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * A scripted WebSocket client for tests: frames are queued to send, text frames received are queued to read, and
 * the close status (or the handshake failure) is kept. Reading waits at most 30 s.
 */
final class WsClient implements AutoCloseable {
    private static final Duration T = Duration.ofSeconds(30);

    private final Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();
    private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final Sinks.One<WebSocketCloseStatus> closeStatus = Sinks.one();
    private final Sinks.One<Object> opened = Sinks.one();
    private final AtomicReference<Connection> connection = new AtomicReference<>();
    private final AtomicReference<reactor.netty.http.websocket.WebsocketOutbound> out = new AtomicReference<>();
    private Disposable session;

    private WsClient() {
    }

    /** Connects; returns once upgraded, or throws the handshake failure. */
    static WsClient connect(StowageServer server, String path) {
        WsClient c = new WsClient();
        WebsocketClientSpec spec = WebsocketClientSpec.builder().maxFramePayloadLength(16 << 20).build();
        c.session = HttpClient.create().baseUrl(server.uri().toString())
                .websocket(spec)
                .uri(path)
                .handle((in, out) -> {
                    in.withConnection(c.connection::set);
                    c.out.set(out);
                    in.receiveCloseStatus().subscribe(c.closeStatus::tryEmitValue);
                    c.opened.tryEmitValue(Boolean.TRUE);
                    Mono<Void> receive = in.receiveFrames()
                            .doOnNext(f -> {
                                if (f instanceof TextWebSocketFrame t) {
                                    c.texts.add(t.text());
                                }
                            })
                            .then();
                    return Mono.when(receive, out.sendObject(c.outbound.asFlux()).then());
                })
                .subscribe(x -> { }, e -> c.opened.tryEmitValue(e));
        Object o = c.opened.asMono().block(T);
        if (o instanceof Throwable t) {
            throw t instanceof RuntimeException re ? re : new RuntimeException(t);
        }
        return c;
    }

    /** The HTTP status of a refused upgrade. */
    static int refusedStatus(Throwable t) {
        Throwable c = t;
        while (c != null && !(c instanceof WebSocketClientHandshakeException)) {
            c = c.getCause();
        }
        if (c == null) {
            throw new AssertionError("not a handshake failure", t);
        }
        return ((WebSocketClientHandshakeException) c).response().status().code();
    }

    WsClient text(String json) {
        outbound.tryEmitNext(new TextWebSocketFrame(json));
        return this;
    }

    WsClient binary(byte[] data) {
        outbound.tryEmitNext(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)));
        return this;
    }

    /** Sends {@code data} as one binary message in fragments of {@code fragment} bytes. */
    WsClient fragmented(byte[] data, int fragment) {
        for (int off = 0; off < data.length; off += fragment) {
            int n = Math.min(fragment, data.length - off);
            boolean last = off + n >= data.length;
            var buf = Unpooled.wrappedBuffer(data, off, n);
            outbound.tryEmitNext(off == 0 ? new BinaryWebSocketFrame(last, 0, buf)
                    : new ContinuationWebSocketFrame(last, 0, buf));
        }
        return this;
    }

    /** Sends {@code json} as one text message in fragments (split bytes, possibly inside a UTF-8 sequence). */
    WsClient fragmentedText(String json, int fragment) {
        byte[] data = json.getBytes(StandardCharsets.UTF_8);
        for (int off = 0; off < data.length; off += fragment) {
            int n = Math.min(fragment, data.length - off);
            boolean last = off + n >= data.length;
            var buf = Unpooled.wrappedBuffer(data, off, n);
            outbound.tryEmitNext(off == 0 ? new TextWebSocketFrame(last, 0, buf)
                    : new ContinuationWebSocketFrame(last, 0, buf));
        }
        return this;
    }

    /** The next text frame received, as JSON. */
    JsonNode next() {
        try {
            String s = texts.poll(T.toMillis(), TimeUnit.MILLISECONDS);
            if (s == null) {
                throw new AssertionError("no text frame within " + T);
            }
            return ContentJson.mapper().readTree(s);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a request and returns the answer. */
    JsonNode ask(String json) {
        return text(json).next();
    }

    /** Waits for the server's close frame and returns its status. */
    WebSocketCloseStatus awaitClose() {
        return closeStatus.asMono().block(T);
    }

    /** Closes the socket without a close frame, as a crashed client would. */
    void drop() {
        connection.get().channel().close().syncUninterruptibly();
    }

    /** A normal close from the client side. */
    @Override
    public void close() {
        var o = out.get();
        if (o != null && connection.get().channel().isActive()) {
            o.sendClose(1000, "bye").onErrorResume(e -> Mono.empty()).block(T);
        }
        outbound.tryEmitComplete();
        session.dispose();
    }
}
