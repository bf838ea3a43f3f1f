package io.stowage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentStore;
import io.stowage.content.Digest;
import io.stowage.content.local.LocalContentStore;
import io.stowage.metadata.MetadataDb;
import io.stowage.server.ServerOptions;
import io.stowage.server.StowageServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real registry on 127.0.0.1, port 0 (a {@link StowageServer} with {@link RegistryRoutes}) over a {@link LocalContentStore} and a
 * {@link MetadataDb} in a temporary directory, and a Reactor Netty client. Disposed after each test.
 */
abstract class RegistryTestBase {
    static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path root;

    MetadataDb db;
    LocalContentStore store;
    StowageServer server;
    HttpClient client;

    RegistryOptions options() {
        return RegistryOptions.defaults();
    }

    /** The store the registry serves; tests wrap {@link #store} here to step into its calls. */
    ContentStore served() {
        return store;
    }

    @BeforeEach
    void startRegistry() {
        start();
    }

    /** Opens store, database and server on {@link #root}. */
    void start() {
        db = MetadataDb.open(root.resolve("metadata.db"));
        store = LocalContentStore.open(root, Schedulers.boundedElastic(), db);
        RegistryRoutes routes = RegistryRoutes.of(served(), db, options());
        server = StowageServer.start(ServerOptions.defaults().withPort(0), List.of(routes));
        client = HttpClient.create().baseUrl(server.uri().toString());
    }

    @AfterEach
    void stopRegistry() {
        if (server != null) {
            server.disposeNow(T);
            server = null;
        }
        if (store != null) {
            store.close();
            store = null;
        }
        if (db != null) {
            db.close();
            db = null;
        }
    }

    /** Stops and starts everything again on the same root. */
    void restart() {
        stopRegistry();
        start();
    }

    String hostPort() {
        return "127.0.0.1:" + server.address().getPort();
    }

    record Resp(int status, HttpHeaders headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return RegistryJson.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + text(), e);
            }
        }

        String header(String name) {
            return headers.get(name);
        }

        /** The code of the first error of an error body. */
        String code() {
            return json().path("errors").path(0).path("code").asText();
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

    /** Asserts a spec error body and status. */
    static void assertError(Resp r, int status, String code) {
        assertThat(r.status()).as("status of %s", r.text()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().path("errors").isArray()).as(r.text()).isTrue();
        assertThat(r.code()).as(r.text()).isEqualTo(code);
        assertThat(r.json().path("errors").path(0).path("message").asText()).isNotEmpty();
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Pushes a blob with a monolithic POST and returns its digest. */
    Digest pushBlob(String name, byte[] data) {
        Digest d = Digest.sha256(data);
        Resp r = call(HttpMethod.POST, "/v2/" + name + "/blobs/uploads/?digest=" + d, data,
                Map.of("Content-Type", "application/octet-stream"));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return d;
    }

    /** An OCI image manifest over the given config and layers (each pushed to {@code name} first). */
    String manifestJson(String name, byte[] config, List<byte[]> layers, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", 2);
        m.put("mediaType", MediaTypes.OCI_MANIFEST);
        m.put("config", descriptor("application/vnd.oci.image.config.v1+json", pushBlob(name, config), config.length));
        m.put("layers", layers.stream().map(l -> descriptor("application/vnd.oci.image.layer.v1.tar+gzip",
                pushBlob(name, l), l.length)).toList());
        m.putAll(extra);
        return new String(RegistryJson.toBytes(m), StandardCharsets.UTF_8);
    }

    static Map<String, Object> descriptor(String mediaType, Digest digest, long size) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", digest.toString());
        d.put("size", size);
        return d;
    }

    Resp putManifest(String name, String reference, String json, String mediaType) {
        return call(HttpMethod.PUT, "/v2/" + name + "/manifests/" + reference,
                json.getBytes(StandardCharsets.UTF_8), mediaType == null ? Map.of() : Map.of("Content-Type", mediaType));
    }
}
