package io.stowage.transfer;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Descriptor;
import io.stowage.content.ErrorCode;
import io.stowage.content.Ingests;
import io.stowage.content.Writer;
import io.stowage.net.BodyPieces;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClientResponse;

/**
 * One blob pulled into the store, resumably:
 * <ol>
 *   <li>the writer of {@code pull-<digest>} is opened with the blob's size and digest, waiting while another pull
 *       holds it ({@link Ingests#openWriter}); ALREADY_EXISTS means the content is there: nothing to fetch;</li>
 *   <li>from the ingest's offset the blob is fetched, with {@code Range: bytes=OFFSET-} when the offset is not 0,
 *       and streamed into the writer one buffer at a time (the socket is read only as fast as the store writes);
 *       a 206 is accepted only when its Content-Range is {@code bytes OFFSET-(SIZE-1)/SIZE} (or {@code /*}); a 200
 *       answer restarts the ingest at 0 ({@code write(0, ...)}, keeping the lock);</li>
 *   <li>a transient failure (connection dropped or reset, 408/429/5xx, no byte for the stall timeout, a body that
 *       ends early, a mismatched Content-Range) is retried after a jittered backoff from the ingest's offset at that
 *       moment; at most {@code maxRetries} failures in a row without progress, as any progress resets the count;</li>
 *   <li>commit with size and digest; a digest mismatch restarts the blob from 0 once without ranges, and a second
 *       one aborts the ingest and fails.</li>
 * </ol>
 */
final class BlobFetch {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final RegistryClient client;
    private final ContentStore store;
    private final Descriptor desc;
    private final TransferListener listener;
    private final Map<String, String> labels;
    private final String ref;
    private volatile boolean rangesUnreliable;
    private volatile boolean restarted;

    BlobFetch(RegistryClient client, ContentStore store, Descriptor desc, Map<String, String> labels,
              TransferListener listener) {
        this.client = client;
        this.store = store;
        this.desc = desc;
        this.labels = labels;
        this.listener = listener;
        this.ref = StoredLabels.pullRef(desc.digest());
    }

    /** Fetches the blob unless it is there; completes once it is committed (or found committed). */
    Mono<Void> run() {
        return Ingests.openWriter(store, ref, desc.size(), desc.digest())
                .flatMap(w -> Mono.usingWhen(Mono.just(w), this::transfer, Writer::close, (x, e) -> x.close(),
                        Writer::close))
                .then(Mono.fromRunnable(() -> listener.onEvent(BlobEvent.of(desc, BlobState.DONE))))
                .onErrorResume(e -> ContentException.is(e, ErrorCode.ALREADY_EXISTS),
                        e -> Mono.fromRunnable(() -> listener.onEvent(BlobEvent.of(desc, BlobState.EXISTS))))
                .doOnError(e -> listener.onEvent(new BlobEvent(desc, BlobState.ERROR, -1, e.getMessage())))
                .then();
    }

    private Mono<Void> transfer(Writer w) {
        return w.status()
                .doOnNext(st -> listener.onEvent(new BlobEvent(desc, BlobState.DOWNLOADING, st.offset(),
                        st.offset() > 0 ? "resuming at " + st.offset() : null)))
                .then(Mono.defer(() -> fill(w, 0)))
                .then(Mono.defer(() -> w.commit(desc.size(), desc.digest(), labels)))
                .onErrorResume(e -> ContentException.is(e, ErrorCode.FAILED_PRECONDITION) && !restarted,
                        e -> {
                            // the bytes do not match the digest: start over once, whole
                            restarted = true;
                            rangesUnreliable = true;
                            listener.onEvent(new BlobEvent(desc, BlobState.DOWNLOADING, 0,
                                    "restarting: " + e.getMessage()));
                            return w.truncate(0).then(Mono.defer(() -> fill(w, 0)))
                                    .then(Mono.defer(() -> w.commit(desc.size(), desc.digest(), labels)));
                        })
                .onErrorResume(e -> ContentException.is(e, ErrorCode.FAILED_PRECONDITION),
                        e -> store.abort(ref).onErrorResume(x -> Mono.empty()).then(Mono.error(e)))
                .then();
    }

