package io.stowage.content.local;

import io.stowage.content.Digest;
import io.stowage.content.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * Reads and writes the files of one ingest directory (see {@link BlobPaths}): {@code data}, and what was declared
 * ({@link #format}) in the directory's extended attribute {@code user.stowage.ingest}, or where the file system
 * refuses user attributes in a {@code status} file. Directories written by stores before 2026-11-30 hold one small
 * file a field instead; they are still read, and an update gives them the attribute (which then wins). All methods
 * block on file I/O: call them on a bounded scheduler only. A directory whose essential parts are missing,
 * unreadable or torn reads as {@code null} (broken), so the caller can start it afresh.
 *
 * <p>Why an attribute: an ingest then costs two inodes (directory, data) and, once committed, frees one (the data
 * becomes the blob), where a file a field cost up to six and freed five. On ext4 without a journal every new inode
 * is searched past the inodes freed in the last minute, which made inode allocation a quarter of the server's CPU
 * in 64 KiB uploads (benchmarks/README.md, profiling item 14); elsewhere it saves the system calls.
 */
final class IngestFiles {
    static final String DATA = "data";
    /** The status file, where the directory cannot hold the attribute. */
    static final String STATUS = "status";
    /** The user attribute (without its {@code user.} namespace) holding the declared fields. */
    static final String ATTRIBUTE = "stowage.ingest";
    /** Large enough for any status ({@link io.stowage.content.Refs#MAX_REF_BYTES} ref bytes and the fields). */
    private static final int MAX_STATUS_BYTES = 4096;
    private static final String MAGIC = "stowage-ingest 1";
    // the layout before 2026-11-30, read only
    static final String REF = "ref";
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
        byte[] status = readAttribute(dir);
        if (status == null) {
            try {
                status = Files.readAllBytes(dir.resolve(STATUS));
            } catch (NoSuchFileException e) {
                return readLegacy(dir);
            } catch (IOException e) {
                return null;
            }
        }
        try {
            Declared d = parse(status);
            if (d == null) {
                return null;
            }
            BasicFileAttributes data = Files.readAttributes(dir.resolve(DATA), BasicFileAttributes.class);
            Instant mtime = data.lastModifiedTime().toInstant();
            Instant updatedAt = mtime.isAfter(d.startedAt) ? mtime : d.startedAt;
            return new Status(d.ref, data.size(), d.total, d.expected, d.startedAt, updatedAt, d.expiry);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The fields of a status file; null when it is torn or not one. */
    private static Declared parse(byte[] b) {
        int at = 0;
        Declared d = new Declared();
        boolean first = true;
        while (at < b.length) {
            int nl = indexOf(b, at);
            if (nl < 0) {
                return null;
            }
            String line = new String(b, at, nl - at, StandardCharsets.UTF_8);
            at = nl + 1;
            if (first) {
                if (!line.equals(MAGIC)) {
                    return null;
                }
                first = false;
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                return null;
            }
            String value = line.substring(eq + 1);
            switch (line.substring(0, eq)) {
                case STARTED_AT -> d.startedAt = Instant.parse(value);
                case TOTAL -> d.total = Long.parseLong(value);
                case EXPECTED -> d.expected = Digest.parse(value);
                case EXPIRY -> d.expiry = java.time.Duration.parse(value);
                case REF -> {
                    int n = Integer.parseInt(value);
                    if (n != b.length - at || d.startedAt == null) {
                        return null;
                    }
                    d.ref = new String(b, at, n, StandardCharsets.UTF_8);
                    return d;
                }
                default -> {
                    // a field of a later version: ignored
                }
            }
        }
        return null;
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The declared fields of an ingest; mutable while parsed. */
    private static final class Declared {
        String ref;
        Instant startedAt;
        long total;
        Digest expected;
        java.time.Duration expiry;
    }

    /** A directory of the layout before 2026-11-30: a file a field. */
    private static Status readLegacy(Path dir) {
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
        return readAttribute(dir) != null || Files.exists(dir.resolve(STATUS))
                || Files.exists(dir.resolve(REF)) && Files.exists(dir.resolve(STARTED_AT));
    }

    /** True when the directory exists at all (broken or not). */
    static boolean exists(Path dir) {
        return Files.isDirectory(dir);
    }

    /**
     * Creates a fresh ingest directory, replacing whatever was there: the empty data file first, the declaration
     * last, so that a crash in between leaves a directory that reads as broken (and is started afresh or removed
     * on open) rather than a half-declared ingest.
     */
    static void create(Path ingestRoot, Path dir, String ref, Instant startedAt, long total, Digest expected,
                       java.time.Duration expiry) throws IOException {
        wipe(dir);
        try {
            Files.createDirectory(dir);
        } catch (NoSuchFileException e) {
            Files.createDirectories(ingestRoot);
            Files.createDirectory(dir);
        }
        try {
            Files.createFile(dir.resolve(DATA));
            Files.setLastModifiedTime(dir.resolve(DATA), FileTime.from(startedAt));
            byte[] status = format(ref, startedAt, total, expected, expiry);
            if (!writeAttribute(dir, status)) {
                Files.write(dir.resolve(STATUS), status, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
        } catch (IOException | RuntimeException e) {
            wipe(dir);
            throw e;
        }
    }

    /** Replaces the directory's declaration atomically with these fields (the data file is left as it is). */
    static void update(Path dir, Status st) throws IOException {
        byte[] status = format(st.ref(), st.startedAt(), st.total(), st.expected(), st.expiry());
        if (writeAttribute(dir, status)) {
            return;
        }
        removeAttribute(dir);
        Path tmp = dir.resolve("." + STATUS + ".tmp");
        Files.write(tmp, status);
        Path target = dir.resolve(STATUS);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Sets the attribute (one system call: it replaces any earlier value atomically); false when the file system
     * refuses it, or when {@code -Dstowage.ingestAttributes=false} asks for status files.
     */
    private static boolean writeAttribute(Path dir, byte[] status) {
        if (!Boolean.parseBoolean(System.getProperty("stowage.ingestAttributes", "true"))) {
            return false;
        }
        UserDefinedFileAttributeView view = Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class);
        if (view == null) {
            return false;
        }
        try {
            view.write(ATTRIBUTE, ByteBuffer.wrap(status));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The attribute's value, or null when it is absent or cannot be read. */
    private static byte[] readAttribute(Path dir) {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class);
        if (view == null) {
            return null;
        }
        ByteBuffer buf = ByteBuffer.allocate(MAX_STATUS_BYTES);
        try {
            view.read(ATTRIBUTE, buf);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        byte[] b = new byte[buf.flip().remaining()];
        buf.get(b);
        return b;
    }

    /** Removes a stale attribute before a status file takes over (best effort: absent is the usual case). */
    private static void removeAttribute(Path dir) {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class);
        if (view != null) {
            try {
                view.delete(ATTRIBUTE);
            } catch (IOException | UnsupportedOperationException e) {
                // absent, or no attributes here at all
            }
        }
    }

    /**
     * The declared fields, one {@code name=value} line each after a first line naming the format
     * ({@code startedat}, then {@code total}, {@code expected}, {@code expiry} when declared), then
     * {@code ref=<n>}, a line feed and the ref's {@code n} UTF-8 bytes to the end: a ref may hold any character, and
     * a torn value is told by its length.
     */
    static byte[] format(String ref, Instant startedAt, long total, Digest expected, java.time.Duration expiry) {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n');
        sb.append(STARTED_AT).append('=').append(startedAt).append('\n');
        if (total > 0) {
            sb.append(TOTAL).append('=').append(total).append('\n');
        }
        if (expected != null) {
            sb.append(EXPECTED).append('=').append(expected).append('\n');
        }
        if (expiry != null) {
            sb.append(EXPIRY).append('=').append(expiry).append('\n');
        }
        byte[] r = ref.getBytes(StandardCharsets.UTF_8);
        sb.append(REF).append('=').append(r.length).append('\n');
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = java.util.Arrays.copyOf(head, head.length + r.length);
        System.arraycopy(r, 0, all, head.length, r.length);
        return all;
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
