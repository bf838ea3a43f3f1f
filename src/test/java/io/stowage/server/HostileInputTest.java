package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import io.stowage.content.local.LocalContentStore;
import io.stowage.metadata.MetadataDb;
import io.stowage.registry.RegistryOptions;
import io.stowage.registry.RegistryRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * Hostile and malformed input against a real server serving the content API and the registry API: every request
 * is refused with a 4xx and a JSON error code (or, for framing garbage, a closed connection), never a 5xx, no file
 * appears outside the store root, and a blob committed before still reads back byte-identical.
 */
class HostileInputTest {
    static final Duration T = Duration.ofSeconds(30);
    static final String BAD_HEX = "sha256:" + "z".repeat(64);
    static final String SHORT = "sha256:abcd";
    static final String UNKNOWN_ALG = "md5:" + "a".repeat(32);
    static final String VALID = "sha256:" + "a".repeat(64);

    @TempDir
    Path tmp;

    Path root;
    MetadataDb db;
    LocalContentStore store;
    StowageServer server;
    HttpClient client;
    byte[] kept;
    Digest keptDigest;

    @BeforeEach
    void start() {
        root = tmp.resolve("root");
        db = MetadataDb.open(Files.exists(root) ? root.resolve("metadata.db") : mkdirs(root).resolve("metadata.db"));
        store = LocalContentStore.open(root, Schedulers.boundedElastic(), db);
        ServerOptions opts = ServerOptions.defaults().withPort(0);
        server = StowageServer.start(opts, List.of(ContentRoutes.of(store, opts),
                RegistryRoutes.of(store, db, RegistryOptions.defaults())));
        client = HttpClient.create().baseUrl(server.uri().toString());
        kept = ServerTestBase.random(100_000, 7);
        keptDigest = Digest.sha256(kept);
        Info info = store.writer("kept", kept.length, keptDigest)
                .flatMap(w -> w.write(Mono.just(ByteBuffer.wrap(kept))).then(w.commit(kept.length, keptDigest, Map.of())))
                .block(T);
        assertThat(info.digest()).isEqualTo(keptDigest);
    }

    @AfterEach
    void stop() throws IOException {
        try {
            assertStoreIntact();
            assertNothingOutsideRoot();
        } finally {
            server.disposeNow(T);
            store.close();
            db.close();
        }
    }

