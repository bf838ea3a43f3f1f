package io.stowage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Guards the guard: BlockHound must be installed in every test run, so a blocking call on a non-blocking thread fails. */
class BlockHoundActiveTest {
    @Test
    void blockingOnAParallelThreadIsDetected() {
        Throwable error = Mono.fromCallable(() -> {
            Thread.sleep(1);
            return "slept";
        }).subscribeOn(Schedulers.parallel())
                .map(Object::toString)
                .onErrorResume(e -> Mono.just(e.getClass().getName() + ": " + e.getMessage()))
                .map(s -> (Throwable) new AssertionError(s))
                .block(Duration.ofSeconds(10));
        assertThat(error).hasMessageContaining("Blocking call");
    }
}
