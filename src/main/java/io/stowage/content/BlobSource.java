package io.stowage.content;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;

/**
 * Where {@link Ingests#writeBlob} gets a blob's bytes from. A seekable source can start at any offset (like an
 * HTTP Range request or a file); a plain stream always starts at 0. Immutable.
 */
public final class BlobSource {
    private final LongFunction<Publisher<ByteBuffer>> fromOffset;
    private final boolean seekable;

    private BlobSource(LongFunction<Publisher<ByteBuffer>> fromOffset, boolean seekable) {
        this.fromOffset = Objects.requireNonNull(fromOffset);
        this.seekable = seekable;
    }

    /** A source that can start at any offset: {@code fromOffset.apply(n)} streams the bytes from {@code n} on. */
    public static BlobSource seekable(LongFunction<Publisher<ByteBuffer>> fromOffset) {
        return new BlobSource(fromOffset, true);
    }

    /** A source that can only stream from the beginning; each call of the supplier starts a new stream. */
    public static BlobSource stream(Supplier<Publisher<ByteBuffer>> fromStart) {
        return new BlobSource(offset -> fromStart.get(), false);
    }

    public boolean isSeekable() {
        return seekable;
    }

    /** The bytes from {@code offset} on; only seekable sources accept an offset other than 0. */
    public Publisher<ByteBuffer> open(long offset) {
        if (offset != 0 && !seekable) {
            throw new IllegalArgumentException("stream source cannot start at " + offset);
        }
        return fromOffset.apply(offset);
    }
}
