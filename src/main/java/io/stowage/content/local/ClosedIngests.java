package io.stowage.content.local;

import io.stowage.content.Status;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What this process knows of recently closed ingests: the status the writer left on disk and, when it was sure of
 * it, the hash state of the bytes written. With it, a status request or the next writer of the ref (the registry API
 * opens a writer for the upload's POST, once per PATCH and once for its PUT) needs three {@code stat}s instead of
 * reading the ingest's files back (about twenty calls) and re-hashing its data.
 *
 * <p>An entry is used only while the data file still has the size and modification time it had at close and the
 * ingest's essential files are there ({@link IngestFiles#complete}); anything that changed the ingest since (another
 * process, a crash and restart) makes it unused, and the files are read as before. Bounded: the least recently closed entries are dropped; each is a few hundred bytes. Thread-safe.
 */
final class ClosedIngests {
    static final int MAX_ENTRIES = 4096;

    /** A closed ingest: its data file's size and mtime at close, its status, its hash state (null: unsure). */
    record Closed(long size, FileTime mtime, Status status, MessageDigest md) {
        boolean matches(long fileSize, FileTime fileMtime) {
            return size == fileSize && mtime.equals(fileMtime);
        }

        /** The hash state when it is of {@code jcaAlgorithm}, else null. */
        MessageDigest md(String jcaAlgorithm) {
            return md != null && md.getAlgorithm().equals(jcaAlgorithm) ? md : null;
        }
    }

    private final Map<String, Closed> entries = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Closed> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    synchronized void remember(String ref, FileTime mtime, Status status, MessageDigest md) {
        entries.put(ref, new Closed(status.offset(), mtime, status, md));
    }

    /** The entry of {@code ref} when it matches the data file, else null; kept for the next reader. */
    synchronized Closed get(String ref, long fileSize, FileTime fileMtime) {
        Closed c = entries.get(ref);
        return c != null && c.matches(fileSize, fileMtime) ? c : null;
    }

    synchronized void forget(String ref) {
        entries.remove(ref);
    }
}
