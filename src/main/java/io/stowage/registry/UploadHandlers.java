package io.stowage.registry;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Writer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Blob uploads, {@code /v2/<name>/blobs/uploads/[<id>]}. Every upload session is an ingest of the store with
 * ref {@code registry-upload-<id>} (so it shows in {@code /v1/ingests} and survives restarts), plus a row tying
 * the id to its repository. The ref's lock is held only while a request writes: each request opens the writer,
 * writes, and closes it; the ingest resumes across requests.
 * <pre>
 *   POST   uploads/                      202  new session (the ingest is created at once)
 *   POST   uploads/?digest=D             201  monolithic upload: the body is the blob
 *   POST   uploads/?mount=D&amp;from=R       201  D linked from R without copying; 202 new session when R lacks D
 *   PATCH  uploads/ID                    202  chunk at its Content-Range, or streamed at the end without one
 *   PUT    uploads/ID?digest=D           201  optional final chunk, then commit under D
 *   GET    uploads/ID                    204  progress: Range 0-&lt;last byte&gt;
 *   DELETE uploads/ID                    204  cancel (abort the ingest)
 * </pre>
 * A chunk must start at the session's offset, or at 0: a chunk at 0 on a session holding data resets it (the
 * restart path of a client that lost its stream). Any other start is 416 RANGE_INVALID with the session's
 * {@code Range}. A failed commit (DIGEST_INVALID) leaves the session resumable; a failed monolithic upload is
 * aborted, its session never having been handed out.
 */
final class UploadHandlers {
    static final String REF_PREFIX = "registry-upload-";
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Duration RETRY = Duration.ofMillis(50);

    private final ContentStore store;
    private final RegistryTables tables;
    private final RegistryOptions options;

    UploadHandlers(ContentStore store, RegistryTables tables, RegistryOptions options) {
        this.store = store;
        this.tables = tables;
        this.options = options;
    }

    /** The store ref of an upload session. */
    static String ref(String id) {
        return REF_PREFIX + id;
    }

    Mono<Void> start(Exchange x, String name) {
        String mount = x.target.param("mount");
        if (mount != null) {
            Digest digest = Names.digest(mount);
            String from = x.target.param("from");
            if (from != null) {
                Names.requireName(from);
            }
            // link first, then look: garbage collection re-checks links before deleting, so a blob still there
            // after the link is in place stays (see io.stowage.gc.GarbageCollector)
            return mountable(from, digest).flatMap(ok -> !ok ? newSession(x, name)
                    : tables.holding(tables.hold(name, digest), h -> present(digest).flatMap(there -> (there
                            ? tables.keep(h) : tables.release(h)).thenReturn(there)))
                    .flatMap(there -> there ? x.drain().then(created(x, name, digest)) : newSession(x, name)));
        }
        String digest = x.target.param("digest");
        if (digest != null) {
            return monolithic(x, name, Names.digest(digest));
        }
        return newSession(x, name);
    }

    /** True when {@code from} links the blob. */
    private Mono<Boolean> mountable(String from, Digest digest) {
        if (from == null) {
            return Mono.just(false);
        }
        return tables.blobLinked(from, digest);
    }

    /** True when the store has the blob. */
    private Mono<Boolean> present(Digest digest) {
        return store.info(digest).thenReturn(true)
                .onErrorResume(e -> ContentException.is(e, ErrorCode.NOT_FOUND), e -> Mono.just(false));
    }

    private Mono<Void> newSession(Exchange x, String name) {
        return tables.createUpload(name)
                .flatMap(id -> store.writer(ref(id), 0, null).flatMap(Writer::close)
                        .onErrorResume(e -> tables.deleteUpload(id).then(Mono.error(e)))
                        .thenReturn(id))
                .flatMap(id -> x.drain().then(x.empty(HttpResponseStatus.ACCEPTED, progress(name, id, 0))));
    }

