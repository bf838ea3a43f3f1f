package io.stowage.gc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import io.stowage.content.ErrorCode;
import io.stowage.content.Info;
import io.stowage.content.Status;
import io.stowage.content.local.LocalContentStore;
import io.stowage.metadata.MetadataDb;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/** The {@link GarbageCollector} over a {@link LocalContentStore}; the argument for its safety is there. */
final class MarkSweep implements GarbageCollector {
    private static final Logger log = LoggerFactory.getLogger(MarkSweep.class);
    /** Blobs larger than this are not read as JSON when looking for references. */
    static final long MAX_MANIFEST_BYTES = 4L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] DESCRIPTOR_LISTS = {"layers", "manifests", "blobs"};
    private static final String[] DESCRIPTORS = {"config", "subject"};

    private final LocalContentStore store;
    private final MetadataDb db;
    private final GcOptions options;
    private final AtomicBoolean running = new AtomicBoolean();

    private MarkSweep(LocalContentStore store, MetadataDb db, GcOptions options) {
        this.store = store;
        this.db = db;
        this.options = options;
    }

    static MarkSweep create(LocalContentStore store, MetadataDb db, GcOptions options) {
        db.migrate(SqliteLeases.SCHEMA);
        return new MarkSweep(store, db, options);
    }

    @Override
    public Mono<GcReport> collect(boolean dryRun) {
        return run(dryRun ? "gc (dry run)" : "gc", (roots, blobs, marked, start) -> sweep(blobs, marked, start, dryRun)
                .zipWith(expireIngests(roots, start, dryRun), (swept, aborted) -> new GcReport(dryRun,
                        swept.removed, swept.bytes.get(), aborted, marked.size(),
                        Duration.between(start, options.clock().instant()))));
    }

    @Override
    public Mono<GcReport> evict(long bytes) {
        return store.flushReadTimes()
                .then(run("gc (quota)", (roots, blobs, marked, start) -> db.call(MarkSweep::readTimes)
                        .flatMap(reads -> evictLeastRecentlyRead(blobs, marked, reads, start, bytes))
                        .map(swept -> new GcReport(false, swept.removed, swept.bytes.get(), List.of(),
                                marked.size(), Duration.between(start, options.clock().instant())))))
                // a collection on schedule or on demand is running: wait for it, then evict
                .retryWhen(Retry.fixedDelay(400, Duration.ofMillis(25))
                        .filter(e -> ContentException.is(e, ErrorCode.UNAVAILABLE)));
    }

    /** What a collection does once the roots are read, the blobs listed and the reachable ones marked. */
    private interface Phase {
        Mono<GcReport> apply(References.Roots roots, Map<Digest, Info> blobs, Set<Digest> marked, Instant start);
    }

    private Mono<GcReport> run(String what, Phase phase) {
        return Mono.defer(() -> {
            if (!running.compareAndSet(false, true)) {
                return Mono.error(ContentException.unavailable("gc: a collection is already running"));
            }
            Instant start = options.clock().instant();
            return db.call(c -> References.roots(c, start.toEpochMilli()))
                    .flatMap(roots -> store.walk(List.of()).collectMap(Info::digest)
                            .flatMap(blobs -> mark(roots, blobs, start)
                                    .flatMap(marked -> phase.apply(roots, blobs, marked, start))))
                    .doOnNext(r -> log.info("{}: {} blobs removed, {} bytes freed, {} ingests aborted, {} marked,"
                                    + " {} ms", what, r.blobsRemoved(), r.bytesFreed(),
                            r.ingestsAborted().size(), r.marked(), r.duration().toMillis()))
                    // released before the report is delivered, so that the caller can start the next one at once
                    .doOnSuccess(r -> running.set(false))
                    .doOnError(e -> running.set(false))
                    .doOnCancel(() -> running.set(false));
        });
    }

    // ---- mark

    private Mono<Set<Digest>> mark(References.Roots roots, Map<Digest, Info> blobs, Instant start) {
        Set<Digest> marked = ConcurrentHashMap.newKeySet();
        List<Digest> seeds = new ArrayList<>();
        for (String s : roots.digests()) {
            try {
                seeds.add(Digest.parse(s));
            } catch (ContentException bad) {
                log.debug("gc: root {} is not a digest", s);
            }
        }
        for (Info i : blobs.values()) {
            if (i.createdAt() != null && !i.createdAt().isBefore(start)) {
                seeds.add(i.digest());
            }
        }
        return Flux.fromIterable(seeds)
                .filter(marked::add)
                .expand(d -> children(blobs.get(d)).filter(marked::add))
                .then(Mono.fromSupplier(() -> marked));
    }

    private Flux<Digest> children(Info info) {
        if (info == null) {
            return Flux.empty();
        }
        List<Digest> labelled = References.labelChildren(info.labels());
        if (!labelled.isEmpty() || info.size() > MAX_MANIFEST_BYTES || info.size() < 2) {
            return Flux.fromIterable(labelled);
        }
        return store.read(info.digest(), 0, -1)
                .collect(ByteArrayOutputStream::new, MarkSweep::append)
                .flatMapIterable(bytes -> jsonChildren(bytes.toByteArray()))
                .onErrorResume(e -> ContentException.is(e, ErrorCode.NOT_FOUND), e -> Flux.empty());
    }

    private static void append(ByteArrayOutputStream out, ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        out.write(a, 0, a.length);
    }

    /** The descriptors a manifest, index or artifact manifest names; empty for anything else. */
    static List<Digest> jsonChildren(byte[] bytes) {
        int i = 0;
        while (i < bytes.length && Character.isWhitespace(bytes[i])) {
            i++;
        }
        if (i == bytes.length || bytes[i] != '{') {
            return List.of();
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            return List.of();
        }
        List<Digest> out = new ArrayList<>();
        for (String f : DESCRIPTORS) {
            addDigest(root.get(f), out);
        }
        for (String f : DESCRIPTOR_LISTS) {
            JsonNode list = root.get(f);
            if (list != null && list.isArray()) {
                list.forEach(n -> addDigest(n, out));
            }
        }
        return out;
    }

    private static void addDigest(JsonNode descriptor, List<Digest> out) {
        if (descriptor != null && descriptor.isObject() && descriptor.path("digest").isTextual()) {
            try {
                out.add(Digest.parse(descriptor.get("digest").asText()));
            } catch (ContentException bad) {
                // not a digest: no edge
            }
        }
    }

    // ---- sweep

    private static final class Swept {
        final List<Digest> removed = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong bytes = new AtomicLong();
    }

    private Mono<Swept> sweep(Map<Digest, Info> blobs, Set<Digest> marked, Instant start, boolean dryRun) {
        Swept swept = new Swept();
        Set<String> gone = ConcurrentHashMap.newKeySet();
        Instant orphanBefore = start.minus(options.orphanGrace());
        return Flux.fromIterable(parentsFirst(blobs, marked))
                .concatMap(d -> db.transaction(c -> {
                    try {
                        return References.removeIfUnreferenced(c, d, store.blobFile(d), start, orphanBefore, gone,
                                dryRun);
                    } catch (IOException e) {
                        throw ContentException.internal("gc: delete " + d + ": " + e.getMessage(), e);
                    }
                }).doOnNext(n -> {
                    if (n >= 0) {
                        swept.removed.add(d);
                        swept.bytes.addAndGet(n);
                        if (!dryRun) {
                            store.space().removed(n);
                        }
                    }
                }))
                .then(Mono.just(swept));
    }

    // ---- quota eviction

    /**
     * Removes unmarked blobs, the one used longest ago first (its last read, or its commit when it was never read),
     * until {@code bytes} are freed. A blob still named by the labels of an unmarked parent that has not gone yet
     * is refused by the re-check; it is tried again in a second pass, after its parents.
     */
    private Mono<Swept> evictLeastRecentlyRead(Map<Digest, Info> blobs, Set<Digest> marked, Map<String, Long> reads,
                                               Instant start, long bytes) {
        List<Digest> order = new ArrayList<>();
        for (Digest d : blobs.keySet()) {
            if (!marked.contains(d)) {
                order.add(d);
            }
        }
        Map<Digest, Long> lastUse = new HashMap<>();
        for (Digest d : order) {
            Instant created = blobs.get(d).createdAt();
            long c = created == null ? 0 : created.toEpochMilli();
            lastUse.put(d, Math.max(c, reads.getOrDefault(d.toString(), 0L)));
        }
        order.sort(java.util.Comparator.<Digest>comparingLong(lastUse::get).thenComparing(d -> d));
        Swept swept = new Swept();
        Set<String> gone = ConcurrentHashMap.newKeySet();
        Instant orphanBefore = start.minus(options.orphanGrace());
        Flux<Digest> pass = Flux.defer(() -> Flux.fromIterable(order))
                .filter(d -> !gone.contains(d.toString()))
                .takeWhile(d -> swept.bytes.get() < bytes);
        return pass.concatWith(pass)
                .concatMap(d -> db.transaction(c -> {
                    try {
                        return References.removeIfUnreferenced(c, d, store.blobFile(d), start, orphanBefore, gone,
                                false);
                    } catch (IOException e) {
                        throw ContentException.internal("gc: evict " + d + ": " + e.getMessage(), e);
                    }
                }).doOnNext(n -> {
                    if (n >= 0) {
                        swept.removed.add(d);
                        swept.bytes.addAndGet(n);
                        store.space().removed(n);
                    }
                }), 0)
                .then(Mono.just(swept));
    }

    private static Map<String, Long> readTimes(java.sql.Connection c) throws java.sql.SQLException {
        Map<String, Long> out = new HashMap<>();
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT digest, read_at FROM content_reads");
             java.sql.ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** The unmarked blobs ordered so that a blob comes after every unmarked blob whose labels name it. */
    static List<Digest> parentsFirst(Map<Digest, Info> blobs, Set<Digest> marked) {
        Map<Digest, List<Digest>> edges = new HashMap<>();
        Map<Digest, Integer> indegree = new HashMap<>();
        for (Digest d : blobs.keySet()) {
            if (!marked.contains(d)) {
                indegree.putIfAbsent(d, 0);
            }
        }
        for (Digest d : indegree.keySet()) {
            List<Digest> kids = new ArrayList<>();
            for (Digest k : new HashSet<>(References.labelChildren(blobs.get(d).labels()))) {
                if (indegree.containsKey(k) && !k.equals(d)) {
                    kids.add(k);
                    indegree.merge(k, 1, Integer::sum);
                }
            }
            edges.put(d, kids);
        }
        Deque<Digest> ready = new ArrayDeque<>();
        indegree.forEach((d, n) -> {
            if (n == 0) {
                ready.add(d);
            }
        });
        List<Digest> out = new ArrayList<>();
        Set<Digest> done = new HashSet<>();
        while (!ready.isEmpty() || done.size() < indegree.size()) {
            if (ready.isEmpty()) {
                // a cycle of labels: break it anywhere
                indegree.keySet().stream().filter(d -> !done.contains(d)).findFirst().ifPresent(ready::add);
            }
            Digest d = ready.poll();
            if (!done.add(d)) {
                continue;
            }
            out.add(d);
            for (Digest k : edges.get(d)) {
                if (indegree.merge(k, -1, Integer::sum) == 0) {
                    ready.add(k);
                }
            }
        }
        return out;
    }

    // ---- ingests

    private Mono<List<String>> expireIngests(References.Roots roots, Instant start, boolean dryRun) {
        return store.listStatuses(List.of())
                .filter(st -> st.updatedAt() != null && st.updatedAt()
                        .isBefore(start.minus(st.expiry() != null ? st.expiry() : options.ingestExpiry())))
                .map(Status::ref)
                .filter(ref -> !roots.leasedIngests().contains(ref))
                .concatMap(ref -> dryRun ? Mono.just(ref) : store.abort(ref).thenReturn(ref)
                        .onErrorResume(e -> {
                            log.debug("gc: abort {} failed: {}", ref, e.toString());
                            return Mono.empty();
                        }))
                .collectList();
    }
}
