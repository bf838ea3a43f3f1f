package io.stowage.content.local;

import io.stowage.content.Digest;
import java.nio.channels.FileChannel;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Read-while-ingest for a server that sends files zero-copy: instead of bytes, a live read yields the spans of a
 * file that hold them, as the writer lands them ({@link io.stowage.content.LiveContent#readLive}, with the same
 * rules: the last byte waits for the commit, a reset after spans were given or a failed check fails the stream).
 * Thread-safe.
 */
public interface LiveFiles {
    /** A file open for reading and the spans of it to send, in order. */
    interface LiveFile extends AutoCloseable {
        /** The open file (the ingest's data file, which the commit renames, or the committed blob). */
        FileChannel channel();

        /**
         * {@code [position, count]} pairs, contiguous from the requested offset, each only once its bytes have
         * landed; completes once the requested range is done and committed. Subscribe once.
         */
        Flux<long[]> spans();

        /** Closes the file; call it once every span has been sent (or the stream failed). Idempotent. */
        @Override
        void close();
    }

    /**
     * Opens the live read of {@code [offset, offset + length)} ({@code length < 0}: to the end) of {@code digest}:
     * the committed blob, or the ingest in progress that declared it. Errors: NOT_FOUND when neither.
     */
    Mono<LiveFile> openLive(Digest digest, long offset, long length);
}
