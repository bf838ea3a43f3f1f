package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.scheduler.VirtualTimeScheduler;

/** {@link StallGuard} on virtual time: only waiting for an item the consumer asked for counts as a stall. */
class StallGuardTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static final Duration IDLE = Duration.ofSeconds(60);

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

    @Test
    void aSourceThatSendsNothingFailsAfterTheTimeoutAndIsCancelled() {
        PublisherProbe<Integer> source = PublisherProbe.of(Flux.never());
        StepVerifier.create(StallGuard.failing(source.flux(), IDLE, () -> new IllegalStateException("stalled"), time))
                .then(() -> time.advanceTimeBy(IDLE.minusSeconds(1)))
                .expectNoEvent(Duration.ZERO)
                .then(() -> time.advanceTimeBy(Duration.ofSeconds(2)))
                .expectErrorMessage("stalled")
                .verify(T);
        source.assertWasCancelled();
    }

    @Test
    void timeTheConsumerSpendsOnAnItemDoesNotCount() {
        Sinks.Many<Integer> source = Sinks.many().unicast().onBackpressureBuffer();
        Flux<Integer> slowConsumer = StallGuard.failing(source.asFlux(), IDLE, () -> new IllegalStateException("x"),
                        time)
                .concatMap(i -> Mono.delay(Duration.ofMinutes(10), time).thenReturn(i), 0);
        StepVerifier.create(slowConsumer)
                .then(() -> source.tryEmitNext(1))
                .then(() -> source.tryEmitNext(2))
                .then(() -> time.advanceTimeBy(Duration.ofMinutes(10)))
                .expectNext(1)
                .then(() -> time.advanceTimeBy(Duration.ofMinutes(10)))
                .expectNext(2)
                .then(() -> time.advanceTimeBy(IDLE.minusSeconds(1)))
                .then(() -> source.tryEmitComplete())
                .verifyComplete();
    }

    @Test
    void eachItemRestartsTheClock() {
        Sinks.Many<Integer> source = Sinks.many().unicast().onBackpressureBuffer();
        StepVerifier.create(StallGuard.failing(source.asFlux(), IDLE, () -> new IllegalStateException("x"), time))
                .then(() -> time.advanceTimeBy(IDLE.minusSeconds(1)))
                .then(() -> source.tryEmitNext(1))
                .expectNext(1)
                .then(() -> time.advanceTimeBy(IDLE.minusSeconds(1)))
                .then(() -> source.tryEmitNext(2))
                .expectNext(2)
                .then(() -> time.advanceTimeBy(IDLE.plusSeconds(1)))
                .expectErrorMessage("x")
                .verify(T);
    }

    @Test
    void watchingRunsTheCallbackOnceAndLeavesTheStreamAlone() {
        Sinks.Many<Integer> source = Sinks.many().unicast().onBackpressureBuffer();
        AtomicInteger stalls = new AtomicInteger();
        StepVerifier.create(StallGuard.watching(source.asFlux(), IDLE, stalls::incrementAndGet, null, time))
                .then(() -> time.advanceTimeBy(IDLE.multipliedBy(3)))
                .then(() -> assertThat(stalls).hasValue(1))
                .then(() -> source.tryEmitNext(7))
                .expectNext(7)
                .then(() -> source.tryEmitComplete())
                .verifyComplete();
        assertThat(stalls).hasValue(1);
    }

    @Test
    void bytesStillArrivingForTheNextItemAreNotAStall() {
        Sinks.Many<Integer> source = Sinks.many().unicast().onBackpressureBuffer();
        AtomicLong lastRead = new AtomicLong(System.nanoTime());
        AtomicInteger stalls = new AtomicInteger();
        StepVerifier.create(StallGuard.watching(source.asFlux(), Duration.ofMillis(200), stalls::incrementAndGet,
                        () -> System.nanoTime() - lastRead.get()))
                .then(() -> {
                    // a large frame trickling in: bytes every 50 ms for a second, no item yet
                    for (int i = 0; i < 20; i++) {
                        lastRead.set(System.nanoTime());
                        Mono.delay(Duration.ofMillis(50)).block(T);
                    }
                })
                .then(() -> assertThat(stalls).hasValue(0))
                .then(() -> source.tryEmitNext(1))
                .expectNext(1)
                .then(() -> source.tryEmitComplete())
                .verifyComplete();
    }
}
