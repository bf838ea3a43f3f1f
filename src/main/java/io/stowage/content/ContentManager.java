package io.stowage.content;

import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Queries and changes committed content. Implementations are thread-safe. */
public interface ContentManager {
    /** The Info of a committed blob. Errors: NOT_FOUND. */
    Mono<Info> info(Digest digest);

    /**
     * Changes the labels of a committed blob and returns the updated Info; moves updatedAt only. Only
     * {@code labels} and {@code labels.KEY} field paths are mutable. With no field paths all labels are replaced
     * by {@code info.labels()}; with {@code labels} too; with {@code labels.KEY} that key is set to its value in
     * {@code info.labels()}, or removed when absent there.
     *
     * <p>Errors: NOT_FOUND; INVALID_ARGUMENT for another field path or a label over the size limit
     * ({@link Labels#MAX_LABEL_BYTES}).
     */
    Mono<Info> update(Info info, String... fieldpaths);

    /**
     * Every committed blob matching any of the filters (none = all), streamed; see {@code io.stowage.filters}
     * for the syntax. Errors: INVALID_ARGUMENT for an unparseable filter (signalled before any element).
     */
    Flux<Info> walk(List<String> filters);

    /** Convenience for {@link #walk(List)}. */
    default Flux<Info> walk(String... filters) {
        return walk(List.of(filters));
    }

    /** Removes a committed blob and its labels. Errors: NOT_FOUND. */
    Mono<Void> delete(Digest digest);
}
