package io.stowage.content.local;

import io.stowage.content.ContentException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive hold of one open store on its root: an OS file lock on {@code <root>/.lock}, taken before the store
 * cleans up what a crash left and released when it closes (or when its process dies). Ingest locks and the clean-up
 * at open assume one store per root: a second one would wipe the first one's ingest directories in the making and
 * write to its ingests unguarded. Opening a held root fails with FAILED_PRECONDITION, whether the holder is another
 * process or another open store in this one. Thread-safe.
 */
final class RootLock implements AutoCloseable {
    static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RootLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the root's lock or fails at once. Blocking (file I/O). */
    static RootLock acquire(Path root) throws IOException {
        Files.createDirectories(root);
        FileChannel ch = FileChannel.open(root.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            ch.close();
            throw ContentException.failedPrecondition("store root " + root + " is in use by another stowage process"
                    + " (or by another open store in this one); one store per root");
        }
        return new RootLock(ch, l);
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was written
        }
    }
}
