package io.stowage.registry;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.stowage.content.ContentException;
import io.stowage.content.ErrorCode;
import io.stowage.net.BodyPieces;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * One request to the registry API and its response: the parsed target, the request body as a stream, and the
 * few shapes of answer (empty with headers, JSON, error). Errors become wire errors only here ({@link #fail}).
 */
final class Exchange {
    private static final Logger log = LoggerFactory.getLogger(Exchange.class);
    static final String API_VERSION = "Docker-Distribution-API-Version";
    static final String CONTENT_DIGEST = "Docker-Content-Digest";
    static final String UPLOAD_UUID = "Docker-Upload-UUID";

    final HttpServerRequest req;
    final HttpServerResponse res;
    final V2Target target;

    Exchange(HttpServerRequest req, HttpServerResponse res, V2Target target) {
        this.req = req;
        this.res = res;
        this.target = target;
    }

    HttpMethod method() {
        return req.method();
    }

    boolean isHead() {
        return req.method().equals(HttpMethod.HEAD);
    }

    String header(CharSequence name) {
        return req.requestHeaders().get(name);
    }

    /** The declared Content-Length, or -1 when absent; SIZE_INVALID when not a number. */
    long contentLength() {
        String v = header(HttpHeaderNames.CONTENT_LENGTH);
        if (v == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(v.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw RegistryError.SIZE_INVALID.withDetail("Content-Length '" + Names.shorten(v) + "' is not a size");
    }

    /**
     * The request body as heap buffers, one per received chunk, read only as fast as the subscriber asks. Each
     * Netty buffer is copied and released at once. A body that ends short of its Content-Length (a client that
     * went away) fails with BLOB_UPLOAD_INVALID instead of completing.
     */
    Flux<ByteBuffer> body() {
        long declared = contentLength();
        Flux<ByteBuffer> in = req.receive().map(BodyPieces::copy);
        if (declared < 0) {
            return in;
        }
        return Flux.defer(() -> {
            long[] received = {0};
            return in.doOnNext(b -> received[0] += b.remaining())
                    .concatWith(Mono.defer(() -> received[0] == declared ? Mono.empty()
                            : Mono.error(RegistryError.BLOB_UPLOAD_INVALID.withDetail("request body ended after "
                            + received[0] + " of " + declared + " bytes"))));
        });
    }

    /** Reads the whole body, at most {@code max} bytes; MANIFEST_TOO_LARGE above. */
    Mono<byte[]> bodyBytes(int max) {
        long declared = contentLength();
        if (declared > max) {
            return Mono.error(tooLarge(declared, max));
        }
        return req.receive()
                .reduceWith(ByteArrayOutputStream::new, (out, buf) -> {
                    int n = buf.readableBytes();
                    if (out.size() + n > max) {
                        throw tooLarge(out.size() + (long) n, max);
                    }
                    byte[] b = new byte[n];
                    buf.getBytes(buf.readerIndex(), b);
                    out.write(b, 0, n);
                    return out;
                })
                .map(ByteArrayOutputStream::toByteArray)
                .defaultIfEmpty(new byte[0]);
    }

    /** Reads and drops the body (for requests answered without it, so the connection stays usable). */
    Mono<Void> drain() {
        return req.receive().then();
    }

    private static RegistryException tooLarge(long size, int max) {
        return RegistryError.MANIFEST_TOO_LARGE.withDetail("manifest of " + size + " bytes or more is over the limit of "
                + max + " bytes");
    }

    // ---- answers

    /** An answer without body: the status, the headers, {@code Content-Length: 0} (none on a 204). */
    Mono<Void> empty(HttpResponseStatus status, Map<String, String> headers) {
        headers.forEach(res::header);
        res.status(status);
        if (status.code() != HttpResponseStatus.NO_CONTENT.code()) {
            res.header(HttpHeaderNames.CONTENT_LENGTH, "0");
        }
        return res.send().then();
    }

    /** A JSON answer (body omitted for HEAD, headers kept). */
    Mono<Void> json(HttpResponseStatus status, String contentType, Object value, Map<String, String> headers) {
        byte[] json = RegistryJson.toBytes(value);
        headers.forEach(res::header);
        res.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, contentType)
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(json.length));
        return isHead() ? res.send().then() : res.sendByteArray(Mono.just(json)).then();
    }

    /**
     * Sends {@code t} as a registry error response, unless the response has started (then the error is passed on
     * so the connection closes and the client sees a cut-off body). Unexpected failures are logged here and sent
     * as UNKNOWN without their details.
     */
    Mono<Void> fail(Throwable t) {
        RegistryException e = translate(t);
        if (e.error() == RegistryError.UNKNOWN) {
            if (isConnectionGone(t)) {
                log.debug("{} {}: connection ended: {}", req.method(), req.uri(), t.toString());
            } else {
                log.error("{} {}: unexpected error", req.method(), Names.shorten(req.uri()), t);
            }
        } else if (log.isDebugEnabled()) {
            log.debug("{} {}: {}", req.method(), Names.shorten(req.uri()), e.getMessage());
        }
        if (res.hasSentHeaders()) {
            return Mono.error(t);
        }
        List<Map<String, Object>> errors = new ArrayList<>();
        List<Object> details = e.details().isEmpty() ? Collections.singletonList(null) : e.details();
        for (Object detail : details) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("code", e.error().code());
            entry.put("message", e.error().message());
            if (detail != null) {
                entry.put("detail", detail);
            }
            errors.add(entry);
        }
        return json(HttpResponseStatus.valueOf(e.error().status()), MediaTypes.JSON, Map.of("errors", errors),
                e.headers());
    }

    /**
     * The registry error for any failure. Handlers translate the store's errors where the meaning depends on the
     * endpoint; what reaches here untranslated is mapped by category: a busy ref is TOOMANYREQUESTS, a write over
     * the store's quota is DENIED with 507, everything else that is not a RegistryException is UNKNOWN.
     */
    static RegistryException translate(Throwable t) {
        if (t instanceof RegistryException re) {
            return re;
        }
        if (ContentException.is(t, ErrorCode.UNAVAILABLE)) {
            return RegistryError.TOOMANYREQUESTS.withDetail(t.getMessage()).header("Retry-After", "1");
        }
        if (ContentException.is(t, ErrorCode.RESOURCE_EXHAUSTED)) {
            return RegistryError.INSUFFICIENT_STORAGE.withDetail(t.getMessage());
        }
        return RegistryError.UNKNOWN.withDetail(null);
    }

    static boolean isConnectionGone(Throwable t) {
        return t instanceof AbortedException || t instanceof PrematureCloseException
                || (t instanceof java.io.IOException && AbortedException.isConnectionReset(t));
    }
}
