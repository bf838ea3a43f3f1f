package io.stowage.content;

import java.time.Duration;
import reactor.core.publisher.Mono;

/** Opens writers. Implementations are thread-safe. */
public interface Ingester {
    /**
     * Opens the writer of {@code ref}, taking its lock, resuming any data already on disk for it.
     *
     * @param total the expected size, 0 when unknown. A different non-zero total than the one stored for a
     *              resumed ingest restarts it from zero.
     * @param expected the expected digest, or null. When given the writer hashes with its algorithm (sha256
     *              otherwise).
     * @return the writer; errors: UNAVAILABLE when the ref is locked (the message says since when),
     *              ALREADY_EXISTS when {@code expected} is already committed (the ingest is then aborted),
     *              INVALID_ARGUMENT for a bad ref ({@link Refs#validate}) or negative total.
     */
    Mono<Writer> writer(String ref, long total, Digest expected);

    /**
     * As {@link #writer(String, long, Digest)}, but a locked ref is waited for, up to {@code waitUpTo}, instead of
     * failing at once: the caller is woken when the holder releases the lock (stores implementing
     * {@link RefLockEvents} wake it exactly then; a remote store has its server wait) and then tries to take it;
     * several waiters race for it and the losers wait again. A zero or negative {@code waitUpTo} is the plain
     * {@link #writer(String, long, Digest)}. Cancelling the returned Mono stops the wait without taking the lock.
     *
     * <p>The default implementation is {@link Ingests#openWriter(Ingester, String, long, Digest, Duration)}.
     *
     * @return the writer; errors: UNAVAILABLE when the ref is still locked once {@code waitUpTo} has passed
     *         (the message says for how long it waited and since when the ref is locked), and the errors of
     *         {@link #writer(String, long, Digest)}.
     */
    default Mono<Writer> writer(String ref, long total, Digest expected, Duration waitUpTo) {
        return Ingests.openWriter(this, ref, total, expected, waitUpTo);
    }
}
