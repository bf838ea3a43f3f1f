package io.stowage.gc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The references the metadata database holds, read on its thread: the roots at the start of a collection, and the
 * re-check-and-delete of one blob. Tables of plugins that are not loaded (images, registry) are simply absent.
 */
final class References {
    static final String GC_ROOT = "containerd.io/gc.root";
    static final String GC_REF = "containerd.io/gc.ref.content.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
    };
    /** Tables and digest columns whose rows are roots. */
    private static final String[][] ROOT_COLUMNS = {
        {"images", "digest"}, {"registry_tags", "digest"}, {"registry_manifests", "digest"},
        {"registry_blob_links", "digest"},
    };

    /** Roots of one collection: digests named by records, and refs of leased ingests. */
    record Roots(Set<String> digests, Set<String> leasedIngests) {
    }

    private References() {
    }

    static Roots roots(Connection c, long nowMillis) throws SQLException {
        Set<String> tables = tables(c);
        Set<String> digests = new HashSet<>();
        for (String[] tc : ROOT_COLUMNS) {
            if (tables.contains(tc[0])) {
                strings(c, "SELECT DISTINCT " + tc[1] + " FROM " + tc[0], digests);
            }
        }
        Set<String> ingests = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT r.type, r.id FROM lease_resources r JOIN leases l"
                + " ON l.id = r.lease_id WHERE l.expires_at IS NULL OR l.expires_at > ?")) {
            ps.setLong(1, nowMillis);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    (LeaseResource.CONTENT.equals(rs.getString(1)) ? digests : ingests).add(rs.getString(2));
                }
            }
        }
        if (tables.contains("content")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT digest, labels FROM content WHERE labels LIKE ?")) {
                ps.setString(1, "%" + GC_ROOT + "%");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (labels(rs.getString(2)).containsKey(GC_ROOT)) {
                            digests.add(rs.getString(1));
                        }
                    }
                }
            }
        }
        return new Roots(digests, ingests);
    }

    /**
     * Deletes the blob (row and file) unless something references it now, it was committed at or after
     * {@code start}, or (no row) its file changed after {@code orphanBefore}. Labels of blobs in {@code gone}
     * (removed earlier in this collection, or to be in a dry run) do not count. Returns the bytes freed, or -1
     * when the blob was kept. With {@code dryRun} nothing is deleted.
     */
    static long removeIfUnreferenced(Connection c, Digest d, Path file, Instant start, Instant orphanBefore,
                                     Set<String> gone, boolean dryRun) throws SQLException, IOException {
        String id = d.toString();
        Set<String> tables = tables(c);
        for (String[] tc : ROOT_COLUMNS) {
            if (tables.contains(tc[0]) && exists(c, "SELECT 1 FROM " + tc[0] + " WHERE " + tc[1] + " = ?", id)) {
                return -1;
            }
        }
        if (SqliteLeases.leased(c, LeaseResource.CONTENT, id, start.toEpochMilli())
                || SqliteLeases.leased(c, LeaseResource.CONTENT, id, Instant.now().toEpochMilli())) {
            return -1;
        }
        long size;
        try (PreparedStatement ps = c.prepareStatement("SELECT size, created_at, labels FROM content WHERE digest = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    size = rs.getLong(1);
                    if (rs.getLong(2) >= nanos(start) || labels(rs.getString(3)).containsKey(GC_ROOT)) {
                        return -1;
                    }
                } else {
                    size = -1;
                }
            }
        }
        if (size < 0) {
            try {
                size = Files.size(file);
                if (!changeTime(file).toInstant().isBefore(orphanBefore)) {
                    return -1;
                }
            } catch (NoSuchFileException e) {
                return -1;
            }
        }
        if (namedByLabel(c, id, gone)) {
            return -1;
        }
        if (!dryRun) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM content WHERE digest = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            if (tables.contains("content_reads")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM content_reads WHERE digest = ?")) {
                    ps.setString(1, id);
                    ps.executeUpdate();
                }
            }
            if (!Files.deleteIfExists(file)) {
                return -1;
            }
        }
        gone.add(id);
        return size;
    }

    /** True when a gc.ref label of a blob not in {@code gone} names {@code id}. */
    private static boolean namedByLabel(Connection c, String id, Set<String> gone) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT digest, labels FROM content WHERE labels LIKE ?")) {
            ps.setString(1, "%" + id + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (gone.contains(rs.getString(1))) {
                        continue;
                    }
                    for (Map.Entry<String, String> e : labels(rs.getString(2)).entrySet()) {
                        if (e.getKey().startsWith(GC_REF) && e.getValue().equals(id)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** The digests named by {@code containerd.io/gc.ref.content.*} labels (unparseable values skipped). */
    static List<Digest> labelChildren(Map<String, String> labels) {
        List<Digest> out = new ArrayList<>();
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (e.getKey().startsWith(GC_REF)) {
                try {
                    out.add(Digest.parse(e.getValue()));
                } catch (ContentException bad) {
                    // not a digest: no edge
                }
            }
        }
        return out;
    }

    private static FileTime changeTime(Path file) throws IOException {
        try {
            return (FileTime) Files.getAttribute(file, "unix:ctime");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Files.getLastModifiedTime(file);
        }
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static Set<String> tables(Connection c) throws SQLException {
        Set<String> out = new HashSet<>();
        strings(c, "SELECT name FROM sqlite_master WHERE type = 'table'", out);
        return out;
    }

    private static void strings(Connection c, String sql, Set<String> out) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
    }

    private static boolean exists(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Map<String, String> labels(String s) {
        try {
            return s == null ? Map.of() : JSON.readValue(s, LABELS);
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
