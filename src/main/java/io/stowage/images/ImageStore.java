package io.stowage.images;

import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Names images: name → target descriptor, with timestamps and labels (containerd's {@code images.Store}). The
 * store records names only; the content they point to lives in a {@link io.stowage.content.ContentStore}. Every
 * operation is non-blocking and signals errors as {@link io.stowage.content.ContentException}. Thread-safe.
 */
public interface ImageStore extends AutoCloseable {
    /** The image called {@code name}. Errors: NOT_FOUND; INVALID_ARGUMENT for a bad name. */
    Mono<Image> get(String name);

    /**
     * Every image matching any of the filters (none = all), in name order, with containerd's filter syntax over
     * the fields {@code name}, {@code target.digest}, {@code target.mediatype}, {@code createdAt},
     * {@code updatedAt} and {@code labels.KEY}. Errors: INVALID_ARGUMENT for an unparseable filter.
     */
    Flux<Image> list(List<String> filters);

    default Flux<Image> list(String... filters) {
        return list(List.of(filters));
    }

    /**
     * Creates or replaces the image of that name (target and labels) and returns it as stored: createdAt is kept
     * from an existing image, updatedAt is now. The image's own times are ignored.
     */
    Mono<Image> put(Image image);

    /** Removes the image (not its content). Errors: NOT_FOUND. */
    Mono<Void> delete(String name);

    /** Releases the store's resources (a local store does not close a database it was given). Idempotent. */
    @Override
    void close();
}
