package io.stowage.content.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.content.ContentException;
import io.stowage.content.Digest;
import io.stowage.content.Info;
import io.stowage.metadata.MetadataDb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Mono;

/**
 * The {@code content} table: size, timestamps and labels of committed blobs, keyed by digest. A commit stores the
 * row before it renames the blob into place, and a delete removes the file before the row, so a crash leaves at
 * worst a row without a blob file, which is invisible (every read checks the file) and replaced by the next
 * commit of that digest. A blob file without a row (put there by hand) is still content; callers synthesise its
 * Info. Thread-safe.
 */
final class BlobRecords {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
    };

    private final MetadataDb db;

    BlobRecords(MetadataDb db) {
        this.db = db;
        db.migrate("""
                CREATE TABLE IF NOT EXISTS content (
                  digest     TEXT PRIMARY KEY,
                  size       INTEGER NOT NULL,
                  created_at INTEGER NOT NULL,
                  updated_at INTEGER NOT NULL,
                  labels     TEXT NOT NULL DEFAULT '{}'
                )""");
    }

    Mono<Info> get(Digest d) {
        return db.call(c -> select(c, d));
    }

    Mono<Map<Digest, Info>> getAll(List<Digest> digests) {
        return db.call(c -> {
            Map<Digest, Info> out = new HashMap<>();
            for (Digest d : digests) {
                Info i = select(c, d);
                if (i != null) {
                    out.put(d, i);
                }
            }
            return out;
        });
    }

    Mono<Void> put(Info info) {
        return db.call(c -> {
            upsert(c, info);
            return Boolean.TRUE;
        }).then();
    }

    /** Reads the row (or {@code absent} when there is none), applies {@code change} and stores it, atomically. */
    Mono<Info> update(Digest d, Info absent, UnaryOperator<Info> change) {
        return db.transaction(c -> {
            Info current = select(c, d);
            Info updated = change.apply(current != null ? current : absent);
            upsert(c, updated);
            return updated;
        });
    }

    Mono<Void> delete(Digest d) {
        return db.call(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM content WHERE digest = ?")) {
                ps.setString(1, d.toString());
                ps.executeUpdate();
            }
            return Boolean.TRUE;
        }).then();
    }

    private static Info select(Connection c, Digest d) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT size, created_at, updated_at, labels FROM content WHERE digest = ?")) {
            ps.setString(1, d.toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Info(d, rs.getLong(1), fromNanos(rs.getLong(2)), fromNanos(rs.getLong(3)),
                        parseLabels(rs.getString(4)));
            }
        }
    }

    private static void upsert(Connection c, Info info) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO content (digest, size, created_at, updated_at, labels) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT(digest) DO UPDATE SET size = excluded.size, created_at = excluded.created_at,"
                        + " updated_at = excluded.updated_at, labels = excluded.labels")) {
            ps.setString(1, info.digest().toString());
            ps.setLong(2, info.size());
            ps.setLong(3, toNanos(info.createdAt()));
            ps.setLong(4, toNanos(info.updatedAt()));
            ps.setString(5, formatLabels(info.labels()));
            ps.executeUpdate();
        }
    }

    private static long toNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static Instant fromNanos(long n) {
        return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
    }

    private static Map<String, String> parseLabels(String s) {
        try {
            return JSON.readValue(s, LABELS);
        } catch (JsonProcessingException e) {
            throw ContentException.internal("metadata: unreadable labels", e);
        }
    }

    private static String formatLabels(Map<String, String> labels) {
        try {
            return JSON.writeValueAsString(labels);
        } catch (JsonProcessingException e) {
            throw ContentException.internal("metadata: cannot write labels", e);
        }
    }
}
