package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Ingests;
import io.stowage.content.Status;
import io.stowage.content.Writer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The WebSocket write session {@code GET /v1/ingests/{ref}/write} over a real socket. */
class WriteSessionTest extends ServerTestBase {

    private static String write(String ref, String query) {
        return "/v1/ingests/" + seg(ref) + "/write" + (query.isEmpty() ? "" : "?" + query);
    }

    private static final Digest EMPTY = Digest.sha256(new byte[0]);

    @Test
    void statWriteCommit() {
        byte[] data = random(10_000, 1);
        Digest digest = Digest.sha256(data);
        try (WsClient ws = WsClient.connect(server, write("layer", "total=10000&expected=" + digest))) {
            JsonNode stat = ws.ask("{\"action\":\"stat\"}");
            assertThat(stat.get("action").asText()).isEqualTo("stat");
            assertThat(stat.get("offset").asLong()).isZero();
            assertThat(stat.get("total").asLong()).isEqualTo(10_000);
            assertThat(stat.get("digest").asText()).isEqualTo(EMPTY.toString());
            assertThat(stat.get("startedAt").asText()).isEqualTo(stat.get("updatedAt").asText()).endsWith("Z");

            ws.binary(Arrays.copyOf(data, 4000)).binary(Arrays.copyOfRange(data, 4000, 6000));
            JsonNode written = ws.ask("{\"action\":\"write\"}");
            assertThat(written.get("action").asText()).isEqualTo("write");
            assertThat(written.get("offset").asLong()).isEqualTo(6000);
            assertThat(written.get("digest").asText()).isEqualTo(Digest.sha256(Arrays.copyOf(data, 6000)).toString());
            assertThat(ContentJson.parseTime(written.get("updatedAt").asText()))
                    .isAfter(ContentJson.parseTime(stat.get("updatedAt").asText()));

            ws.binary(Arrays.copyOfRange(data, 6000, 10_000));
            JsonNode commit = ws.ask("{\"action\":\"commit\",\"labels\":{\"k\":\"v\"}}");
            assertThat(commit.get("action").asText()).isEqualTo("commit");
            assertThat(commit.get("offset").asLong()).isEqualTo(10_000);
            assertThat(commit.get("total").asLong()).isEqualTo(10_000);
            assertThat(commit.get("digest").asText()).isEqualTo(digest.toString());
            assertThat(ws.awaitClose().code()).isEqualTo(1000);
        }
        assertThat(store.info(digest).block(T).labels()).isEqualTo(Map.of("k", "v"));
        assertThat(call(HttpMethod.GET, "/v1/ingests/layer").status()).isEqualTo(404);
        // the lock was released before the answer: the ref can be opened again at once
        store.writer("layer", 0, null).flatMap(Writer::close).block(T);
    }

    @Test
    void resetAtOffsetZeroKeepsTheLock() {
        byte[] junk = random(5000, 2);
        byte[] data = random(3000, 3);
        try (WsClient ws = WsClient.connect(server, write("r", ""))) {
            ws.binary(junk);
            assertThat(ws.ask("{\"action\":\"stat\"}").get("offset").asLong()).isEqualTo(5000);

            JsonNode reset = ws.ask("{\"action\":\"write\",\"offset\":0}");
            assertThat(reset.get("offset").asLong()).isZero();
            assertThat(reset.get("digest").asText()).isEqualTo(EMPTY.toString());
            assertThatThrownBy(() -> store.writer("r", 0, null).block(T))
                    .satisfies(e -> assertThat(ContentException.is(e, ErrorCode.UNAVAILABLE)).isTrue());

            ws.binary(data);
            JsonNode commit = ws.ask("{\"action\":\"commit\",\"expected\":\"" + Digest.sha256(data) + "\"}");
            assertThat(commit.get("digest").asText()).isEqualTo(Digest.sha256(data).toString());
            assertThat(commit.get("offset").asLong()).isEqualTo(3000);
        }
    }

    @Test
    void writeAtTheCurrentOffsetAppendsAndWithoutOffsetToo() {
        byte[] data = random(300, 4);
        try (WsClient ws = WsClient.connect(server, write("r", ""))) {
            ws.binary(Arrays.copyOf(data, 100));
            assertThat(ws.ask("{\"action\":\"write\",\"offset\":100}").get("offset").asLong()).isEqualTo(100);
            ws.binary(Arrays.copyOfRange(data, 100, 200));
            assertThat(ws.ask("{\"action\":\"write\"}").get("offset").asLong()).isEqualTo(200);
            ws.binary(Arrays.copyOfRange(data, 200, 300));
            JsonNode commit = ws.ask("{\"action\":\"commit\",\"offset\":300,\"total\":300}");
            assertThat(commit.get("digest").asText()).isEqualTo(Digest.sha256(data).toString());
        }
    }