    /** Fetches until the ingest holds the whole blob, retrying transient failures. */
    private Mono<Void> fill(Writer w, int failures) {
        return w.status().flatMap(st -> {
            long before = st.offset();
            if (before == desc.size()) {
                return Mono.empty();
            }
            return attempt(w, before)
                    .then(Mono.defer(w::status))
                    .flatMap(after -> after.offset() == desc.size() ? Mono.<Void>empty()
                            : Mono.error(new BodyEnded("the body ended at byte " + after.offset() + " of "
                            + desc.size())))
                    .onErrorResume(Transient::is, e -> w.status().flatMap(now -> {
                        int inARow = now.offset() > before ? 1 : failures + 1;
                        if (inARow > client.options().maxRetries()) {
                            return Mono.error(new ContentException(ErrorCode.UNAVAILABLE, "blob " + desc.digest()
                                    + ": giving up after " + inARow + " failures in a row at byte " + now.offset()
                                    + " of " + desc.size() + ": " + e, e));
                        }
                        listener.onEvent(new BlobEvent(desc, BlobState.DOWNLOADING, now.offset(),
                                "retrying at byte " + now.offset() + " after: " + e));
                        return Mono.delay(Backoff.delay(client.options(), inARow)).then(fill(w, inARow));
                    }));
        });
    }

    /** One request from {@code offset}, its body written into the ingest. */
    private Mono<Void> attempt(Writer w, long offset) {
        boolean ranged = offset > 0 && !rangesUnreliable;
        RegistryClient.Request r = RegistryClient.Request.of(HttpMethod.GET, client.url("blobs/" + desc.digest()));
        if (ranged) {
            r = r.with(HttpHeaderNames.RANGE.toString(), "bytes=" + offset + "-");
        }
        RegistryClient.Request req = r;
        return client.exchange(req, client.scopes(false), (res, body) -> answer(w, req, offset, ranged, res, body))
                .onErrorMap(io.netty.handler.timeout.ReadTimeoutException.class, e -> new Stalled("no data for "
                        + client.options().stallTimeout().toMillis() + " ms (from byte " + offset + ")"))
                .then();
    }

    private Mono<Long> answer(Writer w, RegistryClient.Request req, long offset, boolean ranged,
                              HttpClientResponse res, ByteBufFlux body) {
        int status = res.status().code();
        if (status == 200) {
            if (offset > 0) {
                listener.onEvent(new BlobEvent(desc, BlobState.DOWNLOADING, 0, "registry sent the whole blob:"
                        + " restarting at 0"));
            }
            return w.write(0, data(body, 0));
        }
        if (status == 206 && ranged) {
            String cr = res.responseHeaders().get(HttpHeaderNames.CONTENT_RANGE);
            if (rangeMatches(cr, offset)) {
                return w.write(offset, data(body, offset));
            }
            rangesUnreliable = true;
            return Mono.error(new BodyEnded("206 with Content-Range " + cr + " for bytes=" + offset
                    + "- of " + desc.size() + ": not accepted, fetching the whole blob"));
        }
        if (status == 416 || status == 206) {
            rangesUnreliable = true;
            return Mono.error(new BodyEnded(req + ": HTTP " + status + " for bytes=" + offset
                    + "-: fetching the whole blob"));
        }
        return body.aggregate().asByteArray().defaultIfEmpty(new byte[0])
                .flatMap(b -> Mono.error(RegistryError.of(req.toString(), status, b)));
    }

    private Flux<ByteBuffer> data(ByteBufFlux body, long offset) {
        long stall = client.options().stallTimeout().toMillis();
        return body.map(BodyPieces::copy)
                .timeout(client.options().stallTimeout())
                .onErrorMap(TimeoutException.class, e -> new Stalled("no data for " + stall + " ms (from byte "
                        + offset + ")"));
    }

    private boolean rangeMatches(String contentRange, long offset) {
        if (contentRange == null) {
            return false;
        }
        Matcher m = CONTENT_RANGE.matcher(contentRange.strip());
        if (!m.matches()) {
            return false;
        }
        try {
            return Long.parseLong(m.group(1)) == offset && Long.parseLong(m.group(2)) == desc.size() - 1
                    && (m.group(3).equals("*") || Long.parseLong(m.group(3)) == desc.size());
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A body that did not bring what was asked; transient: retried from the ingest's offset. */
    static final class BodyEnded extends IOException {
        private static final long serialVersionUID = 1L;

        BodyEnded(String message) {
            super(message);
        }
    }

    /** No byte arrived for the stall timeout; transient. */
    static final class Stalled extends TimeoutException {
        private static final long serialVersionUID = 1L;

        Stalled(String message) {
            super(message);
        }
    }
}
