package io.stowage.content.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySyncsTest {
    @TempDir
    Path dir;

    /** A sync as the test sees it: when (on a shared clock) it started and ended. */
    record Span(long start, long end) {
    }

    @Test
    void everyCallerIsCoveredByASyncThatStartedAfterItAndConcurrentCallersShareSyncs() throws Exception {
        AtomicLong clock = new AtomicLong();
        List<Span> syncs = new CopyOnWriteArrayList<>();
        DirectorySyncs ds = new DirectorySyncs(d -> {
            long start = clock.incrementAndGet();
            DirectorySyncs.syncNow(d);
            sleep(20);
            syncs.add(new Span(start, clock.incrementAndGet()));
        });
        int callers = 32;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Span>> calls = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            calls.add(pool.submit(() -> {
                go.await();
                long entered = clock.incrementAndGet();
                ds.sync(dir);
                return new Span(entered, clock.incrementAndGet());
            }));
        }
        go.countDown();
        for (Future<Span> f : calls) {
            Span call = f.get(30, TimeUnit.SECONDS);
            assertThat(syncs).as("a sync that started after the call and ended before it returned")
                    .anyMatch(s -> s.start() > call.start() && s.end() < call.end());
        }
        pool.shutdown();
        assertThat(syncs.size()).as("syncs for %d concurrent callers", callers).isLessThan(callers / 2);
    }

    @Test
    void aFailedSyncIsReportedToItsCallerAndTheOthersSyncAgain() throws Exception {
        AtomicInteger n = new AtomicInteger();
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        DirectorySyncs ds = new DirectorySyncs(d -> {
            if (n.incrementAndGet() == 1) {
                firstRunning.countDown();
                await(release);
                throw new IOException("disk on fire");
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<?> first = pool.submit(() -> {
            ds.sync(dir);
            return null;
        });
        assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue();
        Future<?> second = pool.submit(() -> {
            ds.sync(dir);
            return null;
        });
        sleep(50);
        release.countDown();
        assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("disk on fire");
        second.get(10, TimeUnit.SECONDS);
        assertThat(n.get()).isEqualTo(2);
        pool.shutdown();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
