package io.stowage.content;

import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Queries and aborts ingests in progress. Implementations are thread-safe. */
public interface IngestManager {
    /** The Status of an ingest, open or resumable. Errors: NOT_FOUND. */
    Mono<Status> status(String ref);

    /**
     * Ingests matching any of the filters (none = all), with fields {@code ref}, {@code offset}, {@code total},
     * {@code expected}, {@code startedAt}, {@code updatedAt}. Errors: INVALID_ARGUMENT for an unparseable filter.
     */
    Flux<Status> listStatuses(List<String> filters);

    default Flux<Status> listStatuses(String... filters) {
        return listStatuses(List.of(filters));
    }

    /**
     * Removes an ingest and its data. An open writer on the ref is ended: its pending and later operations fail.
     * Errors: NOT_FOUND when no such ingest exists.
     */
    Mono<Void> abort(String ref);
}
