package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;

/**
 * Many clients at once, with the heap capped: this class runs in its own surefire fork with {@code -Xmx256m}
 * (execution {@code server-load} in pom.xml). Memory must not grow with the number of clients times the blob
 * size: blobs are sent as file regions, ingest bodies and frames are streamed with backpressure.
 */
class ServerLoadTest extends ServerTestBase {
    private static final Duration LONG = Duration.ofMinutes(3);
    private static final int BLOB = 1024 * 1024;
    private static final int CHUNK = 64 * 1024;
    private static final byte[] BLOCK = random(CHUNK, 42);

    private ConnectionProvider connections;

    @BeforeEach
    void heapIsCapped() {
        Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() <= 256L << 20,
                "runs in the -Xmx256m fork only: mvn test, or mvn surefire:test@server-load");
    }

    @AfterEach
    void disposeConnections() {
        if (connections != null) {
            connections.disposeLater().block(T);
        }
    }

    private HttpClient manyConnections(int n) {
        connections = ConnectionProvider.builder("load").maxConnections(n).pendingAcquireMaxCount(-1).build();
        return HttpClient.create(connections).baseUrl(server.uri().toString());
    }

    @Test
    void aThousandConcurrentReadersOfOneBlob() {
        byte[] data = random(BLOB, 1);
        Info info = commit("shared", data, Map.of());
        long crc = crc(data);
        HttpClient http = manyConnections(1000);

        Flux<Long> readers = Flux.range(0, 1000).flatMap(i -> http.get().uri("/v1/content/" + info.digest())
                .response((res, body) -> {
                    assertThat(res.status().code()).isEqualTo(200);
                    CRC32C c = new CRC32C();
                    long[] n = {0};
                    return body.doOnNext(buf -> {
                        n[0] += buf.readableBytes();
                        c.update(buf.nioBuffer());
                    }).then(Mono.fromCallable(() -> n[0] == BLOB ? c.getValue() : -n[0]));
                }).single(), 1000);

        StepVerifier.create(readers.filter(v -> v == crc).count())
                .expectNext(1000L)
                .expectComplete()
                .verify(LONG);
    }

    @Test
    void twoHundredConcurrentIngests() {
        HttpClient http = manyConnections(200);
        WebsocketClientSpec spec = WebsocketClientSpec.builder().maxFramePayloadLength(ServerOptions.MIN_FRAME_BYTES)
                .build();

        Flux<Boolean> ingests = Flux.range(0, 200).flatMap(i -> {
            Digest expected = digestOf(i);
            String ref = "load-" + i;
            if (i % 2 == 0) {
                return http.put()
                        .uri("/v1/ingests/" + ref + "?commit=true&total=" + BLOB + "&expected=" + expected)
                        .send(Flux.range(0, BLOB / CHUNK).map(c -> Unpooled.wrappedBuffer(chunk(i, c))))
                        .responseSingle((res, body) -> body.asString().map(s -> res.status().code() == 201
                                && s.contains(expected.toString())));
            }
            return HttpClient.create().baseUrl(server.uri().toString()).websocket(spec)
                    .uri("/v1/ingests/" + ref + "/write?total=" + BLOB + "&expected=" + expected)
                    .handle((in, out) -> {
                        Flux<WebSocketFrame> frames = Flux.range(0, BLOB / CHUNK)
                                .<WebSocketFrame>map(c -> new BinaryWebSocketFrame(Unpooled.wrappedBuffer(chunk(i, c))))
                                .concatWith(Mono.fromSupplier(() -> new TextWebSocketFrame("{\"action\":\"commit\"}")));
                        Mono<String> answer = in.receiveFrames().ofType(TextWebSocketFrame.class)
                                .map(TextWebSocketFrame::text).next();
                        return out.sendObject(frames).then().then(answer);
                    })
                    .next()
                    .map(s -> s.contains("\"commit\"") && s.contains(expected.toString()));
        }, 200);

        StepVerifier.create(ingests.filter(ok -> ok).count())
                .expectNext(200L)
                .expectComplete()
                .verify(LONG);
        List<Info> stored = store.walk().collectList().block(T);
        assertThat(stored).hasSize(200).allMatch(inf -> inf.size() == BLOB);
        assertThat(store.listStatuses().collectList().block(T)).isEmpty();
    }

    /** Chunk {@code c} of blob {@code i}: the shared block with (i, c) written over its first 8 bytes. */
    private static byte[] chunk(int i, int c) {
        byte[] b = BLOCK.clone();
        ByteBuffer.wrap(b).putInt(i).putInt(c);
        return b;
    }

    private static Digest digestOf(int i) {
        MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
        for (int c = 0; c < BLOB / CHUNK; c++) {
            md.update(chunk(i, c));
        }
        return Digest.fromBytes(Digest.SHA256, md.digest());
    }

    private static long crc(byte[] data) {
        CRC32C c = new CRC32C();
        c.update(data);
        return c.getValue();
    }
}