    private static Path mkdirs(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void assertStoreIntact() {
        Resp r = call(HttpMethod.GET, "/v1/content/" + keptDigest, null, Map.of());
        assertThat(r.status).isEqualTo(200);
        assertThat(r.body).isEqualTo(kept);
    }

    /** Only the store root may have appeared in the temporary directory. */
    void assertNothingOutsideRoot() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("root");
        }
        try (Stream<Path> s = Files.list(root)) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .allMatch(n -> n.equals("blobs") || n.equals("ingest") || n.equals(".lock")
                            || n.startsWith("metadata.db"));
        }
    }

    record Resp(int status, HttpHeaders headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
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

    /** A 4xx with a JSON error code: {@code {"code":...}} on /v1, {@code {"errors":[{"code":...}]}} on /v2. */
    static void assertRefused(String what, Resp r) {
        assertThat(r.status).as(what + " -> " + r.status + " " + r.text()).isBetween(400, 499);
        if (r.headers.get("Content-Length") != null && r.body.length == 0) {
            return; // HEAD
        }
        JsonNode n;
        try {
            n = ContentJson.mapper().readTree(r.body);
        } catch (IOException e) {
            throw new AssertionError(what + ": error body not JSON: " + r.text());
        }
        JsonNode code = n.has("errors") ? n.path("errors").path(0).path("code") : n.path("code");
        assertThat(code.isTextual()).as(what + ": error code in " + r.text()).isTrue();
    }

    record Case(String name, HttpMethod method, String uri, byte[] body, Map<String, String> headers) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case c(String name, HttpMethod m, String uri) {
        return new Case(name, m, uri, null, Map.of());
    }

    static Case c(String name, HttpMethod m, String uri, String body) {
        return new Case(name, m, uri, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Case c(String name, HttpMethod m, String uri, Map<String, String> headers) {
        return new Case(name, m, uri, null, headers);
    }

    static List<Case> badRequests() {
        List<Case> cases = new ArrayList<>();
        for (String d : List.of(BAD_HEX, SHORT, UNKNOWN_ALG, "sha256:", "%00", "sha256:" + "A".repeat(64))) {
            String e = ServerTestBase.seg(d);
            cases.add(c("GET content " + d, HttpMethod.GET, "/v1/content/" + e));
            cases.add(c("HEAD content " + d, HttpMethod.HEAD, "/v1/content/" + e));
            cases.add(c("DELETE content " + d, HttpMethod.DELETE, "/v1/content/" + e));
            cases.add(c("GET info " + d, HttpMethod.GET, "/v1/content/" + e + "/info"));
            cases.add(c("PATCH info " + d, HttpMethod.PATCH, "/v1/content/" + e + "/info", "{\"labels\":{}}"));
            cases.add(c("POST verify " + d, HttpMethod.POST, "/v1/content/" + e + "/verify"));
            cases.add(c("PUT ingest expected=" + d, HttpMethod.PUT, "/v1/ingests/r1?total=3&expected=" + e, "abc"));
            cases.add(c("GET v2 blob " + d, HttpMethod.GET, "/v2/repo/blobs/" + e));
            cases.add(c("HEAD v2 blob " + d, HttpMethod.HEAD, "/v2/repo/blobs/" + e));
            cases.add(c("GET v2 manifest " + d, HttpMethod.GET, "/v2/repo/manifests/" + e));
            cases.add(c("POST v2 mount " + d, HttpMethod.POST, "/v2/repo/blobs/uploads/?mount=" + e + "&from=other"));
            cases.add(c("POST v2 monolithic " + d, HttpMethod.POST, "/v2/repo/blobs/uploads/?digest=" + e, "abc"));
        }
        String longRef = "x".repeat(10_000);
        for (String ref : List.of("a\u0000b", longRef)) {
            String e = ServerTestBase.seg(ref);
            cases.add(c("GET ingest ref " + ref.length(), HttpMethod.GET, "/v1/ingests/" + e));
            cases.add(c("PUT ingest ref " + ref.length(), HttpMethod.PUT, "/v1/ingests/" + e + "?total=3", "abc"));
            cases.add(c("DELETE ingest ref " + ref.length(), HttpMethod.DELETE, "/v1/ingests/" + e));
            cases.add(c("GET write ref " + ref.length(), HttpMethod.GET, "/v1/ingests/" + e + "/write"));
        }
        String bigLabel = "v".repeat(5000);
        cases.add(c("PUT label > 4096", HttpMethod.PUT, "/v1/ingests/l1?total=3&commit=true&label=k%3D" + bigLabel, "abc"));
        cases.add(c("PATCH label > 4096", HttpMethod.PATCH, "/v1/content/" + VALID + "/info",
                "{\"labels\":{\"k\":\"" + bigLabel + "\"}}"));
        for (String json : List.of("{", "[]", "null", "{\"labels\":3}", "{\"labels\":{\"k\":3}}", "\u0000\u0001",
                "{\"labels\":{\"k\":\"v\"}}garbage", "{\"labels\":[1,2]}")) {
            cases.add(c("PATCH json " + json, HttpMethod.PATCH, "/v1/content/" + VALID + "/info", json));
        }
        for (String p : List.of("offset=-1", "offset=99999999999999999999", "total=-1", "total=99999999999999999999",
                "offset=abc", "total=1e3", "offset=0x10", "offset=", "commit=maybe")) {
            cases.add(c("PUT ingest " + p, HttpMethod.PUT, "/v1/ingests/n1?" + p, "abc"));
        }
        cases.add(c("PUT body longer than total", HttpMethod.PUT, "/v1/ingests/long1?total=3", "abcdef"));
        cases.add(c("PUT body longer than total, commit", HttpMethod.PUT, "/v1/ingests/long2?total=3&commit=true", "abcdef"));
        cases.add(c("GET write total=-1", HttpMethod.GET, "/v1/ingests/w1/write?total=-1"));
        for (String range : List.of("bytes=5-2", "bytes=-0", "bytes=99999999999999999999-", "bytes=0-99999999999999999999",
                "bytes=-99999999999999999999", "bytes=200000-", "bytes=abc", "bytes=--1", "bytes=1-2,", "items=0-1")) {
        }
        for (String name : List.of("UPPER", "a..b", "-lead", "a//b", "a_", "x".repeat(300), "a%00b", "%2E%2E/etc")) {
            cases.add(c("v2 tags of " + name, HttpMethod.GET, "/v2/" + name + "/tags/list"));
            cases.add(c("v2 manifest of " + name, HttpMethod.GET, "/v2/" + name + "/manifests/latest"));
            cases.add(c("v2 upload of " + name, HttpMethod.POST, "/v2/" + name + "/blobs/uploads/"));
        }
        for (String tag : List.of(".lead", "-lead", "t".repeat(200), "a%00b", "a%20b", "%2E%2E")) {
            cases.add(c("v2 manifest tag " + tag, HttpMethod.GET, "/v2/repo/manifests/" + tag));
            cases.add(c("v2 PUT manifest tag " + tag, HttpMethod.PUT, "/v2/repo/manifests/" + tag, "{}"));
        }
        cases.add(c("v2 PUT manifest malformed", HttpMethod.PUT, "/v2/repo/manifests/t1", "{not json"));
        cases.add(c("v2 tags n=-1", HttpMethod.GET, "/v2/repo/tags/list?n=-1"));
        cases.add(c("v2 tags n=huge", HttpMethod.GET, "/v2/repo/tags/list?n=99999999999999999999"));
        cases.add(c("v2 upload PATCH unknown uuid", HttpMethod.PATCH, "/v2/repo/blobs/uploads/..%2F..%2Fetc", "abc"));
        cases.add(c("v2 upload PUT bad uuid", HttpMethod.PUT, "/v2/repo/blobs/uploads/%00?digest=" + VALID, "abc"));
        cases.add(c("v2 upload Content-Range", HttpMethod.PATCH, "/v2/repo/blobs/uploads/x", Map.of("Content-Range", "5-2")));
        cases.add(c("content filter bad", HttpMethod.GET, "/v1/content?filter=" + ServerTestBase.q("labels.\"a==")));
        cases.add(c("ingest filter bad", HttpMethod.GET, "/v1/ingests?filter=" + ServerTestBase.q("ref~=(")));
        cases.add(c("verify quarantine=maybe", HttpMethod.POST, "/v1/verify?quarantine=maybe"));
        cases.add(c("verify unknown sub-path", HttpMethod.POST, "/v1/verify/x"));
        cases.add(c("bad percent", HttpMethod.GET, "/v1/content/%zz"));
        cases.add(c("bad percent v2", HttpMethod.GET, "/v2/repo/manifests/%zz"));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void refusedWithA4xxAndAJsonCode(Case k) {
        String uri = k.uri.replace("%KEPT%", keptDigest.toString());
        assertRefused(k.name, call(k.method, uri, k.body, k.headers));
    }

    /**
     * A Range that cannot be parsed may be ignored (RFC 9110: 200 with the whole blob) or refused with 416; one
     * that can is honoured. Never a 5xx, never wrong bytes.
     */
    @ParameterizedTest
    @MethodSource("badRanges")
    void badRangesAreIgnoredOrRefused(String range) {
        for (String path : List.of("/v1/content/", "/v2/repo/blobs/")) {
            Resp r = call(HttpMethod.GET, path + keptDigest, null, Map.of("Range", range));
            assertThat(r.status).as(path + " " + range + " -> " + r.status).isIn(200, 206, 404, 416);
            if (r.status == 200) {
                assertThat(r.body).isEqualTo(kept);
            } else if (r.status != 206) {
                assertRefused(path + " " + range, r);
            }
        }
    }

    static List<String> badRanges() {
        return List.of("bytes=5-2", "bytes=-0", "bytes=99999999999999999999-", "bytes=0-99999999999999999999",
                "bytes=-99999999999999999999", "bytes=200000-", "bytes=abc", "bytes=--1", "bytes=1-2,", "items=0-1",
                "bytes=9223372036854775807-9223372036854775807", "bytes=-9223372036854775808");
    }

    /**
     * Seeded random requests (methods x paths of both APIs x random parameters, headers and bodies) for a bounded
     * time and count: no 5xx, and the blob committed before still reads back (checked after each test).
     */
    @Test
    void randomRequestsNeverGetA5xx() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("HostileInputTest fuzz seed " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
        java.util.Random rnd = new java.util.Random(seed);
        HttpMethod[] methods = {HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.POST, HttpMethod.PATCH,
                HttpMethod.DELETE, HttpMethod.OPTIONS};
        String[] pieces = {"v1", "content", "ingests", "info", "write", "v2", "repo", "a/b", "blobs", "uploads",
                "manifests", "tags", "list", "_catalog", "referrers", "latest", "..", ".", "%00", "%2F", "%zz", "",
                keptDigest.toString(), VALID, BAD_HEX, UNKNOWN_ALG, "x".repeat(300), "\u00e9", "%C3%A9", "%FF"};
        String[] params = {"offset", "total", "expected", "commit", "label", "filter", "fieldpath", "n", "last",
                "digest", "mount", "from", "artifactType"};
        String[] values = {"-1", "0", "3", "99999999999999999999", "true", "k=v", "abc", keptDigest.toString(),
                UNKNOWN_ALG, "labels.k==v", "ref~=(a+)+$", "%00", "", "9223372036854775807"};
        String[] headerNames = {"Range", "Content-Range", "Content-Type", "Content-Length", "Accept", "If-Match"};
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        int n = 0;
        for (; n < 1500 && System.nanoTime() < deadline; n++) {
            HttpMethod m = methods[rnd.nextInt(methods.length)];
            StringBuilder uri = new StringBuilder(rnd.nextBoolean() ? "/v1" : "/v2");
            for (int i = rnd.nextInt(5); i > 0; i--) {
                uri.append('/').append(pieces[rnd.nextInt(pieces.length)]);
            }
            if (rnd.nextInt(3) == 0) {
                uri.append('/');
            }
            for (int i = rnd.nextInt(4); i > 0; i--) {
                uri.append(i == 1 && uri.indexOf("?") < 0 ? '?' : uri.indexOf("?") < 0 ? '?' : '&')
                        .append(params[rnd.nextInt(params.length)]).append('=')
                        .append(values[rnd.nextInt(values.length)]);
            }
            Map<String, String> headers = new java.util.HashMap<>();
            if (rnd.nextBoolean()) {
                String h = headerNames[rnd.nextInt(headerNames.length)];
                if (!h.equals("Content-Length")) {
                    headers.put(h, rnd.nextBoolean() ? "bytes=" + (rnd.nextInt(200) - 100) + "-" + rnd.nextInt(10)
                            : values[rnd.nextInt(values.length)]);
                }
            }
            byte[] body = switch (rnd.nextInt(4)) {
                case 0 -> null;
                case 1 -> ServerTestBase.random(rnd.nextInt(2000), rnd.nextLong());
                case 2 -> "{\"labels\":{\"k\":\"v\"}}".getBytes(StandardCharsets.UTF_8);
                default -> "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:00\"}}".getBytes(StandardCharsets.UTF_8);
            };
            String u = uri.toString().replace(" ", "%20");
            if (m.equals(HttpMethod.DELETE) && u.contains(keptDigest.hex())) {
                continue; // a legitimate delete of the blob the test checks afterwards
            }
            Resp r;
            try {
                r = call(m, u, m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) ? null : body, headers);
            } catch (IllegalArgumentException e) {
                continue; // the client refuses to send it
            }
            assertThat(r.status).as("seed " + seed + " #" + n + ": " + m + " " + u + " " + headers + " -> " + r.text())
                    .isLessThan(500);
        }
        assertThat(n).isPositive();
    }

    @Test
    void catastrophicRegexFilterIsRefusedNotAHang() {
        byte[] data = "x".getBytes(StandardCharsets.UTF_8);
        store.writer("labelled", 1, null)
                .flatMap(w -> w.write(Mono.just(ByteBuffer.wrap(data)))
                        .then(w.commit(1, null, Map.of("k", "a".repeat(4000) + "!"))))
                .block(T);
        assertRefused("walk (a+)+$", call(HttpMethod.GET, "/v1/content?filter="
                + ServerTestBase.q("labels.k~=(a+)+$"), null, Map.of()));
    }

    @Test
    void hugeJsonBodyIsRefused() {
        byte[] big = ("{\"labels\":{\"k\":\"" + "v".repeat(2 << 20) + "\"}}").getBytes(StandardCharsets.UTF_8);
        assertRefused("PATCH 2 MiB", call(HttpMethod.PATCH, "/v1/content/" + keptDigest + "/info", big, Map.of()));
        byte[] manifest = ("{\"x\":\"" + "v".repeat(5 << 20) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertRefused("PUT 5 MiB manifest", call(HttpMethod.PUT, "/v2/repo/manifests/t", manifest,
                Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json")));
    }

    @Test
    void refsWithDotsAndSlashesStayInsideTheIngestDirectory() throws IOException {
        for (String ref : List.of("../../escape", "..", "/etc/passwd", "a/../../b", "..%2F..")) {
            Resp r = call(HttpMethod.PUT, "/v1/ingests/" + ServerTestBase.seg(ref) + "?total=3", "abc".getBytes(), Map.of());
            assertThat(r.status).as(ref + " " + r.text()).isEqualTo(200);
            Resp st = call(HttpMethod.GET, "/v1/ingests/" + ServerTestBase.seg(ref), null, Map.of());
            assertThat(st.status).isEqualTo(200);
            assertThat(ContentJson.mapper().readTree(st.body).path("ref").asText()).isEqualTo(ref);
        }
        try (Stream<Path> s = Files.list(root.resolve("ingest"))) {
            assertThat(s.map(p -> p.getFileName().toString())).allMatch(n -> n.matches("[0-9a-f]{64}"));
        }
    }

    @Test
    void websocketGarbageIsRefused() {
        try (WsClient ws = WsClient.connect(server, "/v1/ingests/ws1/write?total=3")) {
            // binary before any request is data at offset 0 (not answered); garbage JSON after it is refused
            JsonNode n = ws.binary("abc".getBytes()).ask("{garbage");
            assertThat(n.path("error").path("code").asText()).isEqualTo("invalid_argument");
        }
        for (String text : List.of("{garbage", "[]", "{\"action\":7}", "{\"action\":\"commit\",\"total\":\"x\"}",
                "{\"action\":\"write\",\"offset\":-1}", "{\"action\":\"commit\",\"offset\":\"x\"}",
                "{\"action\":\"nope\"}", "{\"action\":\"commit\",\"labels\":[1]}", "{\"action\":\"commit\",\"expected\":\"md5:00\"}")) {
            try (WsClient ws = WsClient.connect(server, "/v1/ingests/ws2/write")) {
                JsonNode n = ws.ask(text);
                assertThat(n.path("error").path("code").asText()).as(text + " -> " + n).isIn("invalid_argument", "failed_precondition");
            }
            call(HttpMethod.DELETE, "/v1/ingests/ws2", null, Map.of());
        }
    }

    @Test
    void websocketUnknownOpcodeClosesTheConnection() throws IOException {
        try (Socket s = rawSocket()) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /v1/ingests/ws3/write HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(s.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 101");
            out.write(new byte[] {(byte) 0x83, (byte) 0x81, 1, 2, 3, 4, 'x' ^ 1}); // opcode 3: reserved
            out.flush();
            assertThat(drainsToClose(s.getInputStream())).isTrue();
        }
    }

    static List<String> framingGarbage() {
        return List.of(
                "\u0000\u0001\u0002garbage\r\n\r\n",
                "GET /v1/content HTTP/9.9\r\n\r\n",
                "PUT /v1/ingests/c1?total=3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n",
                "PUT /v1/ingests/c2?total=3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nabc\r\n",
                "PUT /v1/ingests/c3?total=3 HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\nabc",
                "PUT /v1/ingests/c4?total=3 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 7\r\n\r\nabc",
                "GET /v1/content HTTP/1.1\r\n" + "X: " + "y".repeat(70_000) + "\r\n\r\n",
                "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    @ParameterizedTest
    @MethodSource("framingGarbage")
    void malformedFramingGetsA4xxOrAClosedConnection(String raw) throws IOException {
        try (Socket s = rawSocket()) {
            s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            String head = readHead(s.getInputStream());
            if (!head.isEmpty()) {
                assertThat(head).as(head).matches("(?s)HTTP/1\\.[01] (4\\d\\d|200) .*");
                assertThat(head).doesNotStartWith("HTTP/1.1 5");
            }
        }
    }

    private Socket rawSocket() throws IOException {
        InetSocketAddress a = server.address();
        Socket s = new Socket(a.getAddress(), a.getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** The response head (up to the blank line), or "" when the server closed the connection first. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        try {
            int c;
            while ((c = in.read()) != -1) {
                sb.append((char) c);
                if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
                    break;
                }
            }
        } catch (java.net.SocketException e) {
            return sb.toString();
        }
        return sb.toString();
    }

    private static boolean drainsToClose(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) != -1) {
                // a close frame may come first
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true;
        }
    }
}
