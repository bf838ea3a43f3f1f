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
     * @return the writer; errors: UNAVAILABLE when the ref is still locked once {@code waitUpTo} has passed
     *         (the message says for how long it waited and since when the ref is locked), and the errors of
     *         {@link #writer(String, long, Digest)}.
     */
    default Mono<Writer> writer(String ref, long total, Digest expected, Duration waitUpTo) {
        return writer(ref, total, expected, waitUpTo, null);
    }

    /**
     * As {@link #writer(String, long, Digest)}, giving the ingest an expiry of its own: once untouched for
     * {@code expiry}, garbage collection aborts it (unless a live lease holds it), instead of after the collector's
     * default (24 h). Null keeps the ingest's stored expiry, or the default. Stored with the ingest, so it holds
     * across resumes and restarts; {@link Status#expiry()} reports it.
     *
     * <p>Errors: as the three-argument form; INVALID_ARGUMENT for an expiry that is not positive, or when the
     * store cannot keep one.
     */
    default Mono<Writer> expiringWriter(String ref, long total, Digest expected, Duration expiry) {
        return writer(ref, total, expected, Duration.ZERO, expiry);
    }

    /**
     * Both of the above: waits up to {@code waitUpTo} for a locked ref, and gives the ingest {@code expiry} (null:
     * none of its own). The default waits with {@link Ingests#openWriter(Ingester, String, long, Digest, Duration)}
     * and refuses an expiry (INVALID_ARGUMENT: the store keeps none).
     */
    default Mono<Writer> writer(String ref, long total, Digest expected, Duration waitUpTo, Duration expiry) {
        if (expiry != null) {
            return Mono.error(ContentException.invalidArgument("ref " + ref + ": this store keeps no per-ingest expiry"));
        }
        return Ingests.openWriter(this, ref, total, expected, waitUpTo);
    }

    /** INVALID_ARGUMENT unless {@code expiry} is null or positive. */
    static void validateExpiry(String ref, Duration expiry) {
        if (expiry != null && (expiry.isZero() || expiry.isNegative())) {
            throw ContentException.invalidArgument("ref " + ref + ": expiry must be positive, got " + expiry);
        }
    }
}
