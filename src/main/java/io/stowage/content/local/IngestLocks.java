package io.stowage.content.local;

import io.stowage.content.ContentException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The per-ref write locks of one store (in-process, as containerd's local store). Taking a lock never waits:
 * a held ref fails at once with UNAVAILABLE saying since when; {@link #whenUnlocked} lets a caller wait for the
 * release without polling. Thread-safe.
 */
final class IngestLocks {
    private record Held(Instant since, Sinks.Empty<Void> released) {
    }

    private final ConcurrentMap<String, Held> held = new ConcurrentHashMap<>();

    /** Takes the lock of {@code ref} or throws UNAVAILABLE. */
    void lock(String ref) {
        Held mine = new Held(Instant.now(), Sinks.empty());
        Held other = held.putIfAbsent(ref, mine);
        if (other != null) {
            Duration d = Duration.between(other.since(), Instant.now());
            throw ContentException.unavailable("ref " + ref + " locked for " + format(d) + " (since "
                    + other.since() + ")");
        }
    }

    /** Releases the lock of {@code ref} and wakes whoever waits for it. No-op when not held. */
    void unlock(String ref) {
        Held h = held.remove(ref);
        if (h != null) {
            h.released().tryEmitEmpty();
        }
    }

    boolean isLocked(String ref) {
        return held.containsKey(ref);
    }

    /** Completes when {@code ref} is not locked (at once when it is free now). */
    Mono<Void> whenUnlocked(String ref) {
        return Mono.defer(() -> {
            Held h = held.get(ref);
            return h == null ? Mono.empty() : h.released().asMono();
        });
    }

    private static String format(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        return d.toSeconds() + "s";
    }
}
