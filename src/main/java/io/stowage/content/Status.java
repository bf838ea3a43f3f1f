package io.stowage.content;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The state of an ingest: its ref, how many bytes it holds ({@code offset}), the predeclared {@code total}
 * (0 when not declared) and {@code expected} digest (null when not declared), when it started and was last
 * written, and its own {@code expiry} (null: the collector's default applies): how long it may stay untouched
 * before garbage collection aborts it. Immutable.
 */
public record Status(String ref, long offset, long total, Digest expected, Instant startedAt, Instant updatedAt,
                     Duration expiry) {
    public Status {
        Objects.requireNonNull(ref, "ref");
    }

    /** A status without an expiry of its own. */
    public Status(String ref, long offset, long total, Digest expected, Instant startedAt, Instant updatedAt) {
        this(ref, offset, total, expected, startedAt, updatedAt, null);
    }
}
