package io.stowage.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.stowage.content.ContentException;
import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import io.stowage.content.Verifier;
import io.stowage.content.local.BlobFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Committed content under {@code /v1/content}:
 * <pre>
 *   GET    /v1/content?filter=F&amp;filter=G       200 streamed JSON array of Info
 *   GET    /v1/content/{digest}/info             200 Info
 *   PATCH  /v1/content/{digest}/info?fieldpath=  200 Info; body {"labels":{...}}
 *   GET    /v1/content/{digest}                  200 bytes, or 206 for a Range; 416 when unsatisfiable
 *   HEAD   /v1/content/{digest}                  the same headers, no body
 *   DELETE /v1/content/{digest}                  204
 *   POST   /v1/content/{digest}/verify?quarantine=true   200 Verification (re-hashes the blob)
 *   POST   /v1/verify?quarantine=true            200 streamed JSON array of Verification, one per blob
 * </pre>
 * The verify routes need a store that is a {@link Verifier} (else 400 {@code invalid_argument}); with
 * {@code quarantine}, corrupt blobs are moved out of the store.
 * Blob bytes of a store that keeps them as files ({@link BlobFiles}) are sent zero-copy as a file region, the
 * file opened on the blocking scheduler; other stores are streamed through {@code read}, one chunk per request.
 */
final class ContentHandlers {
    static final String PREFIX = "/v1/content";
    static final String VERIFY = "/v1/verify";
    static final String DOCKER_CONTENT_DIGEST = "Docker-Content-Digest";

    private final ContentStore store;
    private final Scheduler blocking;
    private final int maxJsonBytes;

    ContentHandlers(ContentStore store, Scheduler blocking, int maxJsonBytes) {
        this.store = store;
        this.blocking = blocking;
        this.maxJsonBytes = maxJsonBytes;
    }

    Mono<Void> dispatch(HttpServerRequest req, HttpServerResponse res) {
        RequestTarget t = RequestTarget.parse(req.uri(), PREFIX);
        List<String> s = t.segments();
        HttpMethod m = req.method();
        if (s.isEmpty() && m.equals(HttpMethod.GET)) {
            return Replies.jsonArray(req, res, store.walk(t.all("filter")));
        }
        if (s.size() == 1) {
            if (m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD)) {
                return blob(req, res, Digest.parse(s.get(0)), m.equals(HttpMethod.HEAD));
            }
            if (m.equals(HttpMethod.DELETE)) {
                return store.delete(Digest.parse(s.get(0))).then(Replies.noContent(res));
            }
        }
        if (s.size() == 2 && s.get(1).equals("verify") && m.equals(HttpMethod.POST)) {
            Digest d = Digest.parse(s.get(0));
            boolean quarantine = t.flag("quarantine");
            return req.receive().then(verifier().verify(d, quarantine))
                    .flatMap(v -> Replies.json(res, HttpResponseStatus.OK, v));
        }
        if (s.size() == 2 && s.get(1).equals("info")) {
            if (m.equals(HttpMethod.GET)) {
                return store.info(Digest.parse(s.get(0))).flatMap(info -> Replies.json(res, HttpResponseStatus.OK, info));
            }
            if (m.equals(HttpMethod.PATCH)) {
                return update(req, res, Digest.parse(s.get(0)), t.all("fieldpath"));
            }
        }
        throw Routes.noRoute(req);
    }

    /** {@code POST /v1/verify}: every blob re-hashed, streamed as it is checked. */
    Mono<Void> handleVerifyAll(HttpServerRequest req, HttpServerResponse res) {
        return Mono.defer(() -> {
            RequestTarget t = RequestTarget.parse(req.uri(), VERIFY);
            if (!t.segments().isEmpty() || !req.method().equals(HttpMethod.POST)) {
                throw Routes.noRoute(req);
            }
            boolean quarantine = t.flag("quarantine");
            return req.receive().then()
                    .then(Replies.jsonArray(req, res, verifier().verifyAll(quarantine)));
        }).onErrorResume(e -> ErrorMapping.send(req, res, e));
    }

    private Verifier verifier() {
        if (store instanceof Verifier v) {
            return v;
        }
        throw ContentException.invalidArgument("this server's content store cannot verify its content");
    }

    private Mono<Void> update(HttpServerRequest req, HttpServerResponse res, Digest digest, List<String> fieldpaths) {
        return Bodies.json(req, maxJsonBytes)
                .flatMap(body -> {
                    if (!body.isObject()) {
                        throw ContentException.invalidArgument("request body: expected {\"labels\":{...}}");
                    }
                    JsonNode labels = body.get("labels");
                    Info change = Info.ofLabels(digest, ContentJson.labels(labels));
                    return store.update(change, fieldpaths.toArray(String[]::new));
                })
                .flatMap(info -> Replies.json(res, HttpResponseStatus.OK, info));
    }

    private Mono<Void> blob(HttpServerRequest req, HttpServerResponse res, Digest digest, boolean head) {
        return store.info(digest).flatMap(info -> {
            ByteRange range;
            try {
                range = ByteRange.parse(req.requestHeaders().get(HttpHeaderNames.RANGE), info.size());
            } catch (ContentException e) {
                res.header(HttpHeaderNames.CONTENT_RANGE, "bytes */" + info.size());
                return ErrorMapping.send(req, res, e);
            }
            long offset = range == null ? 0 : range.first();
            long length = range == null ? info.size() : range.length();
            res.status(range == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT)
                    .header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM)
                    .header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(length))
                    .header(DOCKER_CONTENT_DIGEST, digest.toString())
                    .header(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES)
                    .header(HttpHeaderNames.ETAG, "\"" + digest + "\"");
            if (range != null) {
                res.header(HttpHeaderNames.CONTENT_RANGE, range.contentRange());
            }
            if (head || length == 0) {
                return res.send();
            }
            if (store instanceof BlobFiles files && !files.verifiesReads() && zeroCopyPossible(res)) {
                return sendFile(res, files, digest, offset, length);
            }
            return sendRead(res, digest, offset, length);
        });
    }

    /** Sends {@code length} bytes of the blob file as a file region (sendfile); the file is opened off the loop. */
    private Mono<Void> sendFile(HttpServerResponse res, BlobFiles files, Digest digest, long offset, long length) {
        return Mono.usingWhen(
                Mono.fromCallable(() -> {
                    FileChannel fc = FileChannel.open(files.blobFile(digest), StandardOpenOption.READ);
                    files.noteRead(digest);
                    return fc;
                })
                        .subscribeOn(blocking)
                        .onErrorMap(NoSuchFileException.class,
                                e -> ContentException.notFound("content " + digest + ": not found")),
                fc -> res.sendUsing(() -> fc, (conn, ch) -> new DefaultFileRegion(ch, offset, length), ch -> { })
                        .then(),
                ContentHandlers::close,
                (fc, e) -> close(fc),
                ContentHandlers::close);
    }

    /** Streams the bytes from the store; an error before the first chunk still gets an error response. */
    private Mono<Void> sendRead(HttpServerResponse res, Digest digest, long offset, long length) {
        return store.read(digest, offset, length)
                .switchOnFirst((first, all) -> first.isOnError() ? all.then()
                        : res.send(all.map(Unpooled::wrappedBuffer)).then())
                .then();
    }

    /** Zero-copy needs the bytes to go to the socket untouched: no TLS, no compression. */
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
