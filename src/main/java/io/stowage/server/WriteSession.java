package io.stowage.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Info;
import io.stowage.content.Status;
import io.stowage.content.Writer;
import io.stowage.net.BodyPieces;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.publisher.SynchronousSink;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * One WebSocket write session ({@code GET /v1/ingests/{ref}/write}), mirroring containerd's {@code Content.Write}
 * stream. It owns an open {@link Writer} (and so the ref's lock) from before the upgrade to its end.
 *
 * <p>Inbound frames are handled strictly in order, one at a time ({@code concatMap} without prefetch, so the
 * socket is read only as fast as the writer writes): a binary frame (or binary continuation) is appended at the
 * current offset; a text frame is a {@link WriteRequest}, answered once everything before it is written, with
 * {@code {"action","offset","total","digest","startedAt","updatedAt"}}. A request's {@code offset} positions the
 * ingest first: absent or the current offset appends, an explicit 0 on an ingest holding data resets it (the
 * lock is kept), anything else is {@code out_of_range}. {@code total}, {@code expected} and {@code labels} sent
 * in any request replace the ones in force (a total of 0 keeps it); {@code commit} commits with them, answers and
 * ends the session (close 1000). The commit answer carries the committed size as {@code offset}, the committed
 * digest, and the commit time as {@code updatedAt}.
 *
 * <p>On any error the writer is closed first (lock released, data kept), then {@code {"error":{"code","message"}}}
 * ({@code "offset"} too for {@code out_of_range}) is sent and the socket closed (1011). An abort of the ref ends
 * the session the same way ({@code failed_precondition}, "aborted") before the ingest is removed. A client that
 * drops the socket gets its writer closed at once; a client that closes it gets its writer closed after the
 * frames it sent before, and only then the answer to its close ({@link ClientCloseHold}), so it may reopen the
 * ref as soon as its socket is closed. One that sends nothing for the idle timeout while the session waits for a
 * frame is ended like an error ({@code unavailable}). The inbound is never cancelled (Reactor Netty would close
 * the socket before a last answer); frames that arrive after the end are read and dropped.
 */
final class WriteSession {
    private static final Logger log = LoggerFactory.getLogger(WriteSession.class);
    static final int CLOSE_NORMAL = 1000;
    static final int CLOSE_ERROR = 1011;
    /** After an error answer, the client is taken to have stopped sending once it sent nothing for this long. */
    private static final Duration QUIET = Duration.ofMillis(100);
    /** The longest an error close waits for the client to stop sending (its frames are read and dropped). */
    private static final Duration LINGER = Duration.ofSeconds(2);
    static final int CLOSE_GOING_AWAY = 1001;

    private final Writer writer;
    private final Instant startedAt;
    private final int maxTextBytes;
    private final Duration idleTimeout;
    private final WriteSessions registry;
    private final Sinks.One<ContentException> endRequest = Sinks.one();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Sinks.Empty<Void> released = Sinks.empty();
    private final AtomicBoolean handlerStarted = new AtomicBoolean();
    /** Time since the client's last bytes (null when the connection has no {@link ClientWatch}). */
    private volatile LongSupplier sinceLastRead;
    private final AtomicBoolean releasing = new AtomicBoolean();

    // Touched only by the sequential frame pipeline.
    private long total;
    private Digest expected;
    private Map<String, String> labels = Map.of();
    private ByteArrayOutputStream pendingText;
    private volatile boolean committed;
    private volatile int endCloseStatus = CLOSE_ERROR;

    WriteSession(Writer writer, Status opened, ServerOptions options, WriteSessions registry) {
        this.writer = writer;
        this.startedAt = opened.startedAt();
        this.total = opened.total();
        this.expected = opened.expected();
        this.maxTextBytes = options.maxJsonBytes();
        this.idleTimeout = options.idleTimeout();
        this.registry = registry;
    }

    String ref() {
        return writer.ref();
    }

    /** Upgrades the request; when the upgrade fails the writer is closed here, else by the session. */
    Mono<Void> upgrade(HttpServerResponse res, int maxFrameBytes) {
        registry.add(this);
        WebsocketServerSpec spec = WebsocketServerSpec.builder().maxFramePayloadLength(maxFrameBytes).build();
        return res.sendWebsocket(this::run, spec)
                .doFinally(sig -> {
                    if (!handlerStarted.get()) {
                        release().subscribe();
                    }
                });
    }

    /** Ends the session with {@code why} (sent to the client); completes when the writer has been let go. */
    Mono<Void> end(ContentException why) {
        return end(why, CLOSE_ERROR);
    }

    /** As {@link #end(ContentException)}, closing the socket with {@code closeStatus} (1001 on shutdown). */
    Mono<Void> end(ContentException why, int closeStatus) {
        endCloseStatus = closeStatus;
        endRequest.tryEmitValue(why);
        return released.asMono();
    }

    private Publisher<Void> run(WebsocketInbound in, WebsocketOutbound out) {
        handlerStarted.set(true);
        // Never cancel the inbound: Reactor Netty closes the socket at once when it is cancelled, before a last
        // answer could be sent. Once the session is finished, further frames are read and dropped.
        Disposable ending = endRequest.asMono().subscribe(why -> finish(out, why).subscribe());
        // The client's close frame is answered only once the writer is released (lock free before the close).
        in.withConnection(c -> c.addHandlerLast(ClientCloseHold.NAME, new ClientCloseHold()));
        in.withConnection(c -> sinceLastRead = ClientWatch.sinceLastRead(c.channel()));
        return StallGuard.watching(in.receiveFrames(), idleTimeout, this::stalled, sinceLastRead)
                .<Object>handle(this::decode)
                .concatMap(inbound -> step(out, inbound), 0)
                .then(Mono.defer(this::release))
                .onErrorResume(e -> {
                    log.debug("write session {}: connection ended: {}", ref(), e.toString());
                    return release();
                })
                .doFinally(sig -> {
                    ending.dispose();
                    release().subscribe();
                });
    }

    /** The client sent no frame for the idle timeout while the session waited for one: end it. */
    private void stalled() {
        endRequest.tryEmitValue(ContentException.unavailable("write session on ref " + ref() + ": no frame for "
                + idleTimeout.toMillis() + " ms; the writer was closed and its bytes kept"));
    }

    /** Handles one inbound item, then sends its answer (waiting for the write: that is the backpressure). */
    private Mono<Void> step(WebsocketOutbound out, Object inbound) {
        if (inbound instanceof ClientCloseHold.Closing closing) {
            finished.set(true);
            return release().doFinally(sig -> closing.proceed());
        }
        if (finished.get()) {
            return Mono.empty();
        }
        if (inbound instanceof ContentException e) {
            return finish(out, e);
        }
        return process(inbound)
                .flatMap(json -> committed ? endCommitted(out, json) : send(out, json))
                .onErrorResume(e -> finish(out, e));
    }

    private static Mono<Void> send(WebsocketOutbound out, String json) {
        return out.sendObject(new TextWebSocketFrame(json)).then();
    }

    /** After a commit (the writer has released the lock): the answer, then a normal close. */
    private Mono<Void> endCommitted(WebsocketOutbound out, String json) {
        if (!finished.compareAndSet(false, true)) {
            return Mono.empty();
        }
        return release().then(send(out, json)).then(out.sendClose(CLOSE_NORMAL, "committed"))
                .onErrorResume(e -> Mono.empty());
    }

    /** Ends the session on an error, once: the writer is closed first, then the error is sent and the socket closed. */
    private Mono<Void> finish(WebsocketOutbound out, Throwable e) {
        if (!finished.compareAndSet(false, true)) {
            return Mono.empty();
        }
        ContentException ce = classify(e);
        ErrorMapping.logIfUnexpected("write session " + ref(), e, ce);
        ObjectNode n = ContentJson.mapper().createObjectNode();
        n.set("error", ErrorMapping.body(ce));
        String reason = ce.code() == ErrorCode.INTERNAL ? "internal" : ce.code().wireName();
        // The close goes out once the client has stopped sending (it stops when it reads the error): closing a
        // socket whose receive queue holds data resets it, and a reset can discard the error before it is read.
        return release()
                .then(send(out, n.toString()))
                .doOnSuccess(v -> untilQuiet().then(out.sendClose(endCloseStatus, reason))
                        .onErrorResume(x -> Mono.empty()).subscribe())
                .onErrorResume(x -> Mono.empty());
    }

    /** Completes once no byte came from the client for {@link #QUIET}, or after {@link #LINGER} at most. */
    private Mono<Void> untilQuiet() {
        LongSupplier since = sinceLastRead;
        if (since == null) {
            return Mono.empty();
        }
        long deadline = System.nanoTime() + LINGER.toNanos();
        return Flux.interval(QUIET.dividedBy(4), QUIET.dividedBy(4))
                .takeUntil(i -> since.getAsLong() >= QUIET.toNanos() || System.nanoTime() >= deadline)
                .then();
    }

    private static ContentException classify(Throwable e) {
        return e instanceof CorruptedWebSocketFrameException
                ? ContentException.invalidArgument("bad WebSocket frame: " + e.getMessage())
                : ErrorMapping.toContentException(e);
    }

    /** Turns a frame into a heap copy of its data or a complete text message; runs before the frame is released. */
    private void decode(WebSocketFrame f, SynchronousSink<Object> sink) {
        if (f instanceof ClientCloseHold.Closing) {
            sink.next(f);
            return;
        }
        ByteBuf content = f.content();
        if (f instanceof TextWebSocketFrame) {
            pendingText = new ByteArrayOutputStream();
            appendText(content, f.isFinalFragment(), sink);
        } else if (f instanceof BinaryWebSocketFrame) {
            pendingText = null;
            data(content, sink);
        } else if (f instanceof ContinuationWebSocketFrame) {
            if (pendingText != null) {
                appendText(content, f.isFinalFragment(), sink);
            } else {
                data(content, sink);
            }
        }
        // ping, pong and close are handled by Reactor Netty
    }

    private static void data(ByteBuf content, SynchronousSink<Object> sink) {
        if (content.isReadable()) {
            sink.next(BodyPieces.copy(content));
        }
    }

    private void appendText(ByteBuf content, boolean last, SynchronousSink<Object> sink) {
        int n = content.readableBytes();
        if (pendingText.size() + n > maxTextBytes) {
            pendingText = null;
            sink.next(ContentException.invalidArgument("write request over " + maxTextBytes + " bytes"));
            return;
        }
        byte[] b = new byte[n];
        content.getBytes(content.readerIndex(), b);
        pendingText.write(b, 0, n);
        if (last) {
            byte[] json = pendingText.toByteArray();
            pendingText = null;
            sink.next(json);
        }
    }

    private Mono<String> process(Object inbound) {
        if (inbound instanceof ByteBuffer data) {
            return writer.write(Mono.just(data)).then(Mono.empty());
        }
        return Mono.defer(() -> request(WriteRequest.parse((byte[]) inbound)));
    }

    private Mono<String> request(WriteRequest r) {
        if (r.total() != null && r.total() > 0) {
            total = r.total();
        }
        if (r.expected() != null) {
            expected = r.expected();
        }
        if (r.labels() != null) {
            labels = r.labels();
        }
        return switch (r.action()) {
            case WriteRequest.STAT -> state(r.action());
            case WriteRequest.WRITE -> position(r.offset()).then(state(r.action()));
            default -> position(r.offset()).then(commit());
        };
    }

    /** An explicit offset: the current one appends, 0 resets, any other is OUT_OF_RANGE (from the writer). */
    private Mono<Void> position(Long offset) {
        return offset == null ? Mono.empty() : writer.write(offset, Flux.empty()).then();
    }

    private Mono<String> state(String action) {
        return Mono.zip(writer.status(), writer.digest())
                .map(t -> reply(action, t.getT1().offset(), t.getT2(), t.getT1().updatedAt()));
    }

    private Mono<String> commit() {
        long size = total;
        Digest want = expected;
        Map<String, String> commitLabels = labels;
        return writer.commit(size, want, commitLabels).map(info -> {
            committed = true;
            return committedReply(info);
        });
    }

    private String committedReply(Info info) {
        return reply(WriteRequest.COMMIT, info.size(), info.digest(), info.updatedAt());
    }

    private String reply(String action, long offset, Digest digest, Instant updatedAt) {
        ObjectNode n = ContentJson.mapper().createObjectNode();
        n.put("action", action);
        n.put("offset", offset);
        n.put("total", total);
        n.put("digest", digest.toString());
        n.put("startedAt", ContentJson.formatTime(startedAt));
        n.put("updatedAt", ContentJson.formatTime(updatedAt));
        return n.toString();
    }

    /** Closes the writer once (data kept, lock released); a no-op after commit. */
    private Mono<Void> release() {
        return Mono.defer(() -> {
            if (!releasing.compareAndSet(false, true)) {
                return released.asMono();
            }
            return writer.close()
                    .onErrorResume(e -> {
                        log.warn("write session {}: closing the writer failed", ref(), e);
                        return Mono.empty();
                    })
                    .doFinally(sig -> {
                        registry.remove(this);
                        released.tryEmitEmpty();
                    });
        });
    }
}
