package io.stowage.content.local;

import io.stowage.content.Digest;
import io.stowage.metadata.MetadataDb;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * When each blob was last read, for eviction least recently read first. A read only puts the time into an
 * in-memory map (no I/O, no lock); the map is flushed to the metadata database in one batch on its thread every
 * {@link #FLUSH_EVERY}, before an eviction, and when the store closes:
 * <pre>
 *   content_reads (digest TEXT PRIMARY KEY, read_at INTEGER ms)   -- only blobs read at least once
 * </pre>
 * A crash loses at most the reads of the last interval. Thread-safe.
 */
final class ReadTimes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReadTimes.class);
    static final Duration FLUSH_EVERY = Duration.ofSeconds(30);
    static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS content_reads (digest TEXT PRIMARY KEY, read_at INTEGER NOT NULL) WITHOUT ROWID",
    };

    private final MetadataDb db;
    private final ConcurrentMap<Digest, Long> pending = new ConcurrentHashMap<>();
    private final Disposable schedule;

    ReadTimes(MetadataDb db) {
        this.db = db;
        db.migrate(SCHEMA);
        this.schedule = Flux.interval(FLUSH_EVERY, FLUSH_EVERY)
                .onBackpressureDrop()
                .concatMap(t -> flush().onErrorResume(e -> {
                    log.warn("flushing read times failed: {}", e.toString());
                    return Mono.empty();
                }), 1)
                .subscribe();
    }

    /** Notes a read of {@code digest} now. Never blocks. */
    void record(Digest digest) {
        pending.put(digest, System.currentTimeMillis());
    }

    /** Writes the pending read times in one transaction on the database thread. */
    Mono<Void> flush() {
        return Mono.defer(() -> {
            List<Map.Entry<Digest, Long>> batch = new ArrayList<>();
            for (Map.Entry<Digest, Long> e : pending.entrySet()) {
                if (pending.remove(e.getKey(), e.getValue())) {
                    batch.add(e);
                }
            }
            if (batch.isEmpty()) {
                return Mono.empty();
            }
            return db.transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO content_reads (digest, read_at)"
                        + " VALUES (?, ?) ON CONFLICT (digest) DO UPDATE SET read_at = max(read_at, excluded.read_at)")) {
                    for (Map.Entry<Digest, Long> e : batch) {
                        ps.setString(1, e.getKey().toString());
                        ps.setLong(2, e.getValue());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return Boolean.TRUE;
            }).then();
        });
    }

    @Override
    public void close() {
        schedule.dispose();
    }
}
