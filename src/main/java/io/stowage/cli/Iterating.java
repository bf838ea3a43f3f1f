package io.stowage.cli;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Hands a stream to a command's thread for a plain loop. The hand-over happens on a worker thread, never on the
 * transport's event loop: {@link Flux#toIterable} signals its consumer under a lock, and an event loop must not wait
 * for a lock that the command thread may hold.
 */
final class Iterating {
    private Iterating() {
    }

    static <T> Iterable<T> over(Flux<T> items, int prefetch) {
        return items.publishOn(Schedulers.boundedElastic(), prefetch).toIterable(prefetch);
    }
}
