package io.stowage.content;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Committed content as the store knows it: digest, size, when it was committed and last updated, and its labels.
 * Immutable; labels are copied (never null).
 */
public record Info(Digest digest, long size, Instant createdAt, Instant updatedAt, Map<String, String> labels) {
    public Info {
        Objects.requireNonNull(digest, "digest");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** An Info carrying only a digest and labels, as the argument of {@link ContentManager#update}. */
    public static Info ofLabels(Digest digest, Map<String, String> labels) {
        return new Info(digest, 0, null, null, labels);
    }

    public Info withLabels(Map<String, String> newLabels, Instant newUpdatedAt) {
        return new Info(digest, size, createdAt, newUpdatedAt, newLabels);
    }
}
