package io.stowage.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.Refs;
import io.stowage.content.Writer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Ingests under {@code /v1/ingests}; the ref is one path segment, percent-decoded (so {@code %2F} is a slash
 * inside the ref):
 * <pre>
 *   GET    /v1/ingests?filter=F                    200 streamed JSON array of Status
 *   GET    /v1/ingests/{ref}                       200 Status
 *   DELETE /v1/ingests/{ref}                       204; ends a write session on the ref first
 *   PUT    /v1/ingests/{ref}?offset=N&amp;total=T&amp;expected=D&amp;commit=true&amp;label=k=v&amp;wait=W
 *                                                  streamed body; 201 Info when committed, else 200 Status
 *   GET    /v1/ingests/{ref}/write?total=T&amp;expected=D&amp;wait=W   WebSocket write session ({@link WriteSession})
 * </pre>
 * {@code wait} ({@code 500ms}, {@code 30s}, {@code 2m}, at most {@code 1h}; absent: 0) lets a request on a
 * locked ref wait that long for the lock ({@link io.stowage.content.Ingester#writer(String, long, Digest,
 * Duration)}), woken when it is released, before it is refused with 503 {@code unavailable}; a session's upgrade
 * is answered only once the lock is taken.
 * A PUT holds the ref's lock for the request and releases it (commit or close) before its response is sent.
 * Without {@code offset} it appends; {@code offset=0} on an ingest holding data resets it; any other offset than
 * the current one is 416 with the current offset. {@code label}s only matter with {@code commit=true}. A body
 * shorter than its Content-Length (a client gone) is not committed; what was written stays for a resume. A body
 * that stalls (nothing arrives for the idle timeout while the writer waits for it) fails with 503
 * {@code unavailable}: the writer is closed, its bytes kept and the lock released.
 */
final class IngestHandlers {
    static final String PREFIX = "/v1/ingests";
    /** How long an abort waits for the write session it ends to let go of the writer. */
    static final Duration SESSION_END_WAIT = Duration.ofSeconds(5);

    private final ContentStore store;
    private final ServerOptions options;
    private final WriteSessions sessions = new WriteSessions();

    IngestHandlers(ContentStore store, ServerOptions options) {
        this.store = store;
        this.options = options;
    }

    Mono<Void> dispatch(HttpServerRequest req, HttpServerResponse res) {
        RequestTarget t = RequestTarget.parse(req.uri(), PREFIX);
        List<String> s = t.segments();
        HttpMethod m = req.method();
        if (s.isEmpty() && m.equals(HttpMethod.GET)) {
            return Replies.jsonArray(req, res, store.listStatuses(t.all("filter")));
        }
        if (s.size() == 1) {
            if (m.equals(HttpMethod.GET)) {
                return store.status(Refs.validate(s.get(0)))
                        .flatMap(st -> Replies.json(res, HttpResponseStatus.OK, st));
            }
            if (m.equals(HttpMethod.DELETE)) {
                return abort(Refs.validate(s.get(0))).then(Replies.noContent(res));
            }
            if (m.equals(HttpMethod.PUT)) {
                return put(req, res, Refs.validate(s.get(0)), t);
            }
        }
        if (s.size() == 2 && s.get(1).equals("write") && m.equals(HttpMethod.GET)) {
            return session(req, res, Refs.validate(s.get(0)), t);
        }
        throw Routes.noRoute(req);
    }

    /** Ends every open write session (server shutting down): writers closed with their data, clients told. */
    Mono<Void> endSessions() {
        return sessions.endAll(ContentException.unavailable("the server is shutting down; the writer was closed"
                + " and its bytes kept: resume after the restart"));
    }

    /** Ends an open write session on the ref (with an error to its client), then aborts the ingest. */
    private Mono<Void> abort(String ref) {
        return sessions.end(ref, ContentException.failedPrecondition("ingest " + ref + ": aborted"))
                .timeout(SESSION_END_WAIT, Mono.empty())
                .then(Mono.defer(() -> store.abort(ref)));
    }

    private Mono<Void> put(HttpServerRequest req, HttpServerResponse res, String ref, RequestTarget t) {
        long offset = t.nonNegative("offset", -1);
        long total = t.nonNegative("total", 0);
        Digest expected = t.digest("expected");
        boolean commit = t.flag("commit");
        Map<String, String> labels = t.keyValues("label");
        Duration wait = t.waitParam("wait");
        return Mono.usingWhen(store.writer(ref, total, expected, wait, t.expiry()),
                        w -> write(w, offset, body(req, ref)).then(commit
                                ? w.commit(total, expected, labels).map(info -> new Reply(HttpResponseStatus.CREATED, info))
                                : w.status().flatMap(st -> w.close().thenReturn(new Reply(HttpResponseStatus.OK, st)))),
                        Writer::close,
                        (w, e) -> w.close(),
                        Writer::close)
                // the writer is committed or closed (lock released) before the reply goes out
                .flatMap(reply -> Replies.json(res, reply.status(), reply.body()));
    }

    private static Mono<Long> write(Writer w, long offset, Flux<ByteBuffer> body) {
        return offset < 0 ? w.write(body) : w.write(offset, body);
    }

    /** The request body, failing with UNAVAILABLE when the client sends nothing for the idle timeout. */
    private Flux<ByteBuffer> body(HttpServerRequest req, String ref) {
        Duration idle = options.idleTimeout();
        return StallGuard.failing(Bodies.stream(req), idle, () -> ContentException.unavailable("ref " + ref
                + ": the request body stalled (nothing received for " + idle.toMillis()
                + " ms); the bytes written so far are kept"));
    }

    private Mono<Void> session(HttpServerRequest req, HttpServerResponse res, String ref, RequestTarget t) {
        long total = t.nonNegative("total", 0);
        Digest expected = t.digest("expected");
        java.time.Duration expiry = t.expiry();
        Duration wait = t.waitParam("wait");
        if (!isUpgrade(req)) {
            throw ContentException.invalidArgument("GET " + PREFIX + "/{ref}/write needs a WebSocket upgrade");
        }
        // Open the writer before upgrading, so a locked ref or existing content refuses the upgrade. The upgrade
        // itself must run on the connection's event loop: done from another thread, a frame the client sends
        // right after the 101 can reach the HTTP operations before the WebSocket ones replace them, and is lost.
        return store.writer(ref, total, expected, wait, expiry)
                .publishOn(eventLoopOf(res))
                .doOnDiscard(Writer.class, w -> w.close().subscribe())
                .flatMap(w -> w.status()
                        .onErrorResume(e -> w.close().then(Mono.error(e)))
                        .flatMap(st -> new WriteSession(w, st, options, sessions).upgrade(res,
                                options.maxFrameBytes())));
    }

    private static Scheduler eventLoopOf(HttpServerResponse res) {
        Executor[] loop = {Runnable::run};
        res.withConnection(c -> loop[0] = c.channel().eventLoop());
        return Schedulers.fromExecutor(loop[0]);
    }

    /** A WebSocket opening handshake: {@code Connection: upgrade} and {@code Upgrade: websocket}. */
    private static boolean isUpgrade(HttpServerRequest req) {
        return req.requestHeaders().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && req.requestHeaders().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    private record Reply(HttpResponseStatus status, Object body) {
    }
}
