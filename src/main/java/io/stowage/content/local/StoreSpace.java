package io.stowage.content.local;

import io.stowage.content.ContentException;
import io.stowage.content.ErrorCode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The disk quota of a {@link LocalContentStore}: how many bytes it holds and may hold at most.
 *
 * <p>{@link #used()} counts committed blobs plus, for each ingest, its <i>claim</i>: the larger of the bytes it
 * holds and its predeclared total while a writer is open (a writer opened with a total reserves all of it at
 * once). A writer asks for room twice: when it opens with a total, and when bytes arrive beyond its claim. When
 * the room is not there, the store asks its {@link Eviction} (the garbage collector, evicting unreferenced content
 * least recently read first) to free the difference, and fails with RESOURCE_EXHAUSTED when that was not enough;
 * the ingest keeps what it had written and stays resumable. Without a limit ({@link #UNLIMITED}) every claim fits.
 *
 * <p>Claims are taken with a compare-and-set on one counter, never a lock, so they are safe on an event loop;
 * concurrent writers short of room share one eviction at a time. Thread-safe.
 */
public final class StoreSpace {
    private static final Logger log = LoggerFactory.getLogger(StoreSpace.class);
    /** No limit. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    /** Frees room in the store by evicting unreferenced content. */
    @FunctionalInterface
    public interface Eviction {
        /**
         * Evicts unreferenced content until at least {@code bytes} are freed or nothing more may go; emits the
         * bytes freed. Must not wait for any ingest to make progress.
         */
        Mono<Long> evict(long bytes);
    }

    private final AtomicLong used = new AtomicLong();
    private final ConcurrentMap<String, Long> claims = new ConcurrentHashMap<>();
    private final AtomicReference<Mono<Long>> running = new AtomicReference<>();
    private volatile long limit = UNLIMITED;
    private volatile Eviction eviction;

    StoreSpace() {
    }

    /** The configured maximum, {@link #UNLIMITED} when none. */
    public long limit() {
        return limit;
    }

    /** The bytes counted against the limit: committed blobs plus ingest claims (only counted once limited). */
    public long used() {
        return used.get();
    }

    /** Installs what frees room when a claim does not fit (null: nothing, the claim fails). */
    public void evictWith(Eviction e) {
        this.eviction = e;
    }

    /** Tells the quota that {@code bytes} of committed content were removed behind the store's back (by GC). */
    public void removed(long bytes) {
        if (bytes > 0) {
            used.addAndGet(-bytes);
        }
    }

    /**
     * Sets the limit, counting what the store holds now (committed blob files and ingest data). Blocking: call it
     * at start-up, before any writer is opened.
     */
    void limit(long maxBytes, BlobPaths paths) {
        if (maxBytes <= 0) {
            throw ContentException.invalidArgument("quota: the maximum size must be positive, got " + maxBytes);
        }
        long blobs = 0;
        claims.clear();
        try {
            if (Files.isDirectory(paths.blobsDir())) {
                try (Stream<Path> s = Files.walk(paths.blobsDir())) {
                    blobs = s.filter(Files::isRegularFile).mapToLong(StoreSpace::sizeOf).sum();
                }
            }
            long ingests = 0;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(paths.ingestRoot())) {
                for (Path dir : ds) {
                    io.stowage.content.Status st = IngestFiles.read(dir);
                    if (st != null) {
                        claims.put(st.ref(), st.offset());
                        ingests += st.offset();
                    }
                }
            }
            used.set(blobs + ingests);
        } catch (IOException e) {
            throw FileErrors.of("quota: counting " + paths.root(), e);
        }
        this.limit = maxBytes;
        log.info("store quota {} bytes, {} in use", maxBytes, used.get());
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Grows the claim of {@code ref} to {@code end} bytes, evicting when needed. Completes at once when the claim
     * already covers it or it fits; RESOURCE_EXHAUSTED otherwise.
     */
    Mono<Void> claim(String ref, long end) {
        return Mono.defer(() -> {
            long delta = end - claims.getOrDefault(ref, 0L);
            if (delta <= 0 || tryTake(ref, delta)) {
                return Mono.empty();
            }
            return makeRoom(ref, end, 2);
        });
    }

    private Mono<Void> makeRoom(String ref, long end, int attemptsLeft) {
        long delta = end - claims.getOrDefault(ref, 0L);
        if (delta <= 0 || tryTake(ref, delta)) {
            return Mono.empty();
        }
        long max = limit;
        long others = used.get() - claims.getOrDefault(ref, 0L);
        Eviction e = eviction;
        if (e == null || attemptsLeft == 0 || end > max) {
            return Mono.error(exhausted(ref, end, max, others));
        }
        long needed = used.get() + delta - max;
        return sharedEviction(e, needed).then(Mono.defer(() -> makeRoom(ref, end, attemptsLeft - 1)));
    }

    /** One eviction at a time; a writer arriving while one runs waits for it, then tries again. */
    private Mono<Long> sharedEviction(Eviction e, long needed) {
        while (true) {
            Mono<Long> current = running.get();
            if (current != null) {
                return current;
            }
            AtomicReference<Mono<Long>> self = new AtomicReference<>();
            Mono<Long> mine = Mono.defer(() -> e.evict(needed))
                    .onErrorResume(err -> {
                        log.warn("quota: eviction failed: {}", err.toString());
                        return Mono.just(0L);
                    })
                    .doFinally(s -> running.compareAndSet(self.get(), null))
                    .cache();
            self.set(mine);
            if (running.compareAndSet(null, mine)) {
                return mine;
            }
        }
    }

    private ContentException exhausted(String ref, long end, long max, long others) {
        if (end > max) {
            return new ContentException(ErrorCode.RESOURCE_EXHAUSTED, "ref " + ref + ": " + end
                    + " bytes are more than the whole store quota of " + max + " bytes");
        }
        return new ContentException(ErrorCode.RESOURCE_EXHAUSTED, "ref " + ref + ": " + end
                + " bytes do not fit in the store quota of " + max + " bytes (" + Math.max(0, others)
                + " in use by other content and ingests" + (eviction == null ? ", no garbage collector to evict"
                + " unreferenced content)" : ", after evicting unreferenced content)"));
    }

    private boolean tryTake(String ref, long delta) {
        long max = limit;
        while (true) {
            long cur = used.get();
            if (max != UNLIMITED && cur + delta > max) {
                return false;
            }
            if (used.compareAndSet(cur, cur + delta)) {
                claims.merge(ref, delta, Long::sum);
                return true;
            }
        }
    }

    /** Shrinks (or grows) the claim of {@code ref} to the bytes its ingest holds, when its writer closes. */
    void settle(String ref, long held) {
        Long before = claims.put(ref, held);
        used.addAndGet(held - (before == null ? 0 : before));
    }

    /** The ingest of {@code ref} is gone (aborted, or removed because its content existed). */
    void dropped(String ref) {
        Long before = claims.remove(ref);
        if (before != null) {
            used.addAndGet(-before);
        }
    }

    /** The ingest of {@code ref} became a blob of {@code size} bytes. */
    void committed(String ref, long size) {
        dropped(ref);
        used.addAndGet(size);
    }
}
