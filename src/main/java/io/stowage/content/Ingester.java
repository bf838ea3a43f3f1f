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
     * As {@link #writer(String, long, Digest)}, giving the ingest an expiry of its own: once untouched for
     * {@code expiry}, garbage collection aborts it (unless a live lease holds it), instead of after the collector's
     * default (24 h). Null keeps the ingest's stored expiry, or the default. Stored with the ingest, so it holds
     * across resumes and restarts; {@link Status#expiry()} reports it.
     *
     * <p>Errors: as the three-argument form; INVALID_ARGUMENT for an expiry that is not positive, or when the
     * store cannot keep one (the default).
     */
    default Mono<Writer> expiringWriter(String ref, long total, Digest expected, Duration expiry) {
        if (expiry == null) {
            return writer(ref, total, expected);
        }
        return Mono.error(ContentException.invalidArgument("ref " + ref + ": this store keeps no per-ingest expiry"));
    }

    /** INVALID_ARGUMENT unless {@code expiry} is null or positive. */
    static void validateExpiry(String ref, Duration expiry) {
        if (expiry != null && (expiry.isZero() || expiry.isNegative())) {
            throw ContentException.invalidArgument("ref " + ref + ": expiry must be positive, got " + expiry);
        }
    }
}
