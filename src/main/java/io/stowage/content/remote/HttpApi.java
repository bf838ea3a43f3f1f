package io.stowage.content.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentException;
import io.stowage.server.ContentJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

/**
 * The plain HTTP requests of the content API over one pooled {@link HttpClient}: small JSON documents, streamed
 * JSON arrays, blob bytes and bodiless answers. An answer with an unexpected status becomes the ContentException
 * its body describes ({@link WireErrors#fromResponse}); a transport failure becomes UNAVAILABLE. Response bodies
 * are copied to the heap as they arrive, so nothing handed out needs releasing. Thread-safe.
 */
final class HttpApi {
    private static final byte[] NO_BODY = new byte[0];
    /** Largest error or JSON document body read whole. */
    static final int MAX_DOCUMENT_BYTES = 16 << 20;

    private final HttpClient http;

    HttpApi(HttpClient http) {
        this.http = http;
    }

    /** {@code GET path} answered 200 with a JSON document. */
    Mono<JsonNode> getJson(String path) {
        return document(http.get().uri(path), path, 200);
    }

    /** {@code method path} with a JSON body, answered 200 with a JSON document. */
    Mono<JsonNode> sendJson(HttpMethod method, String path, byte[] json) {
        HttpClient.ResponseReceiver<?> req = http
                .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON))
                .request(method)
                .uri(path)
                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(json)));
        return document(req, method + " " + path, 200);
    }

    /** {@code DELETE path} answered 204. */
    Mono<Void> delete(String path) {
        return http.delete().uri(path)
                .responseSingle((res, body) -> expect(res, body, 204).then())
                .onErrorMap(e -> WireErrors.of("DELETE " + path, e));
    }

    /** {@code HEAD path} answered 200. */
    Mono<Void> head(String path) {
        return http.head().uri(path)
                .responseSingle((res, body) -> expect(res, body, 200).then())
                .onErrorMap(e -> WireErrors.of("HEAD " + path, e));
    }

    /**
     * {@code GET path} answered 200 with a JSON array, decoded element by element as its bytes arrive (never held
     * whole); backpressured: the socket is read as fast as elements are requested.
     */
    <T> Flux<T> getArray(String path, Function<JsonNode, T> element) {
        return array(http.get().uri(path), "GET " + path, element);
    }

    /** {@code POST path} without a body, answered 200 with a JSON array, decoded as {@link #getArray} does. */
    <T> Flux<T> postArray(String path, Function<JsonNode, T> element) {
        return array(http.post().uri(path), "POST " + path, element);
    }

    /** {@code POST path} without a body, answered 200 with a JSON document. */
    Mono<JsonNode> postJson(String path) {
        return document(http.post().uri(path), "POST " + path, 200);
    }

    private <T> Flux<T> array(HttpClient.ResponseReceiver<?> req, String what, Function<JsonNode, T> element) {
        return req.response((res, body) -> {
                    if (res.status().code() != 200) {
                        return error(res, body);
                    }
                    JsonArrayDecoder decoder = new JsonArrayDecoder(ContentJson.mapper(), what);
                    return body.asByteArray()
                            .concatMapIterable(decoder::feed, 1)
                            .concatWith(Flux.defer(() -> Flux.fromIterable(decoder.end())))
                            .map(element);
                })
                .onErrorMap(e -> WireErrors.of(what, e));
    }

    /**
     * {@code GET path} for bytes {@code first} to {@code last} (inclusive; {@code last < 0} for up to the end):
     * the body as heap buffers, one per received chunk, backpressured (the socket is read as chunks are
     * requested). An unsatisfiable range (416: {@code first} at or past the end) is an empty stream, as reading
     * past the end of a blob is. A server that ignores the range and sends the whole blob (200) is cut down to
     * the range here.
     */
    Flux<ByteBuffer> getBytes(String path, long first, long last) {
        boolean whole = first == 0 && last < 0;
        HttpClient c = whole ? http
                : http.headers(h -> h.set(HttpHeaderNames.RANGE, "bytes=" + first + "-" + (last < 0 ? "" : last)));
        return c.get().uri(path)
                .response((res, body) -> switch (res.status().code()) {
                    case 200 -> whole ? copies(body) : ByteRanges.slice(copies(body), first, last);
                    case 206 -> copies(body);
                    case 416 -> body.then(Mono.<ByteBuffer>empty());
                    default -> HttpApi.<ByteBuffer>error(res, body);
                })
                .onErrorMap(e -> WireErrors.of("GET " + path, e));
    }

    private static Flux<ByteBuffer> copies(ByteBufFlux body) {
        return body.asByteArray().map(ByteBuffer::wrap);
    }

    private Mono<JsonNode> document(HttpClient.ResponseReceiver<?> req, String what, int ok) {
        return req.responseSingle((res, body) -> expect(res, body, ok).map(bytes -> parse(bytes, what)))
                .onErrorMap(e -> WireErrors.of(what, e));
    }

    /** The body of a response with status {@code ok}; any other status is the error its body describes. */
    private static Mono<byte[]> expect(HttpClientResponse res, ByteBufMono body, int ok) {
        Mono<byte[]> bytes = body.asByteArray().defaultIfEmpty(NO_BODY);
        if (res.status().code() == ok) {
            return bytes;
        }
        return bytes.flatMap(b -> Mono.error(WireErrors.fromResponse(res.status().code(), b)));
    }

    private static <T> Mono<T> error(HttpClientResponse res, ByteBufFlux body) {
        return body.aggregate().asByteArray().defaultIfEmpty(NO_BODY)
                .flatMap(b -> Mono.error(WireErrors.fromResponse(res.status().code(), b)));
    }

    private static JsonNode parse(byte[] bytes, String what) {
        try {
            JsonNode n = ContentJson.mapper().readTree(bytes);
            if (n == null || n.isMissingNode()) {
                throw ContentException.internal(what + ": empty answer", null);
            }
            return n;
        } catch (IOException e) {
            throw ContentException.internal(what + ": malformed JSON answer", e);
        }
    }
}
