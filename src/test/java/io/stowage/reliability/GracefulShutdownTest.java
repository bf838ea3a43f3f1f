package io.stowage.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.content.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM ({@link Process#destroy()}) to a real {@code stowage serve}: it stops accepting connections at once,
 * ends write sessions (their clients told {@code unavailable}, close 1001; their writers closed with the bytes
 * kept), lets a PUT in flight finish its body and commit within the shutdown timeout, cuts what outlives the
 * timeout, and exits; after a restart the committed blob is there with its labels and the other ingests resume
 * at the bytes they had.
 */
@Tag("process")
class GracefulShutdownTest {
    private static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path root;

    private ServerProcess server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sigtermLetsAPutInFlightCommitEndsWriteSessionsAndRefusesNewConnections() throws Exception {
        server = ServerProcess.start(root, List.of(), List.of("--shutdown-timeout", "60s"));
        URI uri = server.uri();
        Api api = new Api(uri);
        byte[] put = random(1 << 20, 1);
        byte[] session = random(5000, 2);

        WsSession ws = api.session("graceful/session", "total=" + session.length + "&expected="
                + Digest.sha256(session));
        ws.send(session, 0, 1000);
        assertThat(ws.request("{\"action\":\"stat\"}").get("offset").asLong()).isEqualTo(1000);

        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout((int) T.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(("PUT /v1/ingests/graceful%2Fput?commit=true&total=" + put.length + "&expected="
                    + Digest.sha256(put) + "&label=k%3Dv HTTP/1.1\r\nHost: x\r\nContent-Length: " + put.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(put, 0, put.length / 2);
            out.flush();
            awaitIngestOffset(api, "graceful/put", put.length / 2);

            server.terminate();
            server.awaitLine("stopped accepting connections", Duration.ofSeconds(15));
            assertThatThrownBy(() -> new Socket(uri.getHost(), uri.getPort()).close())
                    .isInstanceOf(ConnectException.class);

            JsonNode ended = ws.next();
            assertThat(ended.at("/error/code").asText()).isEqualTo("unavailable");
            assertThat(ws.awaitClose()).isEqualTo(1001);

            out.write(put, put.length / 2, put.length - put.length / 2);
            out.flush();
            assertThat(statusLine(s.getInputStream())).isEqualTo("HTTP/1.1 201 Created");
        }
        assertThat(server.awaitExit(T)).as(server.log()).isIn(0, 143);
        assertThat(server.trouble()).isEmpty();

        server = ServerProcess.start(root, List.of(), List.of());
        api = new Api(server.uri());
        Api.Reply info = api.get("/v1/content/" + Digest.sha256(put) + "/info");
        assertThat(info.status()).isEqualTo(200);
        assertThat(info.json().at("/labels/k").asText()).isEqualTo("v");
        assertResumesAt(api, "graceful/session", session, 1000);
    }

    @Test
    void aRequestThatOutlivesTheShutdownTimeoutIsCutAndItsIngestResumes() throws Exception {
        server = ServerProcess.start(root, List.of(), List.of("--shutdown-timeout", "1s"));
        URI uri = server.uri();
        Api api = new Api(uri);
        byte[] data = random(100_000, 3);
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout((int) T.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(("PUT /v1/ingests/stuck?total=" + data.length + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + data.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data, 0, 30_000);
            out.flush();
            awaitIngestOffset(api, "stuck", 30_000);
            server.terminate();   // the body never finishes: the shutdown timeout cuts it
            assertThat(server.awaitExit(T)).as(server.log()).isIn(0, 143);
        }
        assertThat(server.trouble()).isEmpty();
        server = ServerProcess.start(root, List.of(), List.of());
        assertResumesAt(new Api(server.uri()), "stuck", data, 30_000);
    }

    /** A write session on {@code ref} reports {@code offset} and the digest of exactly those bytes. */
    private static void assertResumesAt(Api api, String ref, byte[] data, int offset) throws IOException {
        try (WsSession ws = api.session(ref, "")) {
            JsonNode st = ws.request("{\"action\":\"stat\"}");
            assertThat(st.get("offset").asLong()).as(st.toString()).isEqualTo(offset);
            assertThat(st.get("digest").asText()).isEqualTo(Digest.sha256(Arrays.copyOf(data, offset)).toString());
        }
    }

    private static void awaitIngestOffset(Api api, String ref, long offset) throws Exception {
        long deadline = System.nanoTime() + T.toNanos();
        while (System.nanoTime() < deadline) {
            Api.Reply r = api.get("/v1/ingests/" + Api.segment(ref));
            if (r.status() == 200 && r.json().get("offset").asLong() == offset) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("ingest " + ref + " never reached " + offset);
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\r'; ) {
            sb.append((char) c);
        }
        return sb.toString();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
