package io.stowage.transfer;

import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.content.IngestManager;
import io.stowage.content.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The live state of a transfer, one entry per blob, fed from two sides: the transfer's own {@link BlobEvent}s
 * (this is a {@link TransferListener}: states, resume offsets, upload bytes) and the store's ingest statuses
 * ({@code pull-<digest>} refs: bytes written so far), so that {@code stowage content active --watch} against the
 * same server sees the same numbers. Speeds are smoothed (exponential moving average over the samples).
 * Thread-safe.
 */
public final class TransferProgress implements TransferListener {
    /** The filter selecting a pull's ingests among the store's. */
    public static final String PULL_INGESTS = "ref~=\"^pull-\"";
    private static final double SMOOTHING = 0.3;

    /** One blob as shown: short digest, state, bytes done of total, speed (bytes/s), last note. */
    public record Blob(Descriptor descriptor, String shortDigest, BlobState state, long done, long total,
                       double bytesPerSecond, String message) {
    }

    /** Every blob in first-seen order, and the totals. */
    public record Snapshot(Instant at, List<Blob> blobs, long done, long total, double bytesPerSecond,
                           Duration elapsed) {
        /** True when every blob is in a final state. */
        public boolean finished() {
            return !blobs.isEmpty() && blobs.stream().allMatch(b -> b.state().isFinal());
        }
    }

    private static final class Entry {
        final Descriptor descriptor;
        BlobState state = BlobState.WAITING;
        long done;
        String message;
        long lastBytes;
        Instant lastAt;
        double speed;

        Entry(Descriptor d) {
            this.descriptor = d;
        }
    }

    private final Map<Digest, Entry> entries = new LinkedHashMap<>();
    private final Supplier<Instant> clock;
    private final Instant started;

    private TransferProgress(Supplier<Instant> clock) {
        this.clock = clock;
        this.started = clock.get();
    }

    public static TransferProgress create() {
        return new TransferProgress(Instant::now);
    }

    /** With a given clock, for tests. */
    public static TransferProgress create(Supplier<Instant> clock) {
        return new TransferProgress(clock);
    }

    @Override
    public synchronized void onEvent(BlobEvent e) {
        Entry en = entries.computeIfAbsent(e.descriptor().digest(), d -> new Entry(e.descriptor()));
        if (en.state.isFinal() && !e.state().isFinal()) {
            return;
        }
        en.state = e.state();
        if (e.state() == BlobState.DONE || e.state() == BlobState.EXISTS) {
            en.done = e.descriptor().size();
        } else if (e.offset() >= 0) {
            en.done = e.offset();
        }
        if (e.message() != null || e.state().isFinal()) {
            en.message = e.message();
        }
    }

    /** Takes the bytes of the blobs being downloaded from their ingests' statuses. */
    public synchronized void observe(List<Status> statuses) {
        for (Status s : statuses) {
            if (!s.ref().startsWith("pull-")) {
                continue;
            }
            Digest d;
            try {
                d = Digest.parse(s.ref().substring("pull-".length()));
            } catch (RuntimeException e) {
                continue;
            }
            Entry en = entries.get(d);
            if (en != null && !en.state.isFinal()) {
                en.done = s.offset();
            }
        }
    }

    /** The state now; moves the speed estimates. */
    public synchronized Snapshot snapshot() {
        Instant now = clock.get();
        List<Blob> blobs = new ArrayList<>();
        long done = 0;
        long total = 0;
        double speed = 0;
        for (Entry en : entries.values()) {
            if (en.lastAt != null) {
                double dt = Duration.between(en.lastAt, now).toNanos() / 1e9;
                if (dt > 0) {
                    double rate = Math.max(0, en.done - en.lastBytes) / dt;
                    en.speed = en.state.isFinal() ? 0 : SMOOTHING * rate + (1 - SMOOTHING) * en.speed;
                }
            }
            en.lastAt = now;
            en.lastBytes = en.done;
            long size = en.descriptor.size();
            blobs.add(new Blob(en.descriptor, en.descriptor.digest().shortHex(), en.state, en.done, size, en.speed,
                    en.message));
            done += en.done;
            total += size;
            speed += en.speed;
        }
        return new Snapshot(now, List.copyOf(blobs), done, total, speed, Duration.between(started, now));
    }

    /** Reads the store's pull ingests, then takes a snapshot. */
    public Mono<Snapshot> poll(IngestManager store) {
        return store.listStatuses(PULL_INGESTS).collectList().map(st -> {
            observe(st);
            return snapshot();
        });
    }

    /**
     * A snapshot every {@code interval} (polling {@code store}'s ingests when not null), until cancelled. Emitted
     * on Reactor's parallel scheduler: subscribers must not block.
     */
    public Flux<Snapshot> watch(IngestManager store, Duration interval) {
        return Flux.interval(Duration.ZERO, interval)
                .onBackpressureDrop()
                .concatMap(t -> store == null ? Mono.fromSupplier(this::snapshot) : poll(store), 1);
    }
}