    private Mono<Void> monolithic(Exchange x, String name, Digest digest) {
        // the session and the link's hold in one transaction (see RegistryTables.hold)
        return Mono.usingWhen(tables.createHeldUpload(name, digest),
                        u -> withWriter(u.id(), digest, w -> w.write(0, x.body()).then(commit(w, digest)))
                                .onErrorResume(e -> ContentException.is(e, ErrorCode.ALREADY_EXISTS), e -> x.drain())
                                .then(tables.completeUpload(u.id(), u.hold())),
                        u -> Mono.empty(), (u, e) -> abandon(u), this::abandon)
                .then(created(x, name, digest));
    }

    /** A monolithic upload that failed or was cancelled: its ingest, session and hold go. */
    private Mono<Void> abandon(RegistryTables.HeldUpload u) {
        return store.abort(ref(u.id())).onErrorResume(ignored -> Mono.empty())
                .then(tables.abandonUpload(u.id(), u.hold()));
    }

    Mono<Void> patch(Exchange x, String name, String id) {
        Ranges.Chunk chunk = chunk(x);
        return session(name, id)
                .then(withWriter(id, null, w -> writeChunk(x, w, name, id, chunk)))
                .flatMap(offset -> x.empty(HttpResponseStatus.ACCEPTED, progress(name, id, offset)));
    }

    Mono<Void> finish(Exchange x, String name, String id) {
        String d = x.target.param("digest");
        if (d == null || d.isEmpty()) {
            throw RegistryError.DIGEST_INVALID.withDetail("the digest query parameter is required to finish an upload");
        }
        Digest digest = Names.digest(d);
        Ranges.Chunk chunk = chunk(x);
        if (!ID.matcher(id).matches()) {
            return Mono.error(unknown(id));
        }
        // the session's check and the link's hold in one transaction (see RegistryTables.hold)
        Mono<RegistryTables.Hold> hold = tables.holdForUpload(id, name, digest)
                .switchIfEmpty(Mono.error(() -> unknown(id)));
        return tables.holding(hold, h -> ingestOffset(id)
                        .then(withWriter(id, digest, w -> writeChunk(x, w, name, id, chunk).then(commit(w, digest))))
                        .onErrorResume(e -> ContentException.is(e, ErrorCode.ALREADY_EXISTS), e -> x.drain())
                        .then(tables.completeUpload(id, h)))
                .then(created(x, name, digest));
    }

    Mono<Void> status(Exchange x, String name, String id) {
        return session(name, id).flatMap(offset -> x.empty(HttpResponseStatus.NO_CONTENT, progress(name, id, offset)));
    }

    Mono<Void> cancel(Exchange x, String name, String id) {
        return session(name, id)
                .then(store.abort(ref(id)).onErrorResume(e -> ContentException.is(e, ErrorCode.NOT_FOUND),
                        e -> Mono.empty()))
                .then(tables.deleteUpload(id))
                .then(x.empty(HttpResponseStatus.NO_CONTENT, Map.of(Exchange.UPLOAD_UUID, id)));
    }

    /** The session's current offset; BLOB_UPLOAD_UNKNOWN when the id, its repository or its ingest is unknown. */
    private Mono<Long> session(String name, String id) {
        if (!ID.matcher(id).matches()) {
            return Mono.error(unknown(id));
        }
        return tables.uploadRepository(id).flatMap(repo -> {
            if (repo.isEmpty() || !repo.get().equals(name)) {
                return Mono.error(unknown(id));
            }
            return ingestOffset(id);
        });
    }

    /** The offset of a known session's ingest; BLOB_UPLOAD_UNKNOWN (and the session forgotten) when it is gone. */
    private Mono<Long> ingestOffset(String id) {
        return store.status(ref(id)).map(st -> st.offset())
                .onErrorResume(e -> ContentException.is(e, ErrorCode.NOT_FOUND),
                        e -> tables.deleteUpload(id).then(Mono.error(unknown(id))));
    }

