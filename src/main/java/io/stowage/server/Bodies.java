package io.stowage.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.stowage.content.ContentException;
import io.stowage.net.BodyPieces;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

/** Request bodies: small JSON documents read whole (with a limit), and byte streams passed on chunk by chunk. */
final class Bodies {
    private Bodies() {
    }

    /**
     * The request body as a stream of heap buffers, one per received chunk, backpressured: a chunk is read from
     * the socket only when the subscriber asks for one. Each Netty buffer is copied and released at once, so the
     * subscriber owns what it gets and nothing leaks on cancel. When the request declares a Content-Length, a body
     * that ends short of it (a dropped client) fails with INVALID_ARGUMENT instead of completing.
     */
    static Flux<ByteBuffer> stream(HttpServerRequest req) {
        String declared = req.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (declared == null) {
            return req.receive().map(BodyPieces::copy);
        }
        return Flux.defer(() -> {
            long[] received = {0};
            return req.receive()
                    .map(buf -> {
                        received[0] += buf.readableBytes();
                        return BodyPieces.copy(buf);
                    })
                    .concatWith(Mono.defer(() -> received[0] == Long.parseLong(declared) ? Mono.empty()
                            : Mono.error(ContentException.invalidArgument("request body ended after " + received[0]
                            + " of " + declared + " bytes"))));
        });
    }

    /** The body parsed as JSON, at most {@code maxBytes}; empty, too large or malformed bodies are INVALID_ARGUMENT. */
    static Mono<JsonNode> json(HttpServerRequest req, int maxBytes) {
        return req.receive()
                .reduceWith(ByteArrayOutputStream::new, (out, buf) -> {
                    int n = buf.readableBytes();
                    if (out.size() + n > maxBytes) {
                        throw ContentException.invalidArgument("request body over " + maxBytes + " bytes");
                    }
                    byte[] b = new byte[n];
                    buf.getBytes(buf.readerIndex(), b);
                    out.write(b, 0, n);
                    return out;
                })
                .map(ByteArrayOutputStream::toByteArray)
                .map(Bodies::parseJson);
    }

    static JsonNode parseJson(byte[] bytes) {
        if (bytes.length == 0) {
            throw ContentException.invalidArgument("request body: a JSON object is required");
        }
        try {
            JsonNode n = ContentJson.mapper().readTree(bytes);
            if (n == null || n.isMissingNode()) {
                throw ContentException.invalidArgument("request body: a JSON object is required");
            }
            return n;
        } catch (IOException e) {
            throw ContentException.invalidArgument("request body: malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return RequestTarget.shorten(nl < 0 ? s : s.substring(0, nl));
    }
}
