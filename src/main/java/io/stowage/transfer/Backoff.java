package io.stowage.transfer;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Jittered exponential backoff: the n-th retry waits a random time between half and all of min·2ⁿ⁻¹ (capped). */
final class Backoff {
    private Backoff() {
    }

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    static Duration delay(TransferOptions o, int attempt) {
        long min = Math.max(1, o.minBackoff().toMillis());
        long cap = Math.max(min, o.maxBackoff().toMillis());
        long full = Math.min(cap, min << Math.min(20, Math.max(0, attempt - 1)));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(full / 2, full + 1));
    }
}
