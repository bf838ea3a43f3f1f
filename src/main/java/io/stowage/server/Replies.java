package io.stowage.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The few shapes of successful response: a JSON document, a streamed JSON array, no content. JSON is encoded to
 * heap arrays and wrapped, so nothing here needs releasing if a send is cancelled.
 */
final class Replies {
    private static final byte[] OPEN = "[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "]\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMMA = ",".getBytes(StandardCharsets.US_ASCII);

    private Replies() {
    }

    /** {@code value} as a JSON document with the given status and its Content-Length. */
    static Mono<Void> json(HttpServerResponse res, HttpResponseStatus status, Object value) {
        byte[] json = ContentJson.toBytes(value);
        return res.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(json.length))
                .sendByteArray(Mono.just(json))
                .then();
    }

    static Mono<Void> noContent(HttpServerResponse res) {
        return res.status(HttpResponseStatus.NO_CONTENT).send().then();
    }

    /**
     * Streams {@code items} as one JSON array, element by element as they come (chunked; the list is never held
     * whole). The status is chosen on the first signal: an error before any element becomes an error response;
     * an error after the array has started cuts the connection, so the client sees a truncated array.
     */
    static <T> Mono<Void> jsonArray(HttpServerRequest req, HttpServerResponse res, Flux<T> items) {
        return items.switchOnFirst((first, all) -> {
            if (first.isOnError()) {
                return all.then();
            }
            Flux<ByteBuf> body = Flux.defer(() -> {
                boolean[] started = {false};
                return all.map(item -> {
                    byte[] json = ContentJson.toBytes(item);
                    if (started[0]) {
                        return Unpooled.wrappedBuffer(COMMA, json);
                    }
                    started[0] = true;
                    return Unpooled.wrappedBuffer(json);
                });
            });
            return res.status(HttpResponseStatus.OK)
                    .header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .send(Flux.concat(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(OPEN)), body,
                            Mono.fromSupplier(() -> Unpooled.wrappedBuffer(CLOSE))))
                    .then();
        }).then().onErrorResume(e -> ErrorMapping.send(req, res, e));
    }
}
