package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.Digest;
import io.stowage.content.local.LocalContentStore;
import io.stowage.images.local.LocalImageStore;
import io.stowage.metadata.MetadataDb;
import io.stowage.registry.RegistryOptions;
import io.stowage.registry.RegistryRoutes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * No path derived from a request leaves the store root: traversal attempts through every path and query
 * parameter that names something (digests, refs, repository names, upload ids, tags, mount sources, image
 * names), raw, percent-encoded, double-encoded, with backslashes, NULs and absolute paths, neither read, write
 * nor delete a canary file next to the root, create nothing outside it and create no symbolic link inside it.
 * Blobs committed through the server (PUT ingest, monolithic and chunked registry uploads) are read-only files.
 */
class RootConfinementTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static final Set<PosixFilePermission> READ_ONLY = Set.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    private static final String CANARY = "canary-content-must-never-be-served";

    @TempDir
    Path tmp;

    private Path root;
    private Path canary;
    private MetadataDb db;
    private LocalContentStore store;
    private StowageServer server;
    private HttpClient client;

    record Resp(int status, String body) {
    }

    @BeforeEach
    void start() throws IOException {
        root = Files.createDirectories(tmp.resolve("root"));
        canary = tmp.resolve("secret");
        Files.writeString(canary, CANARY);
        db = MetadataDb.open(root.resolve("metadata.db"));
        store = LocalContentStore.open(root, Schedulers.boundedElastic(), db);
        ServerOptions opts = ServerOptions.defaults().withPort(0);
        server = StowageServer.start(opts, List.of(ContentRoutes.of(store, opts),
                RegistryRoutes.of(store, db, RegistryOptions.defaults()), ImageRoutes.of(LocalImageStore.open(db))));
        // a connection per request: no test depends on a keep-alive connection another test left in a shared pool
        client = HttpClient.create(ConnectionProvider.newConnection()).baseUrl(server.uri().toString());
    }

    @AfterEach
    void stop() {
        server.disposeNow(T);
        store.close();
        db.close();
    }

    private Resp call(HttpMethod method, String uri, String body) {
        return client.request(method).uri(uri)
                .send(body == null ? Mono.empty()
                        : Mono.just(Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8))))
                .responseSingle((r, b) -> b.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(s -> new Resp(r.status().code(), s)))
                .block(T);
    }

    @Test
    void traversalThroughAnyRequestPartStaysInsideTheRoot() throws IOException {
        List<String> escapes = List.of("../secret", "../../secret", "..%2Fsecret", "..%2F..%2Fsecret",
                "%2E%2E%2Fsecret", "%252E%252E%252Fsecret", "..%5Csecret", "..\\\\secret", "%2Fetc%2Fpasswd",
                "%2F" + tmp.toString().substring(1).replace("/", "%2F") + "%2Fsecret", "a%00..%2Fsecret",
                "sha256:..%2F..%2Fsecret", "sha256%2F..%2F..%2Fsecret");
        List<String[]> requests = new ArrayList<>();
        for (String e : escapes) {
            requests.add(new String[] {"GET", "/v1/content/" + e});
            requests.add(new String[] {"DELETE", "/v1/content/" + e});
            requests.add(new String[] {"GET", "/v1/content/" + e + "/info"});
            requests.add(new String[] {"GET", "/v1/ingests/" + e});
            requests.add(new String[] {"PUT", "/v1/ingests/" + e + "?total=3"});
            requests.add(new String[] {"DELETE", "/v1/ingests/" + e});
            requests.add(new String[] {"GET", "/v1/images/" + e});
            requests.add(new String[] {"DELETE", "/v1/images/" + e});
            requests.add(new String[] {"GET", "/v2/" + e + "/tags/list"});
            requests.add(new String[] {"GET", "/v2/repo/blobs/" + e});
            requests.add(new String[] {"DELETE", "/v2/repo/blobs/" + e});
            requests.add(new String[] {"GET", "/v2/repo/manifests/" + e});
            requests.add(new String[] {"PUT", "/v2/repo/manifests/" + e});
            requests.add(new String[] {"PATCH", "/v2/repo/blobs/uploads/" + e});
            requests.add(new String[] {"PUT", "/v2/repo/blobs/uploads/" + e + "?digest=sha256:" + "a".repeat(64)});
            requests.add(new String[] {"POST", "/v2/repo/blobs/uploads/?mount=sha256:" + "a".repeat(64)
                    + "&from=" + e});
            requests.add(new String[] {"GET", "/" + e});
            requests.add(new String[] {"GET", "/v1/" + e});
        }
        for (String[] r : requests) {
            String what = r[0] + " " + r[1];
            Resp resp;
            try {
                resp = call(HttpMethod.valueOf(r[0]), r[1], r[0].equals("PUT") || r[0].equals("PATCH") ? "abc" : null);
            } catch (RuntimeException e) {
                throw new AssertionError(what + ": " + e, e);
            }
            assertThat(resp.status()).as(what + " -> " + resp.body()).isBetween(200, 499);
            assertThat(resp.body()).as(what).doesNotContain(CANARY);
        }

        assertThat(Files.readString(canary)).isEqualTo(CANARY);
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("root", "secret");
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(p -> {
                assertThat(Files.isSymbolicLink(p)).as(p.toString()).isFalse();
                try {
                    assertThat(p.toRealPath(LinkOption.NOFOLLOW_LINKS)).as(p.toString()).startsWith(root.toRealPath());
                } catch (IOException e) {
                    // a file removed while walking is fine
                }
            });
        }
    }

    @Test
    void blobsCommittedThroughTheServerAreReadOnlyFiles() throws IOException {
        assertThat(call(HttpMethod.PUT, "/v1/ingests/ro1?total=3&commit=true", "abc").status()).isEqualTo(201);
        String mono = "monolithic";
        Digest monoDigest = Digest.of(Digest.SHA256, mono.getBytes(StandardCharsets.UTF_8));
        assertThat(call(HttpMethod.POST, "/v2/repo/blobs/uploads/?digest=" + monoDigest, mono).status())
                .isEqualTo(201);
        String chunked = "chunked upload";
        Digest chunkedDigest = Digest.of(Digest.SHA256, chunked.getBytes(StandardCharsets.UTF_8));
        String location = client.post().uri("/v2/repo/blobs/uploads/")
                .response().map(r -> r.responseHeaders().get("Location")).block(T);
        assertThat(call(HttpMethod.PATCH, location, chunked).status()).isEqualTo(202);
        assertThat(call(HttpMethod.PUT, location + (location.contains("?") ? "&" : "?") + "digest=" + chunkedDigest,
                null).status()).isEqualTo(201);

        for (Digest d : List.of(Digest.of(Digest.SHA256, "abc".getBytes(StandardCharsets.UTF_8)), monoDigest,
                chunkedDigest)) {
            Path blob = root.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
            assertThat(Files.getPosixFilePermissions(blob)).as(d.toString()).isEqualTo(READ_ONLY);
            if (!"root".equals(System.getProperty("user.name"))) {
                assertThat(Files.isWritable(blob)).as(d + " writable").isFalse();
            }
        }
        assertThat(store.info(chunkedDigest).block(T).size()).isEqualTo(chunked.length());
    }
}