    @Test
    void writeAtAnotherOffsetIsAnErrorThatEndsTheSession() {
        try (WsClient ws = WsClient.connect(server, write("r", ""))) {
            ws.binary(random(50, 5));
            JsonNode error = ws.ask("{\"action\":\"write\",\"offset\":7}").get("error");
            assertThat(error.get("code").asText()).isEqualTo("out_of_range");
            assertThat(error.get("offset").asLong()).isEqualTo(50);
            assertThat(error.get("message").asText()).contains("7").contains("50");
            assertThat(ws.awaitClose().code()).isEqualTo(1011);
        }
        // writer closed, data kept
        Writer w = store.writer("r", 0, null).block(T);
        assertThat(w.status().block(T).offset()).isEqualTo(50);
        w.close().block(T);
    }

    @Test
    void badRequestsAreInvalidArgument() {
        for (String bad : new String[] {"not json", "{}", "{\"action\":\"fly\"}", "{\"action\":\"write\",\"offset\":-1}",
                "{\"action\":\"stat\",\"expected\":\"sha256:00\"}", "{\"action\":\"stat\",\"labels\":[]}"}) {
            try (WsClient ws = WsClient.connect(server, write("r", ""))) {
                JsonNode error = ws.ask(bad).get("error");
                assertThat(error.get("code").asText()).as(bad).isEqualTo("invalid_argument");
                assertThat(ws.awaitClose().code()).isEqualTo(1011);
            }
        }
    }

    @Test
    void commitWithTheWrongDigestIsFailedPrecondition() {
        try (WsClient ws = WsClient.connect(server, write("r", ""))) {
            ws.binary(utf8("abc"));
            JsonNode error = ws.ask("{\"action\":\"commit\",\"expected\":\"" + Digest.sha256(utf8("xyz")) + "\"}")
                    .get("error");
            assertThat(error.get("code").asText()).isEqualTo("failed_precondition");
        }
        assertThat(store.status("r").block(T).offset()).isEqualTo(3);
    }

    @Test
    void totalAndExpectedOfLaterRequestsWinAtCommit() {
        byte[] data = utf8("hello");
        try (WsClient ws = WsClient.connect(server, write("r", "total=999"))) {
            ws.binary(data);
            assertThat(ws.ask("{\"action\":\"stat\"}").get("total").asLong()).isEqualTo(999);
            JsonNode stat = ws.ask("{\"action\":\"stat\",\"total\":5,\"expected\":\"" + Digest.sha256(data) + "\"}");
            assertThat(stat.get("total").asLong()).isEqualTo(5);
            JsonNode commit = ws.ask("{\"action\":\"commit\"}");
            assertThat(commit.get("digest").asText()).isEqualTo(Digest.sha256(data).toString());
        }
    }

    @Test
    void theUpgradeIsRefusedWhenTheRefIsLockedOrTheContentExists() {
        Writer held = hold("busy");
        try {
            assertThatThrownBy(() -> WsClient.connect(server, write("busy", "")))
                    .satisfies(e -> assertThat(WsClient.refusedStatus(e)).isEqualTo(503));
        } finally {
            held.close().block(T);
        }
        byte[] data = utf8("stored");
        commit("first", data, Map.of());
        assertThatThrownBy(() -> WsClient.connect(server, write("second", "expected=" + Digest.sha256(data))))
                .satisfies(e -> assertThat(WsClient.refusedStatus(e)).isEqualTo(409));
        assertThatThrownBy(() -> WsClient.connect(server, write("x".repeat(300), "")))
                .satisfies(e -> assertThat(WsClient.refusedStatus(e)).isEqualTo(400));
        // a plain GET (no upgrade) is refused without taking the lock
        Resp plain = call(HttpMethod.GET, write("plain", ""));
        assertThat(plain.status()).isEqualTo(400);
        store.writer("plain", 0, null).flatMap(Writer::close).block(T);
    }

