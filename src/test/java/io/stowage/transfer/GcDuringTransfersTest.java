package io.stowage.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.content.ContentException;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.local.LocalContentStore;
import io.stowage.gc.GarbageCollector;
import io.stowage.gc.GcOptions;
import io.stowage.gc.Leases;
import io.stowage.images.Image;
import io.stowage.images.local.LocalImageStore;
import io.stowage.metadata.MetadataDb;
import io.stowage.registry.RegistryOptions;
import io.stowage.registry.RegistryRoutes;
import io.stowage.server.ServerOptions;
import io.stowage.server.StowageServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Garbage collection of a store that is, at the same time, the target of 32 concurrent transfers per round:
 * pulls from an upstream registry into it (under the pull's temporary lease) and pushes into its own registry API,
 * with layers shared between images, between pulls and pushes, and with content the previous round made garbage
 * (deleted images), so that collections race pulls and pushes that find a layer present. Collections run back to
 * back for the whole round. Every transfer must succeed, and afterwards every image and every pushed tag must be
 * complete, byte for byte. Rounds and seed: {@code -Dgc.rounds=N} (default 4), {@code -Dgc.seed=S} (default:
 * random, logged).
 */
class GcDuringTransfersTest {
    private static final Logger log = LoggerFactory.getLogger(GcDuringTransfersTest.class);
    static final Duration T = Duration.ofSeconds(120);
    static final int PULLS = 16;
    static final int PUSHES = 16;
    static final int POOL = 8;

    @TempDir
    Path tmp;

    MetadataDb upstreamDb;
    LocalContentStore upstream;
    StowageServer upstreamServer;
    LocalContentStore source;
    MetadataDb db;
    LocalContentStore store;
    LocalImageStore images;
    Leases leases;
    GarbageCollector gc;
    StowageServer server;
    LocalContentStore check;

    @BeforeEach
    void start() {
        upstreamDb = MetadataDb.open(tmp.resolve("upstream/metadata.db"));
        upstream = LocalContentStore.open(tmp.resolve("upstream"), Schedulers.boundedElastic(), upstreamDb);
        upstreamServer = StowageServer.start(ServerOptions.defaults().withPort(0),
                List.of(RegistryRoutes.of(upstream, upstreamDb, RegistryOptions.defaults())));
        source = LocalContentStore.open(tmp.resolve("source"));
        db = MetadataDb.open(tmp.resolve("store/metadata.db"));
        store = LocalContentStore.open(tmp.resolve("store"), Schedulers.boundedElastic(), db);
        images = LocalImageStore.open(db);
        leases = Leases.open(db);
        gc = GarbageCollector.local(store, db, GcOptions.defaults());
        server = StowageServer.start(ServerOptions.defaults().withPort(0),
                List.of(RegistryRoutes.of(store, db, RegistryOptions.defaults())));
        check = LocalContentStore.open(tmp.resolve("check"));
    }

    @AfterEach
    void stop() {
        for (StowageServer s : new StowageServer[] {server, upstreamServer}) {
            if (s != null) {
                s.disposeNow(Duration.ofSeconds(10));
            }
        }
        for (AutoCloseable c : new AutoCloseable[] {check, store, images, db, source, upstream, upstreamDb}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                log.debug("close", e);
            }
        }
    }

    TransferOptions options() {
        return TransferOptions.defaults().withPlainHttp(true).withChunkSize(64 << 10)
                .withRetries(5, Duration.ofMillis(10), Duration.ofMillis(200));
    }

    @Test
    void gcDuring32ConcurrentPullsAndPushesBreaksNoneAndLosesNothingReferenced() {
        long seed = Long.getLong("gc.seed", new Random().nextLong());
        int rounds = Integer.getInteger("gc.rounds", 4);
        log.info("GcDuringTransfersTest seed {} ({} rounds; replay with -Dgc.seed={})", seed, rounds, seed);
        Random rnd = new Random(seed);
        List<byte[]> pullPool = pool(rnd, "pull");
        List<byte[]> pushPool = pool(rnd, "push");
        List<Reference> pushed = new ArrayList<>();
        AtomicLong removed = new AtomicLong();
        AtomicInteger collections = new AtomicInteger();

        for (int round = 0; round < rounds; round++) {
            // upstream images to pull, and local images to push; each shares layers with others
            List<Reference> toPull = new ArrayList<>();
            for (int i = 0; i < PULLS; i++) {
                TestImages.Built b = image(upstream, rnd, pullPool, pushPool, round, "pull" + i);
                Reference ref = Reference.parse(host(upstreamServer) + "/up/r" + round + ":i" + i);
                try (Pusher p = Pusher.create(upstream, options())) {
                    p.push(ref, b.root()).block(T);
                }
                toPull.add(ref);
            }
            List<Map.Entry<Reference, TestImages.Built>> toPush = new ArrayList<>();
            for (int i = 0; i < PUSHES; i++) {
                TestImages.Built b = image(source, rnd, pullPool, pushPool, round, "push" + i);
                toPush.add(Map.entry(Reference.parse(host(server) + "/pushed/r" + round + ":i" + i), b));
            }

            List<Mono<Void>> ops = new ArrayList<>();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            for (Reference ref : toPull) {
                ops.add(Mono.usingWhen(Mono.fromCallable(() -> Puller.create(store, images, leases, options())),
                        p -> p.pull(ref).then(), p -> Mono.fromRunnable(p::close))
                        .onErrorResume(e -> {
                            failures.add("pull " + ref + ": " + e);
                            return Mono.empty();
                        }));
            }
            for (Map.Entry<Reference, TestImages.Built> e : toPush) {
                ops.add(Mono.usingWhen(Mono.fromCallable(() -> Pusher.create(source, options())),
                        p -> p.push(e.getKey(), e.getValue().root()).then(), p -> Mono.fromRunnable(p::close))
                        .onErrorResume(x -> {
                            failures.add("push " + e.getKey() + ": " + x);
                            return Mono.empty();
                        }));
            }
            Collections.shuffle(ops, rnd);
            assertThat(ops).hasSize(32);

            AtomicBoolean done = new AtomicBoolean();
            long pause = rnd.nextInt(20);
            Mono<Void> collector = Mono.defer(() -> gc.collect(false))
                    .doOnNext(r -> {
                        collections.incrementAndGet();
                        removed.addAndGet(r.blobsRemoved());
                    })
                    .onErrorResume(e -> ContentException.is(e, ErrorCode.UNAVAILABLE), e -> Mono.empty())
                    .then(Mono.delay(Duration.ofMillis(pause)).then())
                    .repeat(() -> !done.get())
                    .then();
            Mono<Void> transfers = Flux.fromIterable(ops).flatMap(op -> op, 32).then()
                    .doFinally(s -> done.set(true));
            Mono.when(collector, transfers).block(Duration.ofMinutes(4));

            assertThat(failures).as("transfers that failed in round " + round).isEmpty();
            gc.collect(false).block(T);
            toPush.forEach(e -> pushed.add(e.getKey()));
            assertEveryImageIntact();
            assertPushedTagsPullable(pushed, round);

            // make garbage for the next round: drop most of the pulled images
            List<Image> all = images.list().collectList().block(T);
            for (Image i : all) {
                if (rnd.nextInt(4) > 0) {
                    images.delete(i.name()).block(T);
                }
            }
        }
        log.info("GcDuringTransfersTest seed {}: {} collections removed {} blobs", seed, collections.get(),
                removed.get());
        assertThat(collections.get()).isGreaterThan(rounds);
        assertThat(removed.get()).as("blobs collected while transfers ran").isPositive();
    }

    /** Shared layers: 8 of 1-24 KiB. */
    private static List<byte[]> pool(Random rnd, String name) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < POOL; i++) {
            byte[] b = new byte[1024 + rnd.nextInt(23 * 1024)];
            rnd.nextBytes(b);
            out.add(b);
        }
        return out;
    }

    /** A manifest with a layer of each pool, a fresh layer and a unique config, written to {@code into}. */
    private static TestImages.Built image(LocalContentStore into, Random rnd, List<byte[]> pullPool,
                                          List<byte[]> pushPool, int round, String name) {
        List<Descriptor> layers = new ArrayList<>();
        layers.add(TestImages.put(into, MediaTypes.OCI_LAYER_GZIP, pullPool.get(rnd.nextInt(POOL))));
        layers.add(TestImages.put(into, MediaTypes.OCI_LAYER_GZIP, pushPool.get(rnd.nextInt(POOL))));
        byte[] fresh = new byte[512 + rnd.nextInt(8192)];
        rnd.nextBytes(fresh);
        layers.add(TestImages.put(into, MediaTypes.OCI_LAYER_GZIP, fresh));
        if (layers.get(0).digest().equals(layers.get(1).digest())) {
            layers.remove(1);
        }
        String config = "{\"architecture\":\"" + Platform.current().architecture() + "\",\"os\":\""
                + Platform.current().os() + "\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"config\":{\"Env\":"
                + "[\"N=" + name + "-" + round + "-" + rnd.nextLong() + "\"]}}";
        Descriptor c = TestImages.put(into, MediaTypes.OCI_CONFIG, config.getBytes(StandardCharsets.UTF_8));
        StringBuilder m = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"config\":" + TestImages.descriptorJson(c) + ",\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            m.append(i == 0 ? "" : ",").append(TestImages.descriptorJson(layers.get(i)));
        }
        m.append("]}");
        Descriptor root = TestImages.put(into, MediaTypes.OCI_MANIFEST, m.toString().getBytes(StandardCharsets.UTF_8));
        return new TestImages.Built(root, List.of(root), Map.of(Platform.current().toString(), layers), List.of(c));
    }

    private static String host(StowageServer s) {
        return "127.0.0.1:" + s.address().getPort();
    }

    /** Every image of the store: its manifest, config and layers are there with the right bytes. */
    private void assertEveryImageIntact() {
        for (Image i : images.list().collectList().block(T)) {
            byte[] manifest = read(store, i.target().digest());
            List<Digest> children = childrenOf(manifest);
            assertThat(children).as("children of " + i.name()).hasSizeGreaterThanOrEqualTo(3);
            for (Digest d : children) {
                read(store, d);
            }
        }
    }

    /** Every tag pushed so far pulls out of the store's registry complete (into a separate store). */
    private void assertPushedTagsPullable(List<Reference> pushed, int round) {
        try (Puller p = Puller.create(check, null, options())) {
            for (Reference ref : pushed) {
                Image got = p.pull(ref).block(T);
                byte[] manifest = read(check, got.target().digest());
                for (Digest d : childrenOf(manifest)) {
                    read(check, d);
                }
            }
        }
        log.debug("round {}: {} pushed tags verified", round, pushed.size());
    }

    private static List<Digest> childrenOf(byte[] manifest) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(manifest);
            List<Digest> out = new ArrayList<>();
            out.add(Digest.parse(n.path("config").path("digest").asText()));
            n.path("layers").forEach(l -> out.add(Digest.parse(l.path("digest").asText())));
            return out;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] read(LocalContentStore s, Digest d) {
        byte[] bytes = s.read(d).collect(ByteArrayOutputStream::new, (out, b) -> {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.write(a, 0, a.length);
        }).map(ByteArrayOutputStream::toByteArray).block(T);
        assertThat(Digest.sha256(bytes)).as("content of " + d).isEqualTo(d);
        return bytes;
    }
}
