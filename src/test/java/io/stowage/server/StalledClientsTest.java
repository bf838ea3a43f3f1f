package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.stowage.content.Digest;
import io.stowage.content.Status;
import io.stowage.content.Writer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Clients that stall or vanish lose their ref lock and their file handles within the idle timeout (a second
 * here), and the server answers others meanwhile: a PUT body that stops arriving, a write session that sends no
 * more frames, a download the client stops reading, a request whose headers never end. The size limits of the
 * request line, the headers and WebSocket frames are checked too. Raw sockets play the bad clients.
 */
class StalledClientsTest extends ServerTestBase {
    private static final Duration IDLE = Duration.ofSeconds(1);

    @Override
    ServerOptions options() {
        return ServerOptions.defaults().withPort(0).withIdleTimeout(IDLE);
    }

    @BeforeEach
    void warmUpTheClient() {
        // a new connection per request: a pooled one may be closed by the 1 s idle timeout just as it is reused
        client = HttpClient.newConnection().baseUrl(server.uri().toString());
        // the first request of a JVM loads many classes: it must not look like a stalled client
        assertServerAnswersOthers();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.setSoTimeout((int) T.toMillis());
        s.connect(new InetSocketAddress("127.0.0.1", server.address().getPort()));
        return s;
    }

    /** Waits (at most 30 s) until the ingest of {@code ref} reports {@code offset}. */
    private void awaitOffset(String ref, long offset) {
        Flux.interval(Duration.ofMillis(10))
                .onBackpressureDrop()
                .concatMap(i -> store.status(ref).map(Status::offset).onErrorResume(e -> Mono.just(-1L)))
                .filter(o -> o == offset)
                .blockFirst(T);
    }

    private void assertServerAnswersOthers() {
        assertThat(call(HttpMethod.GET, "/v1/content").status()).isEqualTo(200);
    }

    @Test
    void aStalledPutBodyIsAnsweredUnavailableAndItsWriterClosedWithTheBytesKept() throws Exception {
        byte[] data = random(1000, 1);
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(("PUT /v1/ingests/stalled-put?total=1000&expected=" + Digest.sha256(data)
                    + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data, 0, 300);
            out.flush();
            awaitOffset("stalled-put", 300);
            assertServerAnswersOthers();

            String head = readAll(s.getInputStream());   // the server answers, then closes the connection
            assertThat(head).startsWith("HTTP/1.1 503").contains("\"code\":\"unavailable\"").contains("stalled");
        }
        store.whenUnlocked("stalled-put").block(T);
        Writer w = store.writer("stalled-put", 1000, Digest.sha256(data)).block(T);
        assertThat(w.status().block(T).offset()).isEqualTo(300);
        w.write(Mono.just(java.nio.ByteBuffer.wrap(data, 300, 700))).block(T);
        assertThat(w.commit(1000, null, Map.of()).block(T).digest()).isEqualTo(Digest.sha256(data));
    }

    @Test
    void aBodyArrivingInPartsIsNotCut() throws Exception {
        byte[] data = random(4000, 2);
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(("PUT /v1/ingests/slow-put?commit=true HTTP/1.1\r\nHost: x\r\nContent-Length: 4000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (int off = 0; off < data.length; off += 1000) {
                out.write(data, off, 1000);
                out.flush();
                if (off + 1000 < data.length) {
                    awaitOffset("slow-put", off + 1000L);   // each part lands before the next is sent
                }
            }
            assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 201");
        }
    }

