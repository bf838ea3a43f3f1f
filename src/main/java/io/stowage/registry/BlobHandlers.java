package io.stowage.registry;

import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Info;
import io.stowage.content.LiveContent;
import io.stowage.content.local.BlobFiles;
import io.stowage.content.local.LiveFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code GET}, {@code HEAD} and {@code DELETE /v2/<name>/blobs/<digest>}. A blob is served only when it is
 * linked to the repository (pushed, mounted or part of a pushed manifest there) and present in the store;
 * otherwise 404 BLOB_UNKNOWN. A single {@code Range} gives 206 with {@code Content-Range}; an unsatisfiable one
 * 416. Bytes of a store that keeps blobs as files ({@link BlobFiles}) are sent zero-copy as a file region (the
 * file opened on the blocking scheduler), others streamed through {@code read}, one chunk per request.
 * DELETE unlinks the blob from the repository (the content stays in the store, possibly shared) and is 405
 * UNSUPPORTED unless enabled.
 */
final class BlobHandlers {
    private final ContentStore store;
    private final RegistryTables tables;
    private final RegistryOptions options;
    private final Scheduler blocking;
    private final Mirror mirror;

    BlobHandlers(ContentStore store, RegistryTables tables, RegistryOptions options, Scheduler blocking,
                 Mirror mirror) {
        this.store = store;
        this.tables = tables;
        this.options = options;
        this.blocking = blocking;
        this.mirror = mirror;
    }

    Mono<Void> get(Exchange x, String name, Digest digest) {
        Optional<Mirror.Target> upstream = mirror.target(name);
        if (upstream.isEmpty() && store instanceof BlobFiles files && !files.verifiesReads()
                && zeroCopyPossible(x.res)) {
            return getFile(x, name, digest, files);
        }
        Mono<Long> size = tables.blobLinked(name, digest)
                .flatMap(linked -> linked ? store.info(digest).map(Info::size) : Mono.error(unknown(name, digest)))
                .onErrorMap(e -> ContentException.is(e, ErrorCode.NOT_FOUND), e -> unknown(name, digest));
        if (upstream.isEmpty()) {
            return size.flatMap(n -> send(x, digest, n, false));
        }
        // mirrored: what is missing is fetched once, and followed while it arrives
        return size.map(n -> new long[] {n, 0})
                .onErrorResume(e -> e instanceof RegistryException re && re.error() == RegistryError.BLOB_UNKNOWN,
                        e -> mirror.blob(upstream.get(), name, digest).map(n -> new long[] {n, 1}))
                .flatMap(s -> send(x, digest, s[0], s[1] == 1));
    }

    /**
     * The zero-copy path of a local store: the link is checked on the database thread, then the blob file is opened
     * on the blocking scheduler and its size taken from the open file, so the answer's first byte waits for two
     * thread hand-offs instead of four (link, metadata row, stat, open).
     */
    private Mono<Void> getFile(Exchange x, String name, Digest digest, BlobFiles files) {
        return tables.blobLinked(name, digest)
                .flatMap(linked -> linked ? Mono.<Void>empty() : Mono.error(unknown(name, digest)))
                .then(withBlobFile(files, digest, () -> unknown(name, digest), blob -> {
                    long[] span = headers(x, digest, blob.size());
                    if (x.isHead() || span[1] == 0) {
                        return x.res.send().then();
                    }
                    return x.res.sendObject(new DefaultFileRegion(blob.channel(), span[0], span[1])).then();
                }));
    }

    /**
     * Runs {@code send} with the blob's file opened on the blocking scheduler and closes the file after, however
     * {@code send} ends; a missing file is {@code missing}.
     */
    private Mono<Void> withBlobFile(BlobFiles files, Digest digest, Supplier<RegistryException> missing,
                                    Function<OpenBlob, Mono<Void>> send) {
        return Mono.usingWhen(
                Mono.fromCallable(() -> OpenBlob.of(files, digest)).subscribeOn(blocking)
                        .onErrorMap(NoSuchFileException.class, e -> missing.get()),
                send,
                blob -> close(blob.channel()),
                (blob, e) -> close(blob.channel()),
                blob -> close(blob.channel()));
    }

    /** A blob file opened for reading, with its size as the open file has it. */
    private record OpenBlob(FileChannel channel, long size) {
        static OpenBlob of(BlobFiles files, Digest digest) throws IOException {
            FileChannel fc = FileChannel.open(files.blobFile(digest), StandardOpenOption.READ);
            try {
                OpenBlob b = new OpenBlob(fc, fc.size());
                files.noteRead(digest);
                return b;
            } catch (IOException | RuntimeException e) {
                fc.close();
                throw e;
            }
        }
    }

