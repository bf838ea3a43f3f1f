package io.stowage.content;

import java.nio.ByteBuffer;
import reactor.core.publisher.Flux;

/** Reads committed content. Implementations are thread-safe. */
public interface Provider {
    /**
     * Streams {@code length} bytes of the blob starting at {@code offset}, or up to its end when
     * {@code length < 0}. Reading past the end just ends the stream early (an offset at or beyond the size gives
     * an empty stream). The stream is backpressured: one chunk is read per request. Cancelling it releases the
     * file. Each emitted buffer belongs to the subscriber.
     *
     * <p>Errors: NOT_FOUND when the digest is not committed; INVALID_ARGUMENT for a negative offset.
     */
    Flux<ByteBuffer> read(Digest digest, long offset, long length);

    /** The whole blob; see {@link #read(Digest, long, long)}. */
    default Flux<ByteBuffer> read(Digest digest) {
        return read(digest, 0, -1);
    }
}
