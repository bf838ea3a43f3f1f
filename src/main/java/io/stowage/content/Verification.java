package io.stowage.content;

import java.util.Objects;

/**
 * The outcome of re-hashing one committed blob: its {@code digest}, the {@code size} of its file, the digest its
 * bytes {@code actual}ly hash to, and whether the blob was moved into quarantine (only a corrupt one is). The blob
 * is intact when {@code actual} equals {@code digest}. Immutable.
 */
public record Verification(Digest digest, long size, Digest actual, boolean quarantined) {
    public Verification {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(actual, "actual");
    }

    /** True when the bytes hash to the blob's digest. */
    public boolean ok() {
        return digest.equals(actual);
    }
}