    /** Status and headers of an answer with the blob (or the range asked for); returns {offset, length}. */
    private static long[] headers(Exchange x, Digest digest, long size) {
        Ranges.Read range = Ranges.read(x.header(HttpHeaderNames.RANGE), size);
        long offset = range == null ? 0 : range.first();
        long length = range == null ? size : range.length();
        x.res.status(range == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT)
                .header(HttpHeaderNames.CONTENT_TYPE, MediaTypes.OCTET_STREAM)
                .header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(length))
                .header(Exchange.CONTENT_DIGEST, digest.toString())
                .header(HttpHeaderNames.ACCEPT_RANGES, "bytes")
                .header(HttpHeaderNames.ETAG, "\"" + digest + "\"")
                .header(HttpHeaderNames.CACHE_CONTROL, "max-age=31536000");
        if (range != null) {
            x.res.header(HttpHeaderNames.CONTENT_RANGE, range.contentRange());
        }
        return new long[] {offset, length};
    }

    /** Answers with the blob's bytes (or the range asked for); {@code live}: follow an ingest in progress. */
    private Mono<Void> send(Exchange x, Digest digest, long size, boolean live) {
        long[] span = headers(x, digest, size);
        long offset = span[0];
        long length = span[1];
        HttpServerResponse res = x.res;
        if (x.isHead() || length == 0) {
            return res.send().then();
        }
        if (live && store instanceof LiveFiles files && zeroCopyPossible(res)) {
            return sendLiveFile(res, files, digest, offset, length)
                    .onErrorMap(e -> !res.hasSentHeaders(), e -> Mirror.upstreamError(e, unknown("", digest)));
        }
        if (live && store instanceof LiveContent following) {
            return sendLive(res, following.readLive(digest, offset, length)
                    .onErrorMap(e -> !res.hasSentHeaders(), e -> Mirror.upstreamError(e, unknown("", digest))));
        }
        if (store instanceof BlobFiles files && !files.verifiesReads() && zeroCopyPossible(res)) {
            return sendFile(res, files, digest, offset, length);
        }
        return store.read(digest, offset, length)
                .switchOnFirst((first, all) -> first.isOnError() ? all.then()
                        : res.send(all.map(Unpooled::wrappedBuffer)).then())
                .then();
    }

    /**
     * Streams bytes that follow an ingest; an error before the first byte is answered as an error, one after it
     * cuts the connection (the client sees a body shorter than its Content-Length, never a clean end).
     */
    private static Mono<Void> sendLive(HttpServerResponse res, reactor.core.publisher.Flux<java.nio.ByteBuffer> bytes) {
        return bytes.switchOnFirst((first, all) -> first.isOnError() ? all.then()
                        : res.send(all.map(Unpooled::wrappedBuffer)).then())
                .then()
                .onErrorResume(e -> res.hasSentHeaders(), e -> {
                    res.withConnection(c -> c.channel().close());
                    return Mono.error(e);
                });
    }

    /**
     * As {@link #sendLive}, zero-copy: each span of the followed file that has landed goes out as a file region
     * (the file is closed once every region was written, or the answer failed).
     */
    private static Mono<Void> sendLiveFile(HttpServerResponse res, LiveFiles files, Digest digest, long offset,
                                           long length) {
        return Mono.usingWhen(files.openLive(digest, offset, length),
                        // one region at a time, each written and flushed before the next span is asked for;
                        // retained: Netty's release after the write must not close the shared file
                        f -> f.spans().concatMap(span -> res.sendObject(new DefaultFileRegion(f.channel(), span[0],
                                span[1]).retain()).then(), 1).then(),
                        f -> Mono.fromRunnable(f::close),
                        (f, e) -> Mono.fromRunnable(f::close),
                        f -> Mono.fromRunnable(f::close))
                .onErrorResume(e -> res.hasSentHeaders(), e -> {
                    res.withConnection(c -> c.channel().close());
                    return Mono.error(e);
                });
    }

    Mono<Void> delete(Exchange x, String name, Digest digest) {
        if (!options.deleteEnabled()) {
            return Mono.error(RegistryError.UNSUPPORTED.withDetail("blob deletion is disabled"));
        }
        return tables.unlinkBlob(name, digest).flatMap(removed -> removed
                ? x.empty(HttpResponseStatus.ACCEPTED, Map.of())
                : Mono.error(unknown(name, digest)));
    }

    private static RegistryException unknown(String name, Digest digest) {
        return RegistryError.BLOB_UNKNOWN.withDetail(Map.of("name", name, "digest", digest.toString()));
    }

    private Mono<Void> sendFile(HttpServerResponse res, BlobFiles files, Digest digest, long offset, long length) {
        return withBlobFile(files, digest,
                () -> RegistryError.BLOB_UNKNOWN.withDetail(Map.of("digest", digest.toString())),
                blob -> res.sendObject(new DefaultFileRegion(blob.channel(), offset, length)).then());
    }

    /** Zero-copy needs the bytes to reach the socket untouched: no TLS, no compression. */
    private static boolean zeroCopyPossible(HttpServerResponse res) {
        boolean[] possible = {true};
        res.withConnection(c -> possible[0] = c.channel().pipeline().get(NettyPipeline.SslHandler) == null
                && c.channel().pipeline().get(NettyPipeline.CompressionHandler) == null);
        return possible[0];
    }

    private static Mono<Void> close(FileChannel fc) {
        try {
            fc.close();
        } catch (IOException e) {
            // read-only channel: nothing to lose
        }
        return Mono.empty();
    }
}
