package io.stowage.gc;

import io.stowage.content.Digest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one collection did (or, when {@code dryRun}, would have done): the blobs removed and the bytes they held,
 * the ingests aborted as expired, how many blobs were marked reachable, and how long it took. Immutable.
 */
public record GcReport(boolean dryRun, List<Digest> removed, long bytesFreed, List<String> ingestsAborted,
                       int marked, Duration duration) {
    public GcReport {
        removed = List.copyOf(removed);
        ingestsAborted = List.copyOf(ingestsAborted);
        Objects.requireNonNull(duration, "duration");
    }

    /** The number of blobs removed. */
    public int blobsRemoved() {
        return removed.size();
    }
}
