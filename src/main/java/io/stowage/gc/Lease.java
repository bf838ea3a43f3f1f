package io.stowage.gc;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A lease: while it lives (until {@code expiresAt}, or until deleted when {@code expiresAt} is null) the content
 * and ingests added to it as {@link LeaseResource resources} are roots of garbage collection. Immutable; labels are
 * copied (never null).
 */
public record Lease(String id, Map<String, String> labels, Instant createdAt, Instant expiresAt) {
    public Lease {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(createdAt, "createdAt");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** True while the lease protects its resources at {@code now}. */
    public boolean liveAt(Instant now) {
        return expiresAt == null || expiresAt.isAfter(now);
    }
}
