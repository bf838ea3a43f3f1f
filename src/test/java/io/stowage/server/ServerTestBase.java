package io.stowage.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import io.stowage.content.Writer;
import io.stowage.content.local.LocalContentStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A real server on 127.0.0.1, port 0, over a {@link LocalContentStore} in a temporary directory, and a Reactor
 * Netty client to talk to it. Disposed after each test.
 */
abstract class ServerTestBase {
    static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path root;

    LocalContentStore store;
    StowageServer server;
    HttpClient client;

    /** The store the routes serve; tests may wrap {@link #store}. */
    ContentStore servedStore() {
        return store;
    }

    ServerOptions options() {
        return ServerOptions.defaults().withPort(0);
    }

    @BeforeEach
    void startServer() {
        store = LocalContentStore.open(root);
        ServerOptions opts = options();
        server = StowageServer.start(opts, List.of(ContentRoutes.of(servedStore(), opts)));
        // a connection per request: no test depends on a keep-alive connection another test left in a shared pool
        client = HttpClient.create(ConnectionProvider.newConnection()).baseUrl(server.uri().toString());
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.disposeNow(T);
        }
        if (store != null) {
            store.close();
        }
    }

    record Resp(int status, HttpHeaders headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return ContentJson.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + text(), e);
            }
        }

        String header(String name) {
            return headers.get(name);
        }
    }

    Resp call(HttpMethod method, String uri) {
        return call(method, uri, null, Map.of());
    }

    Resp call(HttpMethod method, String uri, byte[] body) {
        return call(method, uri, body, Map.of());
    }

    Resp call(HttpMethod method, String uri, byte[] body, Map<String, String> headers) {
        return client.headers(h -> headers.forEach(h::set))
                .request(method)
                .uri(uri)
                .send(body == null ? Mono.empty() : Mono.just(Unpooled.wrappedBuffer(body)))
                .responseSingle((r, b) -> b.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> new Resp(r.status().code(), r.responseHeaders(), bytes)))
                .block(T);
    }

    /** Percent-encodes a path segment (everything but RFC 3986 unreserved characters). */
    static String seg(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    /** Encodes a query parameter value (form encoding). */
    static String q(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Commits {@code data} through the store directly. */
    Info commit(String ref, byte[] data, Map<String, String> labels) {
        return store.writer(ref, data.length, Digest.sha256(data))
                .flatMap(w -> w.write(Mono.just(ByteBuffer.wrap(data))).then(w.commit(data.length, null, labels)))
                .block(T);
    }

    /** Opens a writer through the store directly and leaves it open (the ref stays locked). */
    Writer hold(String ref) {
        return store.writer(ref, 0, null).block(T);
    }
}
