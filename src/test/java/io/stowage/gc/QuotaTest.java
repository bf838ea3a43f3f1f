package io.stowage.gc;

import static io.stowage.gc.GcFixture.CONFIG;
import static io.stowage.gc.GcFixture.LAYER;
import static io.stowage.gc.GcFixture.MANIFEST;
import static io.stowage.gc.GcFixture.T;
import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.ContentException;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Status;
import io.stowage.content.Writer;
import io.stowage.images.Image;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The store's quota: over it, unreferenced content is evicted least recently read first and referenced content
 * never; what cannot fit fails with RESOURCE_EXHAUSTED and keeps what was written.
 */
class QuotaTest {
    static final int BLOB = 1000;

    @TempDir
    Path root;
    GcFixture f;
    final List<GcReport> reports = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    /** A store with everything referenced that GC knows of, plus {@code unreferenced} plain blobs. */
    private List<Descriptor> fixtureWith(int unreferenced) throws InterruptedException {
        f = new GcFixture(root, GcOptions.defaults());
        Descriptor layer = put(LAYER, bytes(1, BLOB), Map.of());
        Descriptor config = put(CONFIG, "{\"c\":1}".getBytes(), Map.of());
        Descriptor manifest = put(MANIFEST, GcFixture.manifestJson(config, List.of(layer)).getBytes(), Map.of());
        f.images.put(Image.of("kept", manifest, Map.of())).block(T);
        put(LAYER, bytes(2, BLOB), Map.of("containerd.io/gc.root", "true"));
        Descriptor leased = put(LAYER, bytes(3, BLOB), Map.of());
        Lease lease = f.leases.create("keep", Map.of(), null).block(T);
        f.leases.addResource(lease.id(), LeaseResource.content(leased.digest())).block(T);
        Descriptor labelledParent = put(MANIFEST, GcFixture.manifestJson(config, List.of(layer)).replace("}]}",
                "},{}]}").getBytes(), Map.of("containerd.io/gc.root", "1",
                "containerd.io/gc.ref.content.l.0", Digest.sha256(bytes(4, BLOB)).toString()));
        put(LAYER, bytes(4, BLOB), Map.of());
        assertThat(labelledParent).isNotNull();
        List<Descriptor> garbage = new java.util.ArrayList<>();
        for (int i = 0; i < unreferenced; i++) {
            garbage.add(put(LAYER, bytes(100 + i, BLOB), Map.of()));
            Thread.sleep(3); // distinct commit times
        }
        return garbage;
    }

    private void limit(long extra) {
        f.store.limitSize(usedNow() + extra);
        f.store.space().evictWith(bytes -> f.gc.evict(bytes).doOnNext(reports::add).map(GcReport::bytesFreed));
    }

    private long usedNow() {
        return f.store.walk().map(i -> i.size()).reduce(0L, Long::sum).block(T);
    }

