package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import io.stowage.content.Status;
import io.stowage.content.Writer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** {@code /v1/ingests} over a real socket: statuses, abort, the streamed PUT, and their error codes. */
class IngestRoutesTest extends ServerTestBase {

    private static String ingest(String ref) {
        return "/v1/ingests/" + seg(ref);
    }

    @Test
    void putWithoutCommitAppendsAndAnswersStatus() {
        byte[] data = random(100_000, 1);

        Resp first = call(HttpMethod.PUT, ingest("layer-1") + "?total=100000", Arrays.copyOf(data, 40_000));
        assertThat(first.status()).isEqualTo(200);
        Status st = ContentJson.readStatus(first.json());
        assertThat(st.ref()).isEqualTo("layer-1");
        assertThat(st.offset()).isEqualTo(40_000);
        assertThat(st.total()).isEqualTo(100_000);
        assertThat(st.expected()).isNull();
        assertThat(first.json().has("expected")).isFalse();

        Resp second = call(HttpMethod.PUT, ingest("layer-1") + "?offset=40000",
                Arrays.copyOfRange(data, 40_000, 70_000));
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("offset").asLong()).isEqualTo(70_000);

        Resp third = call(HttpMethod.PUT, ingest("layer-1") + "?commit=true&label=a=1&label=b=x%3Dy",
                Arrays.copyOfRange(data, 70_000, 100_000));
        assertThat(third.status()).isEqualTo(201);
        Info info = ContentJson.readInfo(third.json());
        assertThat(info.digest()).isEqualTo(Digest.sha256(data));
        assertThat(info.size()).isEqualTo(100_000);
        assertThat(info.labels()).isEqualTo(Map.of("a", "1", "b", "x=y"));
        assertThat(call(HttpMethod.GET, "/v1/content/" + info.digest()).body()).isEqualTo(data);
        assertThat(call(HttpMethod.GET, ingest("layer-1")).status()).isEqualTo(404);
    }

    @Test
    void putAtOffsetZeroResetsTheIngest() {
        call(HttpMethod.PUT, ingest("r"), utf8("garbage"));
        byte[] data = utf8("the real thing");

        Resp r = call(HttpMethod.PUT, ingest("r") + "?offset=0&commit=true&expected=" + Digest.sha256(data), data);

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("digest").asText()).isEqualTo(Digest.sha256(data).toString());
    }

    @Test
    void putAtAnotherOffsetIs416WithTheCurrentOffset() {
        call(HttpMethod.PUT, ingest("r"), utf8("0123456789"));

        Resp r = call(HttpMethod.PUT, ingest("r") + "?offset=5", utf8("more"));

        assertThat(r.status()).isEqualTo(416);
        assertThat(r.json().get("code").asText()).isEqualTo("out_of_range");
        assertThat(r.json().get("offset").asLong()).isEqualTo(10);
        assertThat(call(HttpMethod.GET, ingest("r")).json().get("offset").asLong()).isEqualTo(10);
    }

    @Test
    void commitWithTheWrongDigestOrSizeIs412AndTheIngestStays() {
        byte[] data = utf8("some bytes");
        Digest wrong = Digest.sha256(utf8("other bytes"));

        Resp r = call(HttpMethod.PUT, ingest("r") + "?commit=true&expected=" + wrong, data);
        assertThat(r.status()).isEqualTo(412);
        assertThat(r.json().get("code").asText()).isEqualTo("failed_precondition");
        assertThat(r.json().get("message").asText()).contains(wrong.toString()).contains(Digest.sha256(data).toString());

        Resp size = call(HttpMethod.PUT, ingest("r2") + "?commit=true&total=99", data);
        assertThat(size.status()).isEqualTo(412);
        assertThat(call(HttpMethod.GET, ingest("r2")).json().get("offset").asLong()).isEqualTo(data.length);
    }

    @Test
    void existingContentIs409() {
        byte[] data = utf8("already here");
        Info info = commit("first", data, Map.of());

        Resp open = call(HttpMethod.PUT, ingest("second") + "?expected=" + info.digest(), data);
        assertThat(open.status()).isEqualTo(409);
        assertThat(open.json().get("code").asText()).isEqualTo("already_exists");

        Resp onCommit = call(HttpMethod.PUT, ingest("third") + "?commit=true", data);
        assertThat(onCommit.status()).isEqualTo(409);
    }

    @Test
    void aLockedRefIs503() {
        Writer held = hold("busy");
        try {
            Resp r = call(HttpMethod.PUT, ingest("busy"), utf8("x"));
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.json().get("code").asText()).isEqualTo("unavailable");
        } finally {
            held.close().block(T);
        }
    }

    @Test
    void aPutWithAWaitIsAnsweredOnceTheLockIsReleased() throws Exception {
        Writer held = hold("queued");
        held.write(Mono.just(ByteBuffer.wrap(utf8("ab")))).block(T);
        java.util.concurrent.CompletableFuture<Resp> waiting = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> call(HttpMethod.PUT, ingest("queued") + "?wait=30s", utf8("cd")));
        Resp refused = call(HttpMethod.PUT, ingest("queued") + "?wait=100ms", utf8("x"));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().get("message").asText()).contains("still locked after waiting 100ms");
        assertThat(waiting).isNotDone();

        held.close().block(T);
        Resp r = waiting.get(T.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("offset").asLong()).isEqualTo(4);
    }

    @Test
    void aBadWaitIs400() {
        for (String w : List.of("soon", "-1s", "2h", "1d", "10000000000ms")) {
            Resp r = call(HttpMethod.PUT, ingest("w") + "?wait=" + q(w), utf8("x"));
            assertThat(r.status()).as("wait=%s", w).isEqualTo(400);
            assertThat(r.json().get("code").asText()).isEqualTo("invalid_argument");
        }
    }

    @Test
    void theLockIsReleasedBeforeTheResponse() {
        for (int i = 0; i < 20; i++) {
            assertThat(call(HttpMethod.PUT, ingest("r"), utf8("x")).status()).isEqualTo(200);
            // the ref can be taken again the moment the response has arrived
            Writer w = store.writer("r", 0, null).block(T);
            w.close().block(T);
        }
        assertThat(call(HttpMethod.PUT, ingest("r") + "?offset=999", utf8("x")).status()).isEqualTo(416);
        store.writer("r", 0, null).flatMap(Writer::close).block(T);
    }

    @Test
    void refsArePercentDecodedAndMayContainSlashes() {
        String ref = "docker.io/library/alpine:3 layer+1 ü";

        Resp put = call(HttpMethod.PUT, ingest(ref), utf8("abc"));
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.json().get("ref").asText()).isEqualTo(ref);
        assertThat(store.status(ref).block(T).offset()).isEqualTo(3);

        assertThat(call(HttpMethod.GET, ingest(ref)).json().get("ref").asText()).isEqualTo(ref);
        assertThat(call(HttpMethod.DELETE, ingest(ref)).status()).isEqualTo(204);
        assertThat(call(HttpMethod.GET, ingest(ref)).status()).isEqualTo(404);
    }

    @Test
    void badRefsAndParametersAre400() {
        List<String> bad = new ArrayList<>(List.of(
                ingest("x".repeat(257)),
                "/v1/ingests/a%00b",
                "/v1/ingests/%zz",
                "/v1/ingests/%C3%28",
                ingest("r") + "?offset=-1",
                ingest("r") + "?offset=abc",
                ingest("r") + "?total=1.5",
                ingest("r") + "?expected=sha256:beef",
                ingest("r") + "?commit=maybe",
                ingest("r") + "?label=novalue",
                ingest("r") + "?offset=1&offset=2"));
        for (String uri : bad) {
            Resp r = call(HttpMethod.PUT, uri, utf8("x"));
            assertThat(r.status()).as(uri).isEqualTo(400);
            assertThat(r.json().get("code").asText()).as(uri).isEqualTo("invalid_argument");
        }
        assertThat(call(HttpMethod.GET, ingest("é".repeat(129))).status()).isEqualTo(400);
        assertThat(call(HttpMethod.GET, ingest("é".repeat(128))).status()).isEqualTo(404);
    }

    @Test
    void statusAndListOfIngests() {
        byte[] data = random(1000, 2);
        Digest expected = Digest.sha256(data);
        call(HttpMethod.PUT, ingest("layer-a") + "?total=1000&expected=" + expected, Arrays.copyOf(data, 300));
        call(HttpMethod.PUT, ingest("layer-b"), utf8("bb"));

        Resp one = call(HttpMethod.GET, ingest("layer-a"));
        assertThat(one.status()).isEqualTo(200);
        JsonNode n = one.json();
        assertThat(n.get("ref").asText()).isEqualTo("layer-a");
        assertThat(n.get("offset").asLong()).isEqualTo(300);
        assertThat(n.get("total").asLong()).isEqualTo(1000);
        assertThat(n.get("expected").asText()).isEqualTo(expected.toString());
        assertThat(n.get("startedAt").asText()).endsWith("Z");
        assertThat(ContentJson.parseTime(n.get("updatedAt").asText()))
                .isAfterOrEqualTo(ContentJson.parseTime(n.get("startedAt").asText()));

        Resp all = call(HttpMethod.GET, "/v1/ingests");
        assertThat(all.status()).isEqualTo(200);
        List<String> refs = new ArrayList<>();
        all.json().forEach(s -> refs.add(s.get("ref").asText()));
        assertThat(refs).containsExactlyInAnyOrder("layer-a", "layer-b");

        assertThat(call(HttpMethod.GET, ingest("nope")).status()).isEqualTo(404);

        Resp filtered = call(HttpMethod.GET, "/v1/ingests?filter=" + q("ref~=^layer-a") + "&filter="
                + q("expected==" + expected));
        assertThat(filtered.json().size()).isEqualTo(1);
        assertThat(filtered.json().get(0).get("ref").asText()).isEqualTo("layer-a");
        assertThat(call(HttpMethod.GET, "/v1/ingests?filter=" + q("ref~=(")).status()).isEqualTo(400);
    }

    @Test
    void abortRemovesTheIngestAndAnUnknownRefIs404() {
        call(HttpMethod.PUT, ingest("r"), utf8("data"));

        assertThat(call(HttpMethod.DELETE, ingest("r")).status()).isEqualTo(204);
        assertThat(call(HttpMethod.GET, ingest("r")).status()).isEqualTo(404);
        Resp again = call(HttpMethod.DELETE, ingest("r"));
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().get("code").asText()).isEqualTo("not_found");
    }

    @Test
    void aBodyCutShortIsNotCommitted() throws Exception {
        // Content-Length says 100, but the client goes away after 10 bytes. Whether those bytes reach the writer
        // before the server sees the connection end is a race (Reactor Netty may answer "100 Continue" before the
        // handler reads the body); either way nothing is committed and the lock is released.
        byte[] partial = random(10, 3);
        String request = "PUT " + ingest("cut") + "?commit=true HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"
                + "Expect: 100-continue\r\n\r\n";
        try (var socket = new java.net.Socket(server.address().getAddress(), server.address().getPort())) {
            socket.setSoTimeout((int) T.toMillis());
            socket.getOutputStream().write(utf8(request));
            socket.getOutputStream().flush();
            var in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                assertThat(c).isNotNegative();
                head.append((char) c);
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 100");
            socket.getOutputStream().write(partial);
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            in.readAllBytes();
        }
        Writer w = io.stowage.content.Ingests.openWriter(store, "cut", 0, null).block(T);
        try {
            assertThat(w.status().block(T).offset()).isIn(0L, 10L);
        } finally {
            w.close().block(T);
        }
        assertThat(store.walk().collectList().block(T)).isEmpty();
    }

    @Test
    void aLargeBodyIsStreamedToTheWriter() {
        byte[] data = random(32 * 1024 * 1024, 4);

        Resp r = call(HttpMethod.PUT, ingest("big") + "?commit=true&total=" + data.length + "&expected="
                + Digest.sha256(data), data);

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("size").asLong()).isEqualTo(data.length);
        assertThat(store.read(Digest.sha256(data)).map(ByteBuffer::remaining).reduce(0, Integer::sum).block(T))
                .isEqualTo(data.length);
    }
}
