package io.stowage.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the registry API. Immutable.
 *
 * @param deleteEnabled whether {@code DELETE /v2/<name>/blobs/<digest>} is allowed (405 {@code UNSUPPORTED}
 *                      otherwise); manifests and tags can always be deleted
 * @param maxManifestBytes the largest manifest accepted on push (413 {@code SIZE_INVALID} above it); the spec
 *                      asks registries to accept at least 4 MiB
 * @param maxTagPage    the most tags one {@code tags/list} answer holds; more are paged with a {@code Link} header
 * @param lockWait      how long a request waits for an upload session that another request is writing before it
 *                      gets 429 {@code TOOMANYREQUESTS}
 */
public record RegistryOptions(boolean deleteEnabled, int maxManifestBytes, int maxTagPage, Duration lockWait) {
    /** 4 MiB, the size every registry is expected to accept. */
    public static final int DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

    public RegistryOptions {
        if (maxManifestBytes < 1) {
            throw new IllegalArgumentException("maxManifestBytes must be positive, got " + maxManifestBytes);
        }
        if (maxTagPage < 1) {
            throw new IllegalArgumentException("maxTagPage must be positive, got " + maxTagPage);
        }
        Objects.requireNonNull(lockWait, "lockWait");
        if (lockWait.isNegative()) {
            throw new IllegalArgumentException("lockWait must not be negative, got " + lockWait);
        }
    }

    /** Blob deletion off, 4 MiB manifests, pages of 1000 tags, 10 s wait for a busy upload session. */
    public static RegistryOptions defaults() {
        return new RegistryOptions(false, DEFAULT_MAX_MANIFEST_BYTES, 1000, Duration.ofSeconds(10));
    }

    /** These options with blob deletion allowed or not. */
    public RegistryOptions withDeleteEnabled(boolean enabled) {
        return new RegistryOptions(enabled, maxManifestBytes, maxTagPage, lockWait);
    }

    /** These options with another manifest size limit. */
    public RegistryOptions withMaxManifestBytes(int bytes) {
        return new RegistryOptions(deleteEnabled, bytes, maxTagPage, lockWait);
    }

    /** These options with another tag page size. */
    public RegistryOptions withMaxTagPage(int tags) {
        return new RegistryOptions(deleteEnabled, maxManifestBytes, tags, lockWait);
    }

    /** These options with another wait for a busy upload session. */
    public RegistryOptions withLockWait(Duration wait) {
        return new RegistryOptions(deleteEnabled, maxManifestBytes, maxTagPage, wait);
    }
}
