package io.stowage.content.local;

import io.stowage.content.Digest;
import io.stowage.content.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Reads and writes the small files of one ingest directory (see {@link BlobPaths}). All methods block on file
 * I/O: call them on a bounded scheduler only. A directory whose essential files are missing or unreadable reads as
 * {@code null} (broken), so the caller can start it afresh.
 */
final class IngestFiles {
    static final String REF = "ref";
    static final String DATA = "data";
    static final String STARTED_AT = "startedat";
    /** Read when present (stores before 2026-11-29 wrote it); no longer written: the data file's mtime says it. */
    static final String UPDATED_AT = "updatedat";
    static final String TOTAL = "total";
    static final String EXPECTED = "expected";
    /** The ingest's own expiry, ISO-8601 (absent: the collector's default). */
    static final String EXPIRY = "expiry";

    private IngestFiles() {
    }

    /** What an ingest directory says, or null when it is absent or broken. */
    static Status read(Path dir) {
        try {
            String ref = Files.readString(dir.resolve(REF), StandardCharsets.UTF_8);
            Instant startedAt = Instant.parse(Files.readString(dir.resolve(STARTED_AT)).trim());
            BasicFileAttributes data = Files.readAttributes(dir.resolve(DATA), BasicFileAttributes.class);
            // The data file's mtime is the update time (set on close, moved by writes); an updatedat file, written
            // by stores before 2026-11-29, counts when later.
            Instant updatedAt = readInstant(dir.resolve(UPDATED_AT), startedAt);
            Instant mtime = data.lastModifiedTime().toInstant();
            if (mtime.isAfter(updatedAt)) {
                updatedAt = mtime;
            }
            long total = readLong(dir.resolve(TOTAL));
            Digest expected = readDigest(dir.resolve(EXPECTED));
            return new Status(ref, data.size(), total, expected, startedAt, updatedAt, readExpiry(dir.resolve(EXPIRY)));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * True when the files without which {@link #read} finds the directory broken are there (the data file is the
     * caller's to check); a cheaper test than reading them, for a status known from this process's last close.
     */
    static boolean complete(Path dir) {
        return Files.exists(dir.resolve(REF)) && Files.exists(dir.resolve(STARTED_AT));
    }

    /** True when the directory exists at all (broken or not). */
    static boolean exists(Path dir) {
        return Files.isDirectory(dir);
    }

    /** Creates a fresh ingest directory atomically, replacing whatever was there. */
    static void create(Path ingestRoot, Path dir, String ref, Instant startedAt, long total, Digest expected,
                       java.time.Duration expiry) throws IOException {
        if (!Files.isDirectory(ingestRoot)) {
            Files.createDirectories(ingestRoot);
        }
        Path tmp = ingestRoot.resolve(".tmp-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            Files.writeString(tmp.resolve(REF), ref, StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(STARTED_AT), startedAt.toString());
            if (total > 0) {
                Files.writeString(tmp.resolve(TOTAL), Long.toString(total));
            }
            if (expected != null) {
                Files.writeString(tmp.resolve(EXPECTED), expected.toString());
            }
            if (expiry != null) {
                Files.writeString(tmp.resolve(EXPIRY), expiry.toString());
            }
            Files.createFile(tmp.resolve(DATA));
            Files.setLastModifiedTime(tmp.resolve(DATA), FileTime.from(startedAt));
            wipe(dir);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            wipe(tmp);
            throw e;
        }
    }

    /** Replaces one small file atomically; a null value removes it. */
    static void writeField(Path dir, String name, String value) throws IOException {
        Path target = dir.resolve(name);
        if (value == null) {
            Files.deleteIfExists(target);
            return;
        }
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.writeString(tmp, value, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes a directory tree if present. */
    static void wipe(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted((a, b) -> b.compareTo(a))::iterator) {
                try {
                    Files.deleteIfExists(p);
                } catch (DirectoryNotEmptyException | FileAlreadyExistsException e) {
                    throw new IOException("cannot remove " + p, e);
                }
            }
        } catch (NoSuchFileException e) {
            // removed concurrently: nothing left to do
        }
    }

    private static Instant readInstant(Path p, Instant fallback) {
        try {
            return Instant.parse(Files.readString(p).trim());
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
    }

    private static java.time.Duration readExpiry(Path p) {
        try {
            return java.time.Duration.parse(Files.readString(p).trim());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long readLong(Path p) throws IOException {
        if (!Files.exists(p)) {
            return 0;
        }
        return Long.parseLong(Files.readString(p).trim());
    }

    private static Digest readDigest(Path p) throws IOException {
        if (!Files.exists(p)) {
            return null;
        }
        return Digest.parse(Files.readString(p).trim());
    }
}