    @Test
    void overTheQuotaUnreferencedContentGoesLeastRecentlyReadFirstReferencedContentStays() throws Exception {
        List<Descriptor> g = fixtureWith(3);
        Descriptor never = g.get(0);
        Descriptor readFirst = g.get(1);
        Descriptor readLast = g.get(2);
        // read order: g1, then g2; g0 was only committed (before both reads)
        f.store.read(readFirst.digest()).then().block(T);
        Thread.sleep(5);
        f.store.read(readLast.digest()).then().block(T);
        List<Digest> referenced = f.store.walk().map(i -> i.digest())
                .filter(d -> g.stream().noneMatch(x -> x.digest().equals(d))).collectList().block(T);
        limit(500);

        // 1800 bytes need 1300 more than the quota leaves: the two blobs used longest ago go, the last read stays
        Descriptor big = put(LAYER, bytes(7, 1800), Map.of());

        assertThat(f.exists(big.digest())).isTrue();
        assertThat(f.exists(never.digest())).isFalse();
        assertThat(f.exists(readFirst.digest())).isFalse();
        assertThat(f.exists(readLast.digest())).isTrue();
        for (Digest d : referenced) {
            assertThat(f.exists(d)).as("referenced " + d).isTrue();
        }
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).removed()).containsExactly(never.digest(), readFirst.digest());
        assertThat(reports.get(0).bytesFreed()).isEqualTo(2L * BLOB);
        assertThat(f.store.space().used()).isLessThanOrEqualTo(f.store.space().limit());
    }

    @Test
    void aPredeclaredTotalThatCannotFitFailsAtOpenAfterEvictingEverythingUnreferenced() throws Exception {
        List<Descriptor> g = fixtureWith(2);
        List<Digest> referenced = f.store.walk().map(i -> i.digest())
                .filter(d -> g.stream().noneMatch(x -> x.digest().equals(d))).collectList().block(T);
        limit(100);

        StepVerifier.create(f.store.writer("too-big", 2L * BLOB + 200, null))
                .expectErrorSatisfies(e -> {
                    assertThat(ContentException.is(e, ErrorCode.RESOURCE_EXHAUSTED)).as(e.toString()).isTrue();
                    assertThat(e.getMessage()).contains("too-big").contains("quota");
                })
                .verify(Duration.ofSeconds(30));

        for (Digest d : referenced) {
            assertThat(f.exists(d)).as("referenced " + d).isTrue();
        }
        assertThat(g).allSatisfy(d -> assertThat(f.exists(d.digest())).isFalse());
        // the failed open left the lock free and nothing claimed: a write that fits now goes through
        put(LAYER, bytes(9, BLOB), Map.of());
    }

    @Test
    void bytesArrivingOverTheQuotaFailAndTheIngestKeepsWhatItHad() throws Exception {
        fixtureWith(0);
        limit(1500);
        Writer w = f.store.writer("stream", 0, null).block(T);
        assertThat(w.write(0, Flux.just(ByteBuffer.wrap(bytes(5, BLOB)))).block(T)).isEqualTo(BLOB);

        StepVerifier.create(w.write(BLOB, Flux.just(ByteBuffer.wrap(bytes(6, BLOB)))))
                .expectErrorSatisfies(e -> assertThat(ContentException.is(e, ErrorCode.RESOURCE_EXHAUSTED))
                        .as(e.toString()).isTrue())
                .verify(Duration.ofSeconds(30));
        assertThat(w.status().block(T).offset()).isEqualTo(BLOB);
        w.close().block(T);

        // resumable: the ingest is there with its data, and fits again when the quota grows
        Status st = f.store.status("stream").block(T);
        assertThat(st.offset()).isEqualTo(BLOB);
        f.store.limitSize(usedNow() + 3L * BLOB);
        Writer again = f.store.writer("stream", 0, null).block(T);
        assertThat(again.write(BLOB, Flux.just(ByteBuffer.wrap(bytes(6, BLOB)))).block(T)).isEqualTo(2L * BLOB);
        again.commit(0, null, Map.of()).block(T);
    }

    @Test
    void concurrentWritersShortOfRoomShareEvictionAndNeverOvershoot() throws Exception {
        fixtureWith(8);
        limit(2L * BLOB);
        List<Boolean> results = Flux.range(0, 8)
                .flatMap(i -> f.put(LAYER, bytes(500 + i, BLOB), Map.of()).map(d -> true)
                        .onErrorResume(e -> ContentException.is(e, ErrorCode.RESOURCE_EXHAUSTED),
                                e -> Mono.just(false)), 8)
                .collectList().block(T);
        assertThat(results).contains(true);
        assertThat(f.store.space().used()).isLessThanOrEqualTo(f.store.space().limit());
        assertThat(usedNow()).isLessThanOrEqualTo(f.store.space().limit());
    }

    private Descriptor put(String mt, byte[] b, Map<String, String> labels) {
        return f.put(mt, b, labels).block(T);
    }

    static byte[] bytes(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
