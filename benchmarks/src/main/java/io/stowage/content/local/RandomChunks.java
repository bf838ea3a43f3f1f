package io.stowage.content.local;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import reactor.core.publisher.Flux;

/**
 * A pool of pre-generated random 1 MiB heap buffers, from which a blob of any size is cut as a sequence of 1 MiB
 * chunks (the pool repeats when the blob is larger than the pool). {@link #stamp(long)} writes a value into the
 * first bytes of the first chunk, so that every blob cut after a new stamp has new content and a new digest,
 * without generating new random bytes in the measured part.
 *
 * <p>{@link #chunk} and {@link #flux} only hand out duplicates and may be used from several threads at once;
 * {@link #stamp} changes the pool and must not run while a blob cut from it is being hashed or written.
 */
final class RandomChunks {
    static final int CHUNK = 1 << 20;

    private final ByteBuffer[] pool;

    /** A pool of {@code min(maxBytes, poolBytes)} random bytes, rounded up to whole chunks. */
    RandomChunks(long maxBytes, long poolBytes, long seed) {
        long bytes = Math.min(maxBytes, poolBytes);
        int n = (int) Math.max(1, (bytes + CHUNK - 1) / CHUNK);
        SplittableRandom random = new SplittableRandom(seed);
        pool = new ByteBuffer[n];
        byte[] tmp = new byte[CHUNK];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < CHUNK; j += 8) {
                long v = random.nextLong();
                for (int k = 0; k < 8; k++) {
                    tmp[j + k] = (byte) (v >>> (8 * k));
                }
            }
            pool[i] = ByteBuffer.wrap(tmp.clone());
        }
    }

    /** Makes the next blobs differ from all earlier ones (as long as {@code value} is new). */
    void stamp(long value) {
        pool[0].putLong(0, value);
    }

    /** How many chunks a blob of {@code size} bytes has. */
    static int chunkCount(long size) {
        return (int) ((size + CHUNK - 1) / CHUNK);
    }

    /** Chunk {@code index} of a blob of {@code size} bytes: a fresh duplicate, limited for the last one. */
    ByteBuffer chunk(long size, int index) {
        ByteBuffer b = pool[index % pool.length].duplicate();
        long left = size - (long) index * CHUNK;
        if (left < CHUNK) {
            b.limit((int) left);
        }
        return b;
    }

    /** The blob of {@code size} bytes as a cold stream of chunks, one per request. */
    Flux<ByteBuffer> flux(long size) {
        return Flux.range(0, chunkCount(size)).map(i -> chunk(size, i));
    }
}
