package io.stowage.gc;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a collector: {@code ingestExpiry}, the age of an ingest's last update after which the collector
 * aborts it (default 24 h); {@code orphanGrace}, how old a blob file without a {@code content} row (the
 * moment between a commit's rename and its insert, or the leftover of a crash) must be before it may be swept
 * (default 10 min); the clock.
 */
public record GcOptions(Duration ingestExpiry, Duration orphanGrace, Clock clock) {
    public GcOptions {
        Objects.requireNonNull(ingestExpiry, "ingestExpiry");
        Objects.requireNonNull(orphanGrace, "orphanGrace");
        Objects.requireNonNull(clock, "clock");
    }

    /** 24 h ingest expiry, 10 min orphan grace, the UTC system clock. */
    public static GcOptions defaults() {
        return new GcOptions(Duration.ofHours(24), Duration.ofMinutes(10), Clock.systemUTC());
    }

    public GcOptions withIngestExpiry(Duration expiry) {
        return new GcOptions(expiry, orphanGrace, clock);
    }
}
