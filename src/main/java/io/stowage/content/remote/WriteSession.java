package io.stowage.content.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.stowage.content.ContentException;
import io.stowage.server.ContentJson;
import io.stowage.server.ErrorMapping;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * The client end of one WebSocket write session ({@code GET /v1/ingests/{ref}/write}): frames out, answers in,
 * on the session's own connection. It knows the wire, not the writer's rules (those are {@link RemoteWriter}'s).
 *
 * <p>Out: two lanes merged into the socket. The ordered lane carries whole operations (a write's frames, a
 * commit) one after another, each to its end; the query lane carries stat requests, which may go out between
 * the frames of a running write (the server answers them with the state at that point, as a local writer's
 * status is a snapshot). Frames are sent on the connection's event loop, at most {@code framesInFlight} at a time
 * and each one only once the socket took the previous ones, so a session never holds more than that many frames
 * however fast its data comes. Frames wrap heap memory (unpooled), so one dropped unsent needs no release.
 *
 * <p>In: the server answers every text request in order, so each answer completes the oldest request sent. An
 * {@code {"error":...}} message, or the connection ending, ends the session: every request still waiting fails
 * with that error (the server's code and message, or UNAVAILABLE for a lost connection).
 *
 * <p>Thread-safe; {@link #send} must be called by one thread at a time (the writer calls it under its lock).
 */
final class WriteSession {
    /** Largest answer accepted from the server. */
    static final int MAX_ANSWER_BYTES = 1 << 20;
    static final int CLOSE_NORMAL = 1000;

    /** A frame to send, and the request it carries when it is a text request (null for data). */
    record Outgoing(WebSocketFrame frame, Pending request) {
    }

    /** A text request and its answer: {@code frame} goes into an operation; {@code answer} completes later. */
    record Request(Outgoing frame, Mono<JsonNode> answer) {
    }

    /** A request waiting for its answer. */
    static final class Pending {
        private final Sinks.One<JsonNode> answer = Sinks.one();
    }

    private final String ref;
    private final int framesInFlight;
    private final Sinks.Many<Flux<Outgoing>> ordered = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.Many<Outgoing> queries = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.One<ContentException> ended = Sinks.one();

    // guarded by this
    private final Set<Pending> unsent = new HashSet<>();
    private final ArrayDeque<Pending> awaiting = new ArrayDeque<>();
    private ContentException endReason;
    private Connection connection;
    private WebsocketOutbound out;

    private WriteSession(String ref, int framesInFlight) {
        this.ref = ref;
        this.framesInFlight = framesInFlight;
    }

    /**
     * Opens a session on {@code path} with a client of unpooled connections; emits it once the upgrade is done.
     * A refused upgrade fails with the server's error; cancelling before that drops the connection.
     */
    static Mono<WriteSession> open(HttpClient client, String path, String ref, RemoteOptions options) {
        return Mono.defer(() -> {
            WriteSession s = new WriteSession(ref, options.framesInFlight());
            UpgradeRefusal refusal = new UpgradeRefusal();
            Sinks.One<WriteSession> upgraded = Sinks.one();
            WebsocketClientSpec spec = WebsocketClientSpec.builder().maxFramePayloadLength(MAX_ANSWER_BYTES).build();
            var subscription = client
                    .doOnChannelInit((observer, channel, address) -> refusal.install(channel))
                    .websocket(spec)
                    .uri(path)
                    .handle((in, out) -> s.run(in, out, upgraded))
                    .subscribe(null,
                            e -> {
                                ContentException ce = refusal.explain("write session of ref " + ref, e);
                                upgraded.tryEmitError(ce);
                                s.end(ce);
                            },
                            () -> {
                                ContentException closed = ContentException.unavailable("write session of ref "
                                        + ref + ": connection closed");
                                upgraded.tryEmitError(closed);
                                s.end(closed);
                            });
            return upgraded.asMono().doOnCancel(() -> {
                subscription.dispose();
                s.dispose();
            });
        });
    }

    private Publisher<Void> run(WebsocketInbound in, WebsocketOutbound o, Sinks.One<WriteSession> upgraded) {
        in.withConnection(c -> {
            synchronized (this) {
                connection = c;
                out = o;
            }
        });
        Scheduler loop = Schedulers.fromExecutor(connection.channel().eventLoop());
        Mono<Void> answers = in.aggregateFrames(MAX_ANSWER_BYTES).receiveFrames()
                .doOnNext(this::answer)
                .then()
                .doFinally(sig -> end(ContentException.unavailable("write session of ref " + ref
                        + ": the server closed the connection")));
        Mono<Void> frames = Flux.merge(1, queries.asFlux(), ordered.asFlux().concatMap(op -> op, 0))
                .takeUntilOther(ended.asMono())
                .publishOn(loop, framesInFlight)
                .flatMapSequential(this::transmit, framesInFlight, 1)
                .then()
                .onErrorResume(e -> {
                    end(WireErrors.of("write session of ref " + ref, e));
                    return Mono.empty();
                });
        upgraded.tryEmitValue(this);
        return Mono.when(answers, frames);
    }

    /** Sends one frame; runs on the event loop, in frame order, so the wire order is this order. */
    private Mono<Void> transmit(Outgoing o) {
        Channel channel;
        synchronized (this) {
            if (o.request() != null && unsent.remove(o.request())) {
                awaiting.add(o.request());
            }
            channel = connection.channel();
        }
        // written at once (this is the event loop), so frames leave in the order they come here
        return Mono.create(sink -> channel.writeAndFlush(o.frame()).addListener(f -> {
            if (f.isSuccess()) {
                sink.success();
            } else {
                sink.error(f.cause());
            }
        }));
    }

    /** Handles one message from the server: an answer to the oldest waiting request, or the session's error. */
    private void answer(WebSocketFrame f) {
        if (!(f instanceof TextWebSocketFrame t)) {
            return;
        }
        JsonNode n;
        try {
            n = ContentJson.mapper().readTree(t.text());
        } catch (IOException e) {
            end(ContentException.internal("write session of ref " + ref + ": malformed answer", e));
            return;
        }
        if (n != null && n.has("error")) {
            end(ErrorMapping.fromJson(n.get("error")));
            dispose();
            return;
        }
        Pending p;
        synchronized (this) {
            p = awaiting.poll();
        }
        if (p == null) {
            end(ContentException.internal("write session of ref " + ref + ": an answer nobody asked for", null));
            dispose();
            return;
        }
        p.answer.tryEmitValue(n);
    }

    /** A text request, to be sent as part of an operation on the ordered lane. */
    Request request(ObjectNode json) {
        Pending p = new Pending();
        ContentException already;
        synchronized (this) {
            already = endReason;
            if (already == null) {
                unsent.add(p);
            }
        }
        if (already != null) {
            p.answer.tryEmitError(already);
        }
        return new Request(new Outgoing(new TextWebSocketFrame(json.toString()), p), p.answer.asMono());
    }

    /** Queues an operation on the ordered lane; it is sent after every operation queued before it has ended. */
    void send(Flux<Outgoing> operation) {
        synchronized (this) {
            if (endReason == null) {
                ordered.tryEmitNext(operation);
            }
        }
    }

    /** Sends a query (a stat) on the query lane and answers it; it may pass data of a running operation. */
    Mono<JsonNode> ask(ObjectNode json) {
        return Mono.defer(() -> {
            Request r = request(json);
            synchronized (this) {
                if (endReason == null) {
                    queries.tryEmitNext(r.frame());
                }
            }
            return r.answer();
        });
    }

    /** The frames of one data buffer: slices of at most {@code maxFrameBytes}, sharing its memory. */
    static List<Outgoing> data(ByteBuffer buf, int maxFrameBytes) {
        List<Outgoing> frames = new ArrayList<>(buf.remaining() / maxFrameBytes + 1);
        ByteBuffer rest = buf.duplicate();
        while (rest.hasRemaining()) {
            int n = Math.min(rest.remaining(), maxFrameBytes);
            ByteBuffer part = rest.slice();
            part.limit(n);
            rest.position(rest.position() + n);
            frames.add(new Outgoing(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(part)), null));
        }
        return frames;
    }

    /** Emits the reason once the session has ended, whatever ended it (the server, the connection, {@link #close}). */
    Mono<ContentException> ended() {
        return ended.asMono();
    }

    /**
     * Closes the session from this side (WebSocket close 1000): requests still waiting fail with
     * {@code reason}; completes once the connection is closed. The server then closes its writer, keeping the
     * data and releasing the lock.
     */
    Mono<Void> close(ContentException reason) {
        return Mono.defer(() -> {
            Connection c;
            WebsocketOutbound o;
            synchronized (this) {
                c = connection;
                o = out;
            }
            end(reason);
            if (c == null || c.isDisposed()) {
                return Mono.empty();
            }
            return o.sendClose(CLOSE_NORMAL, "closed").onErrorResume(e -> Mono.empty())
                    .then(Mono.fromRunnable(c::dispose))
                    .then(c.onDispose());
        });
    }

    /** Drops the connection at once (the server treats it as a close). */
    void dispose() {
        Connection c;
        synchronized (this) {
            c = connection;
        }
        if (c != null) {
            c.dispose();
        }
    }

    /** Ends the session once: fails every waiting request with {@code reason} and stops sending. */
    void end(ContentException reason) {
        List<Pending> fail;
        synchronized (this) {
            if (endReason != null) {
                return;
            }
            endReason = reason;
            fail = new ArrayList<>(awaiting);
            fail.addAll(unsent);
            awaiting.clear();
            unsent.clear();
        }
        fail.forEach(p -> p.answer.tryEmitError(reason));
        ended.tryEmitValue(reason);
    }
}
