package io.stowage.server;

import io.stowage.content.ContentException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The open write sessions of one {@link ContentRoutes}, by ref (at most one per ref: a session holds the ref's
 * lock), so that an abort of the ref can end its session with an error before the ingest is removed.
 */
final class WriteSessions {
    private final ConcurrentMap<String, WriteSession> open = new ConcurrentHashMap<>();

    void add(WriteSession s) {
        open.put(s.ref(), s);
    }

    void remove(WriteSession s) {
        open.remove(s.ref(), s);
    }

    /** Ends every open session with {@code why} and close status 1001; completes once all have let go. */
    Mono<Void> endAll(ContentException why) {
        return Flux.fromIterable(List.copyOf(open.values()))
                .flatMap(s -> s.end(why, WriteSession.CLOSE_GOING_AWAY))
                .then();
    }

    /** Ends the session on {@code ref}, if any, with {@code why}; completes once it has let go of its writer. */
    Mono<Void> end(String ref, ContentException why) {
        return Mono.defer(() -> {
            WriteSession s = open.get(ref);
            return s == null ? Mono.empty() : s.end(why);
        });
    }
}
