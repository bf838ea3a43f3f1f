package io.stowage.content;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Re-hashes committed content, fsck-style, and optionally moves corrupt blobs out of the store (quarantine): a
 * quarantined blob is no longer visible (not listed, reads are {@code not_found}) and may be ingested again.
 * Implemented by stores that can check their content (the local store, and the remote store through the server).
 * Non-blocking; thread-safe. Errors are {@link ContentException}: NOT_FOUND for a blob that is not there.
 */
public interface Verifier {
    /** Re-hashes the blob; with {@code quarantine}, moves it aside when corrupt. */
    Mono<Verification> verify(Digest digest, boolean quarantine);

    /** Re-hashes every committed blob, one result per blob as it is checked. */
    Flux<Verification> verifyAll(boolean quarantine);
}
