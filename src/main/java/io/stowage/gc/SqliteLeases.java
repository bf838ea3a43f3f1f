package io.stowage.gc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.content.ContentException;
import io.stowage.metadata.MetadataDb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Leases in the metadata database:
 * <pre>
 *   leases          (id, labels JSON, created_at ms, expires_at ms or NULL)
 *   lease_resources (lease_id -&gt; leases.id ON DELETE CASCADE, type, id)
 * </pre>
 * Thread-safe.
 */
final class SqliteLeases implements Leases {
    static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS leases (id TEXT PRIMARY KEY, labels TEXT NOT NULL DEFAULT '{}',"
                + " created_at INTEGER NOT NULL, expires_at INTEGER)",
        "CREATE TABLE IF NOT EXISTS lease_resources (lease_id TEXT NOT NULL REFERENCES leases (id)"
                + " ON DELETE CASCADE, type TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (lease_id, type, id))"
                + " WITHOUT ROWID",
        "CREATE INDEX IF NOT EXISTS lease_resources_by_id ON lease_resources (type, id)",
    };
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
    };

    private final MetadataDb db;

    private SqliteLeases(MetadataDb db) {
        this.db = db;
    }

    static SqliteLeases open(MetadataDb db) {
        db.migrate(SCHEMA);
        return new SqliteLeases(db);
    }

    @Override
    public Mono<Lease> create(String id, Map<String, String> labels, Duration ttl) {
        return db.call(c -> {
            String leaseId = id != null ? id : "lease-" + UUID.randomUUID();
            Instant now = Instant.now();
            Lease lease = new Lease(leaseId, labels, now, ttl == null ? null : now.plus(ttl));
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT OR IGNORE INTO leases (id, labels, created_at, expires_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, leaseId);
                ps.setString(2, format(lease.labels()));
                ps.setLong(3, now.toEpochMilli());
                ps.setObject(4, lease.expiresAt() == null ? null : lease.expiresAt().toEpochMilli());
                if (ps.executeUpdate() == 0) {
                    throw ContentException.alreadyExists("lease " + leaseId + ": already exists");
                }
            }
            return lease;
        });
    }

    @Override
    public Mono<Void> delete(String id) {
        return db.call(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM leases WHERE id = ?")) {
                ps.setString(1, id);
                if (ps.executeUpdate() == 0) {
                    throw ContentException.notFound("lease " + id + ": not found");
                }
            }
            return Boolean.TRUE;
        }).then();
    }

    @Override
    public Flux<Lease> list() {
        return db.call(c -> {
            List<Lease> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, labels, created_at, expires_at FROM leases ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long exp = rs.getLong(4);
                    out.add(new Lease(rs.getString(1), parse(rs.getString(2)), Instant.ofEpochMilli(rs.getLong(3)),
                            rs.wasNull() ? null : Instant.ofEpochMilli(exp)));
                }
            }
            return out;
        }).flatMapIterable(l -> l);
    }

    @Override
    public Mono<Void> addResource(String leaseId, LeaseResource resource) {
        return db.call(c -> {
            try (PreparedStatement check = c.prepareStatement("SELECT 1 FROM leases WHERE id = ?")) {
                check.setString(1, leaseId);
                try (ResultSet rs = check.executeQuery()) {
                    if (!rs.next()) {
                        throw ContentException.notFound("lease " + leaseId + ": not found");
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT OR IGNORE INTO lease_resources (lease_id, type, id) VALUES (?, ?, ?)")) {
                ps.setString(1, leaseId);
                ps.setString(2, resource.type());
                ps.setString(3, resource.id());
                ps.executeUpdate();
            }
            return Boolean.TRUE;
        }).then();
    }

    @Override
    public Mono<Void> deleteResource(String leaseId, LeaseResource resource) {
        return db.call(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM lease_resources WHERE lease_id = ? AND type = ? AND id = ?")) {
                ps.setString(1, leaseId);
                ps.setString(2, resource.type());
                ps.setString(3, resource.id());
                ps.executeUpdate();
            }
            return Boolean.TRUE;
        }).then();
    }

    @Override
    public Flux<LeaseResource> resources(String leaseId) {
        return db.call(c -> {
            List<LeaseResource> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT type, id FROM lease_resources WHERE lease_id = ? ORDER BY type, id")) {
                ps.setString(1, leaseId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new LeaseResource(rs.getString(1), rs.getString(2)));
                    }
                }
            }
            return out;
        }).flatMapIterable(l -> l);
    }

    /** True when a live lease at {@code nowMillis} holds the resource; on the database thread. */
    static boolean leased(Connection c, String type, String id, long nowMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM lease_resources r JOIN leases l"
                + " ON l.id = r.lease_id WHERE r.type = ? AND r.id = ? AND (l.expires_at IS NULL"
                + " OR l.expires_at > ?) LIMIT 1")) {
            ps.setString(1, type);
            ps.setString(2, id);
            ps.setLong(3, nowMillis);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String format(Map<String, String> labels) {
        try {
            return JSON.writeValueAsString(labels);
        } catch (JsonProcessingException e) {
            throw ContentException.internal("lease labels: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> parse(String s) {
        try {
            return JSON.readValue(s, LABELS);
        } catch (JsonProcessingException e) {
            throw ContentException.internal("lease labels: " + e.getMessage(), e);
        }
    }
}
