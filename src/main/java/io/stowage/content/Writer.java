package io.stowage.content;

import java.nio.ByteBuffer;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * The open, locked writer of one ingest. Obtained from {@link Ingester#writer}; holds the ref's lock until
 * {@link #commit}, {@link #close} or an abort of the ref. Data is written at the current offset and hashed
 * incrementally as it arrives.
 *
 * <p>Thread-safety: operations may be called from any thread, but are meant to be issued one after another; the
 * one exception is a reset ({@code write(0, ...)} or {@code truncate(0)}), which may be issued while an earlier
 * write is still streaming: that stream is cancelled and nothing of it lands after the reset. Buffers handed to
 * {@code write} must not be modified by the caller afterwards; the writer does not keep them once written.
 *
 * <p>After commit, close or abort every operation fails with FAILED_PRECONDITION (close stays a no-op).
 */
public interface Writer {
    /** The ref of the ingest. */
    String ref();

    /**
     * Appends the stream at the current offset, requesting one buffer at a time, and returns the new offset.
     * Errors: FAILED_PRECONDITION when the writer is ended or another (non-reset) write is in progress;
     * INVALID_ARGUMENT when the data goes past the declared total (the buffer that would cross it is not
     * written); RESOURCE_EXHAUSTED when out of space. Data written before an error stays.
     */
    Mono<Long> write(Publisher<ByteBuffer> data);

    /**
     * Writes at {@code offset}: the current offset appends; 0 on an ingest that holds data first resets it
     * (drops the data and hash state, keeps the lock, cancels a write still streaming); any other offset fails
     * with OUT_OF_RANGE carrying the current offset ({@link ContentException#currentOffset()}).
     */
    Mono<Long> write(long offset, Publisher<ByteBuffer> data);

    /** {@code truncate(0)} resets the ingest as a write at 0 does; any other size is INVALID_ARGUMENT. */
    Mono<Void> truncate(long size);

    /** The current status of this ingest. */
    Mono<Status> status();

    /** The digest of the bytes written so far, in the writer's algorithm. */
    Mono<Digest> digest();

    /**
     * Syncs the data, checks it and commits it under its digest atomically, with the given labels, and ends the
     * writer, releasing the lock (also on error).
     *
     * @param size the expected size, 0 for unchecked (the declared total applies when given)
     * @param expected the expected digest, null for unchecked (the declared one applies when given)
     * @return the committed Info; errors: FAILED_PRECONDITION on a size or digest mismatch (both values in the
     *         message; the ingest stays resumable), ALREADY_EXISTS when the digest is already stored (the ingest
     *         is removed), INVALID_ARGUMENT for bad labels.
     */
    Mono<Info> commit(long size, Digest expected, Map<String, String> labels);

    /** Ends the writer and releases the lock; the data is kept so the ingest can resume. Idempotent. */
    Mono<Void> close();
}
