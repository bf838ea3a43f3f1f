package io.stowage.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small blocking client of the content API over the JDK's {@link HttpClient}, for tests that talk to a server
 * in another process. Every request times out after {@link #TIMEOUT}; a connection failure is an
 * {@link IOException} (the server died), an HTTP error is a {@link Reply} with its status and JSON body.
 */
final class Api {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final URI base;

    /** A reply: status and body (bytes; {@link #json()} parses them). */
    record Reply(int status, byte[] body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (status " + status + "): " + text(), e);
            }
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The error code of a JSON error body, or "" when there is none. */
        String code() {
            try {
                JsonNode n = JSON.readTree(body);
                return n != null && n.has("code") ? n.get("code").asText() : "";
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public String toString() {
            return status + " " + (body.length > 300 ? text().substring(0, 300) + "..." : text());
        }
    }

    Api(URI base) {
        this.base = base;
        this.client = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    }

    URI base() {
        return base;
    }

    HttpClient client() {
        return client;
    }

    /** A path segment, percent-encoded (a {@code /} inside a ref becomes {@code %2F}). */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A query value, percent-encoded. */
    static String query(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    Reply get(String path) throws IOException {
        return send(request(path).GET());
    }

    Reply delete(String path) throws IOException {
        return send(request(path).DELETE());
    }

    Reply put(String path, byte[] body, int offset, int length) throws IOException {
        return send(request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body, offset, length)));
    }

    Reply post(String path, String json) throws IOException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply putJson(String path, String json) throws IOException {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

        Reply patch(String path, String json) throws IOException {
        return send(request(path).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
    }

    private Reply send(HttpRequest.Builder b) throws IOException {
        try {
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Opens a write session ({@code GET /v1/ingests/{ref}/write?...}); a refused upgrade is {@link WsSession.Refused}. */
    WsSession session(String ref, String query) throws IOException {
        String path = "/v1/ingests/" + segment(ref) + "/write" + (query.isEmpty() ? "" : "?" + query);
        URI ws = URI.create(base.toString().replaceFirst("^http", "ws")).resolve(path);
        return WsSession.open(client, ws);
    }
}
