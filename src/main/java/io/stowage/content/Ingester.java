package io.stowage.content;

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
}
