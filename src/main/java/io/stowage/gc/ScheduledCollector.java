package io.stowage.gc;

import io.stowage.content.ContentException;
import io.stowage.content.ErrorCode;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A collector that also runs itself every {@code interval} (none when the interval is null or not positive),
 * one collection after the other, logging failures. {@link #close()} stops the schedule; idempotent. Collections
 * on demand go to the same collector, so they never overlap a scheduled one (the later fails with UNAVAILABLE).
 */
public final class ScheduledCollector implements GarbageCollector, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScheduledCollector.class);

    private final GarbageCollector collector;
    private final Disposable schedule;

    private ScheduledCollector(GarbageCollector collector, Disposable schedule) {
        this.collector = collector;
        this.schedule = schedule;
    }

    /** Starts the schedule of {@code collector}. */
    public static ScheduledCollector start(GarbageCollector collector, Duration interval) {
        if (interval == null || interval.isZero() || interval.isNegative()) {
            return new ScheduledCollector(collector, () -> { });
        }
        Disposable d = Flux.interval(interval, interval)
                .onBackpressureDrop()
                .concatMap(tick -> collector.collect(false)
                        .onErrorResume(e -> {
                            if (!ContentException.is(e, ErrorCode.UNAVAILABLE)) {
                                log.warn("scheduled gc failed: {}", e.toString());
                            }
                            return Mono.empty();
                        }), 1)
                .subscribe();
        return new ScheduledCollector(collector, d);
    }

    @Override
    public Mono<GcReport> collect(boolean dryRun) {
        return collector.collect(dryRun);
    }

    @Override
    public Mono<GcReport> evict(long bytes) {
        return collector.evict(bytes);
    }

    @Override
    public void close() {
        schedule.dispose();
    }
}
