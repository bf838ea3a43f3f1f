package io.stowage.gc;

import static io.stowage.gc.GcFixture.LAYER;
import static io.stowage.gc.GcFixture.T;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class ScheduledCollectorTest {
    @TempDir
    Path root;

    @Test
    void runsOnItsIntervalUntilClosed() {
        AtomicInteger runs = new AtomicInteger();
        Sinks.One<Boolean> third = Sinks.one();
        GarbageCollector counting = dryRun -> Mono.fromCallable(() -> {
            if (runs.incrementAndGet() == 3) {
                third.tryEmitValue(true);
            }
            return new GcReport(dryRun, java.util.List.of(), 0, java.util.List.of(), 0, Duration.ZERO);
        });
        try (ScheduledCollector scheduled = ScheduledCollector.start(counting, Duration.ofMillis(10))) {
            assertThat(third.asMono().block(T)).isTrue();
        }
    }

    @Test
    void noIntervalMeansOnDemandOnly() {
        try (GcFixture f = new GcFixture(root, GcOptions.defaults());
             ScheduledCollector scheduled = ScheduledCollector.start(f.gc, null)) {
            var d = f.put(LAYER, "garbage".getBytes(StandardCharsets.UTF_8), Map.of()).block(T);
            assertThat(f.exists(d.digest())).isTrue();
            assertThat(scheduled.collect(false).block(T).removed()).containsExactly(d.digest());
        }
    }
}