    @Test
    void aDroppedConnectionReleasesTheLockAndTheIngestResumes() {
        byte[] data = random(200_000, 6);
        Digest digest = Digest.sha256(data);
        WsClient ws = WsClient.connect(server, write("resume", "total=200000&expected=" + digest));
        ws.binary(Arrays.copyOf(data, 80_000)).binary(Arrays.copyOfRange(data, 80_000, 120_000));
        assertThat(ws.ask("{\"action\":\"stat\"}").get("offset").asLong()).isEqualTo(120_000);

        ws.drop();

        // the bound: the lock is free within a second (openWriter is woken by the release)
        StepVerifier.create(Ingests.openWriter(store, "resume", 0, null).flatMap(w -> w.status()
                        .flatMap(st -> w.close().thenReturn(st))))
                .assertNext(st -> {
                    assertThat(st.offset()).isEqualTo(120_000);
                    assertThat(st.total()).isEqualTo(200_000);
                    assertThat(st.expected()).isEqualTo(digest);
                })
                .expectComplete()
                .verify(Duration.ofSeconds(1));

        try (WsClient again = WsClient.connect(server, write("resume", ""))) {
            JsonNode stat = again.ask("{\"action\":\"stat\"}");
            assertThat(stat.get("offset").asLong()).isEqualTo(120_000);
            assertThat(stat.get("total").asLong()).isEqualTo(200_000);
            assertThat(stat.get("digest").asText()).isEqualTo(Digest.sha256(Arrays.copyOf(data, 120_000)).toString());
            again.binary(Arrays.copyOfRange(data, 120_000, 200_000));
            assertThat(again.ask("{\"action\":\"commit\"}").get("digest").asText()).isEqualTo(digest.toString());
        }
    }

    @Test
    void aClientCloseClosesTheWriterAndKeepsTheData() {
        try (WsClient ws = WsClient.connect(server, write("r", ""))) {
            ws.binary(random(1234, 7));
            assertThat(ws.ask("{\"action\":\"stat\"}").get("offset").asLong()).isEqualTo(1234);
        }
        Status st = Ingests.openWriter(store, "r", 0, null)
                .flatMap(w -> w.status().flatMap(s -> w.close().thenReturn(s))).block(T);
        assertThat(st.offset()).isEqualTo(1234);
    }

    @Test
    void anAbortEndsTheSessionWithAnErrorThenRemovesTheIngest() {
        try (WsClient ws = WsClient.connect(server, write("doomed", ""))) {
            ws.binary(random(100, 8));
            assertThat(ws.ask("{\"action\":\"stat\"}").get("offset").asLong()).isEqualTo(100);

            assertThat(call(HttpMethod.DELETE, "/v1/ingests/doomed").status()).isEqualTo(204);

            JsonNode error = ws.next().get("error");
            assertThat(error.get("code").asText()).isEqualTo("failed_precondition");
            assertThat(error.get("message").asText()).contains("aborted");
            assertThat(ws.awaitClose().code()).isEqualTo(1011);
        }
        assertThat(call(HttpMethod.GET, "/v1/ingests/doomed").status()).isEqualTo(404);
    }

    @Test
    void framesOfFourMebibytesAndFragmentedMessagesAreAccepted() {
        byte[] big = random(4 * 1024 * 1024, 9);
        byte[] fragmented = random(100_000, 10);
        try (WsClient ws = WsClient.connect(server, write("big", ""))) {
            ws.binary(big);
            ws.fragmented(fragmented, 30_000);
            JsonNode written = ws.fragmentedText("{\"action\":\"write\",\"labels\":{\"ü\":\"é\"}}", 13).next();
            assertThat(written.get("offset").asLong()).isEqualTo(big.length + fragmented.length);
            byte[] all = new byte[big.length + fragmented.length];
            System.arraycopy(big, 0, all, 0, big.length);
            System.arraycopy(fragmented, 0, all, big.length, fragmented.length);
            JsonNode commit = ws.ask("{\"action\":\"commit\"}");
            assertThat(commit.get("offset").asLong()).isEqualTo(all.length);
            assertThat(commit.get("digest").asText()).isEqualTo(Digest.sha256(all).toString());
            assertThat(store.info(Digest.sha256(all)).block(T).labels()).isEqualTo(Map.of("ü", "é"));
        }
    }

    @Test
    void aRefWithSlashesWorksInTheSessionPath() {
        String ref = "registry/repo:tag/layer 1";
        try (WsClient ws = WsClient.connect(server, write(ref, ""))) {
            ws.binary(utf8("x"));
            assertThat(ws.ask("{\"action\":\"stat\"}").get("offset").asLong()).isEqualTo(1);
        }
        assertThat(store.status(ref).block(T).offset()).isEqualTo(1);
    }
}
