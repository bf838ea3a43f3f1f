package io.stowage.content.local;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest data written past the page cache ({@code O_DIRECT}), in whole aligned blocks, by a {@link LocalWriter}:
 * the bytes go from a staging buffer to the disk without the kernel's copy into freshly allocated cache pages, and
 * the commit's fsync finds nothing left to write back. The unaligned tail of each write still goes through the
 * page cache, so the data file always holds exactly the bytes landed so far.
 *
 * <p>Asked for when the store is opened ({@code LocalContentStore.open(..., directWrites)}; the server's
 * {@code content/local} plugin does by default) and probed once per store root: on a file system that refuses
 * {@code O_DIRECT} (or with the system property {@code stowage.directWrites=false}) every write is buffered.
 * Staging buffers come from a small bounded pool; a write that finds the pool empty is buffered, so memory does
 * not grow with the number of writers.
 *
 * <p>A blob written this way is not in the page cache, but blobs are often pulled right after their push: the
 * commit of one of at least {@link #READ_AHEAD_MIN} bytes asks for a read-ahead ({@link #readAhead}), which has the
 * kernel read the file into the cache by DMA ({@code sendfile} to {@code /dev/null}: no copy through the CPU) on
 * one background thread; a read-ahead that finds a backlog of {@link #READ_AHEAD_BACKLOG} is skipped.
 * Thread-safe.
 */
final class DirectWrites {
    private static final Logger log = LoggerFactory.getLogger(DirectWrites.class);
    /** The largest piece staged (a body piece of up to 1 MiB), behind the partial block it continues. */
    static final int STAGE = 1 << 20;
    /** Staging buffers kept at most (each {@link #STAGE} plus one block of direct memory). */
    static final int POOL = 32;
    private static final DirectWrites OFF = new DirectWrites(0);
    /** Read-aheads waiting at most; more are dropped (the blob is then read from the disk on its first pull). */
    static final int READ_AHEAD_BACKLOG = 64;
    /** Smaller blobs are not read ahead: their first pull from the disk costs less than a read-ahead's hand-off. */
    static final long READ_AHEAD_MIN = 1 << 20;
    private static final ThreadPoolExecutor READ_AHEAD = readAheadThread();

    private final int block;
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger made = new AtomicInteger();

    private DirectWrites(int block) {
        this.block = block;
    }

    /** False when the system property {@code stowage.directWrites} is false: then no store writes direct. */
    static boolean wanted() {
        return Boolean.parseBoolean(System.getProperty("stowage.directWrites", "true"));
    }

    /**
     * Direct writes for data files under {@code dir} when {@code wanted} and its file system takes them, else
     * disabled. Blocking.
     */
    static DirectWrites probe(Path dir, boolean wanted) {
        if (!wanted) {
            return OFF;
        }
        Path probe = dir.resolve(".tmp-direct-" + UUID.randomUUID());
        try {
            long size = Files.getFileStore(dir).getBlockSize();
            int block = size >= 512 && size <= 65536 && Long.bitCount(size) == 1 ? (int) size : 4096;
            ByteBuffer b = ByteBuffer.allocateDirect(2 * block).alignedSlice(block);
            b.limit(block);
            try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    ExtendedOpenOption.DIRECT)) {
                ch.write(b, 0);
            }
            return new DirectWrites(block);
        } catch (IOException | UnsupportedOperationException e) {
            log.info("direct writes off under {}: {}", dir, e.toString());
            return OFF;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                // a .tmp- leftover is wiped at the next open
            }
        }
    }

    boolean enabled() {
        return block > 0;
    }

    /** The alignment of direct writes (positions, lengths and buffer addresses); 0 when disabled. */
    int block() {
        return block;
    }

    /** A direct-write channel on {@code file}, or null when disabled or refused (the writer then buffers). */
    AsynchronousFileChannel open(Path file, ExecutorService io) {
        if (!enabled()) {
            return null;
        }
        try {
            return AsynchronousFileChannel.open(file, Set.of(StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT),
                    io);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private static ThreadPoolExecutor readAheadThread() {
        ThreadPoolExecutor t = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(READ_AHEAD_BACKLOG), r -> {
                    Thread th = new Thread(r, "stowage-read-ahead");
                    th.setDaemon(true);
                    return th;
                }, new ThreadPoolExecutor.DiscardPolicy());
        t.allowCoreThreadTimeOut(true);
        return t;
    }

    /** Has the kernel read {@code blob} into the page cache in the background; failures are ignored. */
    void readAhead(Path blob) {
        if (!enabled()) {
            return;
        }
        READ_AHEAD.execute(() -> {
            try (FileChannel in = FileChannel.open(blob);
                 FileChannel out = FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE)) {
                long size = in.size();
                long at = 0;
                while (at < size) {
                    long n = in.transferTo(at, size - at, out);
                    if (n <= 0) {
                        break;
                    }
                    at += n;
                }
            } catch (IOException | RuntimeException e) {
                // removed meanwhile, or no /dev/null: the first pull reads from the disk
            }
        });
    }

    /** A cleared staging buffer of {@link #STAGE} + one block, aligned, or null when all are in use. */
    ByteBuffer take() {
        ByteBuffer b = free.poll();
        if (b == null) {
            if (made.incrementAndGet() > POOL) {
                made.decrementAndGet();
                return null;
            }
            b = ByteBuffer.allocateDirect(STAGE + 2 * block).alignedSlice(block);
        }
        return b.clear();
    }

    /** Returns a buffer from {@link #take} to the pool. */
    void give(ByteBuffer b) {
        free.offer(b);
    }
}
