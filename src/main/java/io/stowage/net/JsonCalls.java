package io.stowage.net;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentException;
import io.stowage.content.ErrorCode;
import io.stowage.server.ContentJson;
import io.stowage.server.ErrorMapping;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * JSON requests to a stowage server's small resource APIs ({@code /v1/images}, {@code /v1/leases}): a 2xx JSON
 * body comes back as a tree (a null node for an empty one), an error answer as the {@link ContentException} it
 * carries, and a server that cannot be reached (or whose certificate is not trusted) as UNAVAILABLE. Immutable;
 * thread-safe; never blocks.
 */
public final class JsonCalls {
    private final URI address;
    private final HttpClient client;

    /** Requests go through {@code client} (its base URL set to {@code address}). */
    public JsonCalls(URI address, HttpClient client) {
        this.address = address;
        this.client = client;
    }

    /** Sends one request with an optional JSON {@code body}. */
    public Mono<JsonNode> call(HttpMethod method, String uri, byte[] body) {
        HttpClient c = body == null ? client
                : client.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON));
        return c.request(method)
                .uri(uri)
                .send(body == null ? Mono.empty() : Mono.just(Unpooled.wrappedBuffer(body)))
                .responseSingle((res, bytes) -> bytes.asByteArray().defaultIfEmpty(new byte[0]).map(b -> {
                    int status = res.status().code();
                    if (status / 100 != 2) {
                        throw ErrorMapping.fromWire(status, b);
                    }
                    return parse(method + " " + uri, b);
                }))
                .onErrorMap(e -> !(e instanceof ContentException), this::unreachable);
    }

    private static JsonNode parse(String what, byte[] b) {
        if (b.length == 0) {
            return ContentJson.mapper().nullNode();
        }
        try {
            return ContentJson.mapper().readTree(b);
        } catch (IOException e) {
            throw ContentException.internal(what + ": malformed JSON response", e);
        }
    }

    private ContentException unreachable(Throwable e) {
        String tls = TlsErrors.describe(e);
        String reason = tls != null ? tls : e instanceof ConnectException || e.getCause() instanceof ConnectException
                ? "connection refused" : e.toString();
        return new ContentException(ErrorCode.UNAVAILABLE, "cannot connect to " + address + ": " + reason, e);
    }
}
