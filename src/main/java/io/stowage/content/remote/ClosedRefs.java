package io.stowage.content.remote;

import io.stowage.content.ContentException;
import io.stowage.content.ErrorCode;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Refs whose write session this client closed itself, until it has opened them again or a short wait has
 * passed. The server releases a ref's lock when it sees the session's close, a moment after the client sent it,
 * and tells nobody; a local writer's {@code close()} releases the lock before it completes. So that a remote
 * {@code close()} followed at once by {@code writer(ref)} behaves as it does locally, opening one of these refs
 * retries UNAVAILABLE for up to {@code wait}; any other ref fails at once, as a locked ref does. Thread-safe.
 */
final class ClosedRefs {
    private static final Duration FIRST_RETRY = Duration.ofMillis(2);
    private static final Duration LONGEST_RETRY = Duration.ofMillis(100);

    private final ConcurrentMap<String, Long> deadlines = new ConcurrentHashMap<>();
    private final long waitNanos;

    ClosedRefs(Duration wait) {
        this.waitNanos = wait.toNanos();
    }

    /** This client has just closed (or dropped) a session of {@code ref}. */
    void closed(String ref) {
        deadlines.put(ref, System.nanoTime() + waitNanos);
    }

    /**
     * {@code open} (a session of {@code ref}), retried while it is UNAVAILABLE and the ref was just closed here;
     * the retries end at the deadline in force when the open began (later closes, e.g. of other writers of the
     * ref waiting their turn, do not extend it).
     */
    <T> Mono<T> open(String ref, Mono<T> open) {
        return Mono.defer(() -> {
            Long deadline = deadlines.get(ref);
            if (deadline == null) {
                return open;
            }
            return open.retryWhen(Retry.backoff(Long.MAX_VALUE, FIRST_RETRY)
                            .maxBackoff(LONGEST_RETRY)
                            .filter(e -> ContentException.is(e, ErrorCode.UNAVAILABLE) && before(ref, deadline))
                            .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
        }).doOnSuccess(x -> deadlines.remove(ref));
    }

    private boolean before(String ref, long deadline) {
        if (System.nanoTime() - deadline < 0) {
            return true;
        }
        deadlines.remove(ref, deadline);
        return false;
    }
}
