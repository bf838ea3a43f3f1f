package io.stowage.content;

import reactor.core.publisher.Mono;

/**
 * Implemented by stores that can tell when a ref's lock is released, so that {@link Ingests#openWriter} waits
 * exactly as long as needed instead of polling. Thread-safe.
 */
public interface RefLockEvents {
    /**
     * Completes as soon as {@code ref} is not locked (at once if it is not locked now). Being woken does not
     * reserve the lock: the caller must still try to take it.
     */
    Mono<Void> whenUnlocked(String ref);
}