    private static RegistryException unknown(String id) {
        return RegistryError.BLOB_UPLOAD_UNKNOWN.withDetail(Map.of("uuid", Names.shorten(id)));
    }

    private static Ranges.Chunk chunk(Exchange x) {
        Ranges.Chunk chunk = Ranges.chunk(x.header(HttpHeaderNames.CONTENT_RANGE));
        long declared = x.contentLength();
        if (chunk != null && declared >= 0 && declared != chunk.length()) {
            throw RegistryError.SIZE_INVALID.withDetail("Content-Range " + chunk.first() + "-" + chunk.last()
                    + " is " + chunk.length() + " bytes, Content-Length says " + declared);
        }
        return chunk;
    }

    /**
     * Writes the body at the chunk's start (the current offset when there is no Content-Range; 0 resets) and
     * returns the new offset; RANGE_INVALID when the chunk starts elsewhere, SIZE_INVALID when the body was not
     * as long as the range said.
     */
    private Mono<Long> writeChunk(Exchange x, Writer w, String name, String id, Ranges.Chunk chunk) {
        return w.status().flatMap(st -> {
            long at = chunk == null ? st.offset() : chunk.first();
            if (at != st.offset() && at != 0) {
                RegistryException e = RegistryError.RANGE_INVALID.withDetail("chunk starts at " + at
                        + ", the upload holds " + st.offset() + " bytes; send from " + st.offset() + " (or 0 to restart)");
                progress(name, id, st.offset()).forEach(e::header);
                return Mono.error(e);
            }
            return w.write(at, x.body()).flatMap(offset -> {
                if (chunk != null && offset != chunk.last() + 1) {
                    return Mono.error(RegistryError.SIZE_INVALID.withDetail("Content-Range ends at " + chunk.last()
                            + " but the body ended at " + (offset - 1)));
                }
                return Mono.just(offset);
            });
        });
    }

    private static Mono<Void> commit(Writer w, Digest digest) {
        return w.commit(0, digest, Map.of()).then()
                .onErrorMap(e -> ContentException.is(e, ErrorCode.FAILED_PRECONDITION),
                        e -> RegistryError.DIGEST_INVALID.withDetail(e.getMessage()));
    }

    /**
     * Runs {@code work} with the session's writer, closing it after (the lock is released before the answer).
     * A session busy with another request is retried until {@link RegistryOptions#lockWait()}, then
     * TOOMANYREQUESTS. With {@code expected} the writer hashes with its algorithm.
     */
    private <T> Mono<T> withWriter(String id, Digest expected, Function<Writer, Mono<T>> work) {
        long attempts = Math.max(0, options.lockWait().toMillis() / RETRY.toMillis());
        Mono<Writer> open = Mono.defer(() -> store.writer(ref(id), 0, expected))
                .retryWhen(Retry.fixedDelay(attempts, RETRY)
                        .filter(e -> ContentException.is(e, ErrorCode.UNAVAILABLE))
                        .onRetryExhaustedThrow((spec, signal) -> RegistryError.TOOMANYREQUESTS.withDetail(
                                "upload " + id + " is being written by another request").header("Retry-After", "1")));
        return Mono.usingWhen(open, work, Writer::close, (w, e) -> w.close(), Writer::close);
    }

    /** Location, Range and Docker-Upload-UUID of a session holding {@code offset} bytes. */
    private static Map<String, String> progress(String name, String id, long offset) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(HttpHeaderNames.LOCATION.toString(), "/v2/" + name + "/blobs/uploads/" + id);
        h.put(HttpHeaderNames.RANGE.toString(), Ranges.uploaded(offset));
        h.put(Exchange.UPLOAD_UUID, id);
        return h;
    }

    private static Mono<Void> created(Exchange x, String name, Digest digest) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(HttpHeaderNames.LOCATION.toString(), "/v2/" + name + "/blobs/" + digest);
        h.put(Exchange.CONTENT_DIGEST, digest.toString());
        return x.empty(HttpResponseStatus.CREATED, h);
    }
}
