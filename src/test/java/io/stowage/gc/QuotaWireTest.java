package io.stowage.gc;

import static io.stowage.gc.GcFixture.LAYER;
import static io.stowage.gc.GcFixture.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.stowage.content.ContentException;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Writer;
import io.stowage.content.remote.RemoteContentStore;
import io.stowage.registry.RegistryOptions;
import io.stowage.registry.RegistryRoutes;
import io.stowage.server.ContentRoutes;
import io.stowage.server.GcRoutes;
import io.stowage.server.ServerOptions;
import io.stowage.server.StowageServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;
import reactor.util.function.Tuple2;
import reactor.util.function.Tuples;

/** Writes over the store's quota fail with resource_exhausted on every wire: content API, WebSocket, registry. */
class QuotaWireTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int LIMIT_HEADROOM = 2000;

    @TempDir
    Path root;
    GcFixture f;
    StowageServer server;
    RemoteContentStore remote;
    HttpClient http;
    Descriptor referenced;

    @BeforeEach
    void start() {
        f = new GcFixture(root, GcOptions.defaults());
        referenced = f.put(LAYER, QuotaTest.bytes(1, 3000), Map.of("containerd.io/gc.root", "x")).block(T);
        f.store.limitSize(3000 + LIMIT_HEADROOM);
        f.store.space().evictWith(bytes -> f.gc.evict(bytes).map(GcReport::bytesFreed));
        server = StowageServer.start(ServerOptions.defaults().withPort(0), List.of(ContentRoutes.of(f.store),
                RegistryRoutes.of(f.store, f.db, RegistryOptions.defaults()), GcRoutes.of(f.gc)));
        remote = RemoteContentStore.connect(server.uri());
        http = HttpClient.create().baseUrl(server.uri().toString());
    }

    @AfterEach
    void stop() {
        if (remote != null) {
            remote.close();
        }
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
        }
        if (f != null) {
            f.close();
        }
    }

    @Test
    void readsOverHttpCountForEvictionOrder() throws Exception {
        Descriptor older = f.put(LAYER, QuotaTest.bytes(10, 800), Map.of()).block(T);
        Thread.sleep(5);
        Descriptor newer = f.put(LAYER, QuotaTest.bytes(11, 800), Map.of()).block(T);
        Thread.sleep(5);
        // the older blob is read over the content API (a zero-copy file send): it becomes the more recently used
        Integer content = http.get().uri("/v1/content/" + older.digest())
                .responseSingle((res, buf) -> buf.then(Mono.just(res.status().code()))).block(T);
        assertThat(content).isEqualTo(200);

        // 1000 bytes need 600 more than the 400 left: one blob goes, the one not read
        f.put(LAYER, QuotaTest.bytes(12, 1000), Map.of()).block(T);
        assertThat(f.exists(newer.digest())).isFalse();
        assertThat(f.exists(older.digest())).isTrue();
        assertThat(f.exists(referenced.digest())).isTrue();
    }

    @Test
    void aWriteSessionOpenedWithATotalOverTheQuotaIsRefused() {
        StepVerifier.create(remote.writer("ws-big", 5000, null))
                .expectErrorSatisfies(e -> {
                    assertThat(ContentException.is(e, ErrorCode.RESOURCE_EXHAUSTED)).as(e.toString()).isTrue();
                    assertThat(e.getMessage()).contains("quota");
                })
                .verify(Duration.ofSeconds(30));
        assertThat(f.exists(referenced.digest())).isTrue();
    }

    @Test
    void bytesOverTheQuotaInAWriteSessionFailAndTheIngestKeepsItsData() {
        Writer w = remote.writer("ws-stream", 0, null).block(T);
        w.write(0, Flux.just(ByteBuffer.wrap(QuotaTest.bytes(2, 1500)))).block(T);
        StepVerifier.create(w.write(1500, Flux.just(ByteBuffer.wrap(QuotaTest.bytes(3, 1500)))))
                .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.RESOURCE_EXHAUSTED))
                        .as(e.toString()).isTrue())
                .verify(Duration.ofSeconds(30));
        w.close().onErrorResume(e -> Mono.empty()).block(T);
        assertThat(f.store.status("ws-stream").block(T).offset()).isEqualTo(1500);
        assertThat(f.exists(referenced.digest())).isTrue();
    }

    @Test
    void anHttpPutOverTheQuotaAnswers507ResourceExhausted() throws Exception {
        byte[] body = QuotaTest.bytes(4, 2500);
        Tuple2<Integer, String> r = http.put()
                .uri("/v1/ingests/put-big?commit=true")
                .send(ByteBufFlux.fromInbound(Mono.just(Unpooled.wrappedBuffer(body))))
                .responseSingle((res, buf) -> buf.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(s -> Tuples.of(res.status().code(), s)))
                .block(T);
        assertThat(r.getT1()).isEqualTo(507);
        JsonNode n = JSON.readTree(r.getT2());
        assertThat(n.path("code").asText()).isEqualTo("resource_exhausted");
        assertThat(n.path("message").asText()).contains("put-big").contains("quota");
        assertThat(f.exists(referenced.digest())).isTrue();
    }

    @Test
    void aRegistryUploadOverTheQuotaAnswers507() throws Exception {
        byte[] body = QuotaTest.bytes(5, 2500);
        Tuple2<Integer, String> r = http.post()
                .uri("/v2/quota/test/blobs/uploads/?digest=" + Digest.sha256(body))
                .send(ByteBufFlux.fromInbound(Mono.just(Unpooled.wrappedBuffer(body))))
                .responseSingle((res, buf) -> buf.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(s -> Tuples.of(res.status().code(), s)))
                .block(T);
        assertThat(r.getT1()).as(r.getT2()).isEqualTo(507);
        assertThat(JSON.readTree(r.getT2()).path("errors").get(0).path("code").asText()).isEqualTo("DENIED");
        assertThat(f.exists(referenced.digest())).isTrue();
        // a blob that fits still goes through
        byte[] small = QuotaTest.bytes(6, 1000);
        Integer ok = http.post()
                .uri("/v2/quota/test/blobs/uploads/?digest=" + Digest.sha256(small))
                .send(ByteBufFlux.fromInbound(Mono.just(Unpooled.wrappedBuffer(small))))
                .responseSingle((res, buf) -> buf.then(Mono.just(res.status().code())))
                .block(T);
        assertThat(ok).isEqualTo(201);
    }
}
