package io.stowage.content.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes renames into a directory durable with as few {@code fsync}s of it as concurrent commits allow: every blob of
 * an algorithm lands in the same directory, and with many commits at once each used to sync it on its own. A caller
 * registers after its rename; one sync that starts after the registration covers it, so a caller that finds a
 * sync running waits for it, then either is covered by the next one or runs it itself for everyone waiting.
 *
 * <p>Thread-safe. Blocking: call from a bounded blocking scheduler only. A failed sync is reported to the caller
 * that ran it; the callers it would have covered try again themselves.
 */
final class DirectorySyncs {
    /** What syncs a directory. */
    @FunctionalInterface
    interface Syncer {
        void sync(Path dir) throws IOException;
    }

    private final ConcurrentHashMap<Path, Group> groups = new ConcurrentHashMap<>();
    private final Syncer syncer;

    DirectorySyncs() {
        this(DirectorySyncs::syncNow);
    }

    DirectorySyncs(Syncer syncer) {
        this.syncer = syncer;
    }

    /** Returns once {@code dir} was synced by a sync started after this call began. */
    void sync(Path dir) throws IOException {
        groups.computeIfAbsent(dir, d -> new Group(d, syncer)).sync();
    }

    /** An fsync of a directory, durably; no coalescing. */
    static void syncNow(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** The callers of one directory: tickets in the order they registered, and the last one covered. */
    private static final class Group {
        private final Path dir;
        private final Syncer syncer;
        private long registered;
        private long covered;
        private boolean running;

        Group(Path dir, Syncer syncer) {
            this.dir = dir;
            this.syncer = syncer;
        }

        void sync() throws IOException {
            long upTo;
            synchronized (this) {
                long mine = ++registered;
                while (running && covered < mine) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while waiting for a sync of " + dir, e);
                    }
                }
                if (covered >= mine) {
                    return;
                }
                running = true;
                upTo = registered;
            }
            boolean synced = false;
            try {
                syncer.sync(dir);
                synced = true;
            } finally {
                synchronized (this) {
                    running = false;
                    if (synced) {
                        covered = Math.max(covered, upTo);
                    }
                    notifyAll();
                }
            }
        }
    }
}