    @Test
    void aStalledWriteSessionIsEndedWithUnavailableAndItsLockReleased() {
        byte[] data = random(100, 3);
        try (WsClient ws = WsClient.connect(server, "/v1/ingests/stalled-ws/write")) {
            ws.binary(data);
            assertThat(ws.ask("{\"action\":\"stat\"}").get("offset").asLong()).isEqualTo(100);
            assertServerAnswersOthers();

            JsonNode end = ws.next();   // sent by the server once the client has been silent for the timeout
            assertThat(end.at("/error/code").asText()).isEqualTo("unavailable");
            assertThat(end.at("/error/message").asText()).contains("no frame");
            assertThat(ws.awaitClose().code()).isEqualTo(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code());
        }
        store.whenUnlocked("stalled-ws").block(T);
        assertThat(store.status("stalled-ws").block(T).offset()).isEqualTo(100);
        assertThat(hold("stalled-ws").close().then(Mono.just(true)).block(T)).isTrue();
    }

    @Test
    void aDownloadTheClientStopsReadingIsCutAndItsFileClosed() throws Exception {
        byte[] data = random(32 << 20, 4);
        Digest d = commit("big", data, Map.of()).digest();
        Path blob = store.blobFile(d);
        long received;
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.setSoTimeout((int) T.toMillis());
            s.connect(new InetSocketAddress("127.0.0.1", server.address().getPort()));
            s.getOutputStream().write(("GET /v1/content/" + d + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 200");
            awaitOpenFiles(blob, 1);
            assertServerAnswersOthers();
            awaitOpenFiles(blob, 0);   // the server gave up on the reader and closed the file
            received = drain(in);
        }
        assertThat(received).isLessThan(data.length);
    }

    @Test
    void headersThatNeverEndAreCutByTheIdleTimeout() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /v1/content HTTP/1.1\r\nHost: x\r\nX-Slow: a".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertServerAnswersOthers();
            assertThat(s.getInputStream().read()).isEqualTo(-1);   // closed without an answer
        }
    }

    @Test
    void oversizedRequestLinesHeadersAndFramesAreRefused() throws Exception {
        // the refusal may be lost when the server closes with request bytes unread (the reset discards it)
        assertThat(refusal("GET /v1/ingests/" + "r".repeat(StowageServer.MAX_INITIAL_LINE) + " HTTP/1.1\r\n"
                + "Host: x\r\n\r\n")).isIn("HTTP/1.1 414 Request-URI Too Long", "closed");
        assertThat(refusal("GET /v1/content HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(StowageServer.MAX_HEADERS)
                + "\r\n\r\n")).isIn("HTTP/1.1 431 Request Header Fields Too Large", "closed");
        assertServerAnswersOthers();
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /v1/ingests/big-frame/write HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 101");
            // the header of a masked binary frame announcing 8 MiB, above the limit; its payload never follows
            long announced = 8L << 20;
            byte[] header = new byte[14];
            header[0] = (byte) 0x82;
            header[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                header[2 + i] = (byte) (announced >>> (56 - 8 * i));
            }
            out.write(header);
            out.write(new byte[1024]);
            out.flush();
            int first = in.read();   // a close frame (1009, message too big), or the end of the connection
            assertThat(first).isIn(0x88, -1);
        }        store.whenUnlocked("big-frame").block(T);
        assertServerAnswersOthers();
    }

    /** The status line a request is refused with, or "closed" when the connection ends without one. */
    private String refusal(String request) throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String head = readHead(s.getInputStream());
            return head.isEmpty() ? "closed" : head.lines().findFirst().orElseThrow();
        } catch (java.net.SocketException e) {
            return "closed";
        }
    }

    /** Waits until this process has {@code n} descriptors open on {@code file} (Linux: /proc/self/fd). */
    private static void awaitOpenFiles(Path file, long n) {
        Flux.interval(Duration.ofMillis(20))
                .onBackpressureDrop()
                .map(i -> openFiles(file))
                .filter(c -> c == n)
                .blockFirst(T);
    }

    private static long openFiles(Path file) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(file);
                } catch (IOException e) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static long drain(InputStream in) {
        long n = 0;
        byte[] buf = new byte[65536];
        try {
            for (int r; (r = in.read(buf)) >= 0; ) {
                n += r;
            }
        } catch (IOException e) {
            // reset by the server: what arrived is what counts
        }
        return n;
    }
}
