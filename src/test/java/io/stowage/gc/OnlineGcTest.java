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
import io.stowage.images.Image;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The collector running in a loop while writers commit new content and re-reference shared content under the
 * lease protocol ({@link Leases}): nothing an image references ever goes missing.
 */
class OnlineGcTest {
    static final int WORKERS = 8;
    static final int ITERATIONS = 12;
    /**
     * Where the workers' blocking checks run: not the store's own scheduler (the shared bounded elastic one),
     * whose queues, once it is at its thread cap, can put the read a check waits for behind that very check.
     */
    private static final reactor.core.scheduler.Scheduler CHECKS =
            reactor.core.scheduler.Schedulers.newBoundedElastic(WORKERS, 10_000, "online-gc-checks", 60, true);

    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void gcDuringConcurrentCommitsNeverDeletesReferencedContent(long seed) {
        try (GcFixture f = new GcFixture(root, GcOptions.defaults())) {
            List<byte[]> shared = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                shared.add(("shared layer " + i + " seed " + seed).getBytes(StandardCharsets.UTF_8));
            }
            AtomicBoolean done = new AtomicBoolean();
            AtomicInteger collections = new AtomicInteger();
            AtomicInteger removed = new AtomicInteger();
            Mono<Void> collector = Mono.defer(() -> f.gc.collect(false))
                    .doOnNext(r -> {
                        collections.incrementAndGet();
                        removed.addAndGet(r.blobsRemoved());
                    })
                    .onErrorResume(e -> ContentException.is(e, ErrorCode.UNAVAILABLE), e -> Mono.empty())
                    .repeat(() -> !done.get())
                    .then();
            Flux<Void> workers = Flux.range(0, WORKERS)
                    .flatMap(w -> worker(f, new Random(seed * 1000 + w), w, shared), WORKERS);
            Mono.when(collector, workers.then().doFinally(s -> done.set(true))).block(Duration.ofMinutes(3));

            assertThat(collections.get()).isPositive();
            assertThat(removed.get()).as("blobs collected while the writers ran").isPositive();
            f.gc.collect(false).block(T);
            List<Image> left = f.images.list().collectList().block(T);
            assertThat(left).isNotEmpty();
            for (Image i : left) {
                assertIntact(f, i.target().digest());
            }
        }
    }

    /** Each iteration: a lease, shared and new layers added to it before they are written, a manifest, an image. */
    private Flux<Void> worker(GcFixture f, Random rnd, int w, List<byte[]> shared) {
        return Flux.range(0, ITERATIONS).concatMap(i -> f.leases.create(null, Map.of(), Duration.ofHours(1))
                .flatMap(lease -> {
                    List<byte[]> layers = new ArrayList<>();
                    layers.add(shared.get(rnd.nextInt(shared.size())));
                    byte[] fresh = new byte[1 + rnd.nextInt(4096)];
                    rnd.nextBytes(fresh);
                    layers.add(fresh);
                    byte[] config = ("{\"worker\":" + w + ",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                    return Flux.fromIterable(layers)
                            .concatMap(b -> leased(f, lease, LAYER, b, Map.of()))
                            .collectList()
                            .zipWith(leased(f, lease, CONFIG, config, Map.of()))
                            .flatMap(t -> {
                                String json = GcFixture.manifestJson(t.getT2(), t.getT1());
                                byte[] m = json.getBytes(StandardCharsets.UTF_8);
                                boolean labelled = rnd.nextBoolean();
                                return leased(f, lease, MANIFEST, m,
                                        labelled ? GcFixture.gcLabels(t.getT2(), t.getT1()) : Map.of());
                            })
                            .flatMap(manifest -> f.images.put(Image.of("w" + w + "/i" + i, manifest, Map.of())))
                            .flatMap(image -> f.leases.delete(lease.id())
                                    .then(Mono.fromRunnable(() -> assertIntact(f, image.target().digest()))
                                            .subscribeOn(CHECKS)))
                            .then(i >= 2 && rnd.nextInt(3) > 0
                                    ? f.images.delete("w" + w + "/i" + (i - 2)).onErrorResume(e -> Mono.empty())
                                    : Mono.empty());
                }));
    }

    /** Adds the blob to the lease first, then writes it (or finds it already there). */
    private static Mono<Descriptor> leased(GcFixture f, Lease lease, String mt, byte[] bytes,
                                           Map<String, String> labels) {
        return f.leases.addResource(lease.id(), LeaseResource.content(Digest.sha256(bytes)))
                .then(f.put(mt, bytes, labels));
    }

    /** The manifest, its config and layers are all present with the right bytes. Blocking. */
    private static void assertIntact(GcFixture f, Digest manifest) {
        byte[] m = read(f, manifest);
        List<Digest> children = MarkSweep.jsonChildren(m);
        assertThat(children).hasSizeGreaterThanOrEqualTo(3);
        for (Digest c : children) {
            read(f, c);
        }
    }

    private static byte[] read(GcFixture f, Digest d) {
        byte[] bytes = f.store.read(d, 0, -1).collect(ByteArrayOutputStream::new, (out, b) -> {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.write(a, 0, a.length);
        }).map(ByteArrayOutputStream::toByteArray).block(T);
        assertThat(Digest.sha256(bytes)).as("content of " + d).isEqualTo(d);
        return bytes;
    }

    @Test
    void contentCommittedAfterTheCollectionStartedIsNeverSwept(@TempDir Path other) {
        // the collection "starts" an hour ago: everything committed now is newer than its start
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        try (GcFixture f = new GcFixture(other, new GcOptions(Duration.ofHours(24), Duration.ofMinutes(10), past))) {
            Descriptor unreferenced = f.put(LAYER, "just committed".getBytes(StandardCharsets.UTF_8), Map.of())
                    .block(T);
            assertThat(f.gc.collect(false).block(T).removed()).isEmpty();
            assertThat(f.exists(unreferenced.digest())).isTrue();
        }
        try (GcFixture f = new GcFixture(root, GcOptions.defaults())) {
            Descriptor unreferenced = f.put(LAYER, "older".getBytes(StandardCharsets.UTF_8), Map.of()).block(T);
            assertThat(f.gc.collect(false).block(T).removed()).containsExactly(unreferenced.digest());
        }
    }

}
