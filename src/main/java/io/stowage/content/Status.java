package io.stowage.content;

import java.time.Instant;
import java.util.Objects;

/**
 * The state of an ingest: its ref, how many bytes it holds ({@code offset}), the predeclared {@code total}
 * (0 when not declared) and {@code expected} digest (null when not declared), and when it started and was last
 * written. Immutable.
 */
public record Status(String ref, long offset, long total, Digest expected, Instant startedAt, Instant updatedAt) {
    public Status {
        Objects.requireNonNull(ref, "ref");
    }
}
