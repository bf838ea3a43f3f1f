package io.stowage.registry;

import io.stowage.content.Digest;
import io.stowage.metadata.MetadataDb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The registry's records in the metadata database. Content bytes are in the store; these tables say which
 * repository sees what:
 * <pre>
 *   registry_repositories (name)                         a repository exists once something is linked into it
 *   registry_blob_links   (repository, digest)           blobs (and manifests, as blobs) a repository may serve
 *   registry_manifests    (repository, digest, media_type, size, artifact_type, subject, annotations)
 *                                                        manifests pushed to a repository; those with a subject
 *                                                        are its referrer links
 *   registry_tags         (repository, tag, digest)      tags, listed in byte order
 *   registry_uploads      (id, repository, started_at)   upload sessions; the bytes are the store ingest
 *                                                        {@code registry-upload-<id>}
 * </pre>
 * Digests are stored as {@code alg:hex}, times as ISO-8601 UTC. Every method runs on the database thread;
 * multi-statement changes run in one transaction. Thread-safe.
 */
final class RegistryTables {
    private static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS registry_repositories (name TEXT PRIMARY KEY, created_at TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS registry_blob_links (repository TEXT NOT NULL, digest TEXT NOT NULL,"
                + " linked_at TEXT NOT NULL, PRIMARY KEY (repository, digest)) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS registry_manifests (repository TEXT NOT NULL, digest TEXT NOT NULL,"
                + " media_type TEXT NOT NULL, size INTEGER NOT NULL, artifact_type TEXT, subject TEXT,"
                + " annotations TEXT, pushed_at TEXT NOT NULL, PRIMARY KEY (repository, digest)) WITHOUT ROWID",
        "CREATE INDEX IF NOT EXISTS registry_manifests_by_subject ON registry_manifests (repository, subject)"
                + " WHERE subject IS NOT NULL",
        "CREATE TABLE IF NOT EXISTS registry_tags (repository TEXT NOT NULL, tag TEXT NOT NULL,"
                + " digest TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (repository, tag)) WITHOUT ROWID",
        "CREATE INDEX IF NOT EXISTS registry_tags_by_digest ON registry_tags (repository, digest)",
        "CREATE TABLE IF NOT EXISTS registry_uploads (id TEXT PRIMARY KEY, repository TEXT NOT NULL,"
                + " started_at TEXT NOT NULL)",
    };

    /** One page of tags; {@code more} when tags follow the last one. */
    record TagPage(List<String> tags, boolean more) {
    }

    private final MetadataDb db;
    /** Link holds by repository and digest; touched only on the database thread. */
    private final Map<LinkKey, LinkHolds> holds = new HashMap<>();

    private RegistryTables(MetadataDb db) {
        this.db = db;
    }

    /** Creates the tables when missing. Blocks: call it at start-up. */
    static RegistryTables open(MetadataDb db) {
        db.migrate(SCHEMA);
        return new RegistryTables(db);
    }

    // ---- repositories and blob links

    Mono<Boolean> repositoryExists(String name) {
        return db.call(c -> exists(c, "SELECT 1 FROM registry_repositories WHERE name = ?", name));
    }

    Mono<Boolean> blobLinked(String name, Digest digest) {
        return db.call(c -> exists(c, "SELECT 1 FROM registry_blob_links WHERE repository = ? AND digest = ?",
                name, digest.toString()));
    }

    /**
     * An upload's hold on a blob link, from before its completion commits or finds the blob until it is kept
     * ({@link #completeUpload}, {@link #keep}) or released ({@link #release}). Used only on the database thread.
     */
    static final class Hold {
        private final LinkKey key;
        private boolean released;

        private Hold(LinkKey key) {
            this.key = key;
        }
    }

    private record LinkKey(String name, Digest digest) {
    }

    /** The holds on one link: how many, whether they created the link or the repository, whether one kept it. */
    private static final class LinkHolds {
        int count;
        boolean createdLink;
        boolean createdRepository;
        boolean kept;
    }

    /**
     * Links a blob (creating the repository when missing) ahead of an upload's completion and holds the link. The
     * link is then in place before the upload commits the blob or finds it stored: garbage collection re-checks
     * links in the transaction that deletes a blob, so a blob found present after the link is kept (finding it
     * first and linking after could link a blob deleted in between, losing the upload). When the last hold on it
     * is released and none kept it, what the holds created is taken back: the link, and the repository when
     * nothing else is in it. So a failed completion leaves nothing behind, and cannot take away a link another
     * upload of the same blob still needs or has completed.
     */
    Mono<Hold> hold(String name, Digest digest) {
        return db.transaction(c -> hold(c, name, digest));
    }

    /**
     * Runs {@code work} with the hold {@code hold} takes: {@code work} ends it when it succeeds ({@link #keep},
     * {@link #release}, {@link #completeUpload}); on an error or a cancellation it is released.
     */
    <T> Mono<T> holding(Mono<Hold> hold, Function<Hold, Mono<T>> work) {
        return Mono.usingWhen(hold, work, h -> Mono.empty(), (h, e) -> release(h), this::release);
    }

    private Hold hold(Connection c, String name, Digest digest) throws SQLException {
        boolean repository = ensureRepository(c, name);
        boolean link = link(c, name, digest);
        LinkKey key = new LinkKey(name, digest);
        LinkHolds h = holds.computeIfAbsent(key, k -> new LinkHolds());
        h.count++;
        h.createdLink |= link;
        h.createdRepository |= repository;
        return new Hold(key);
    }

    /** Ends a hold, keeping the link. */
    Mono<Void> keep(Hold hold) {
        return db.transaction(c -> {
            link(c, hold.key.name(), hold.key.digest());
            end(c, hold, true);
            return Boolean.TRUE;
        }).then();
    }

    /** Ends a hold without keeping the link (a no-op for a hold already ended). */
    Mono<Void> release(Hold hold) {
        return db.transaction(c -> {
            end(c, hold, false);
            return Boolean.TRUE;
        }).then();
    }

    private void end(Connection c, Hold hold, boolean keep) throws SQLException {
        if (hold.released) {
            return;
        }
        LinkHolds h = holds.get(hold.key);
        h.kept |= keep;
        if (h.count > 1 || h.kept || (!h.createdLink && !h.createdRepository)) {
            finish(hold, h);
            return;
        }
        String name = hold.key.name();
        if (h.createdLink) {
            update(c, "DELETE FROM registry_blob_links WHERE repository = ? AND digest = ?", name,
                    hold.key.digest().toString());
        }
        if (h.createdRepository
                && !exists(c, "SELECT 1 FROM registry_blob_links WHERE repository = ?", name)
                && !exists(c, "SELECT 1 FROM registry_manifests WHERE repository = ?", name)
                && !exists(c, "SELECT 1 FROM registry_tags WHERE repository = ?", name)) {
            update(c, "DELETE FROM registry_repositories WHERE name = ?", name);
        }
        finish(hold, h);
    }

    /** After the statements: a failed transaction leaves the hold as it was, to be released again. */
    private void finish(Hold hold, LinkHolds h) {
        hold.released = true;
        if (--h.count == 0) {
            holds.remove(hold.key);
        }
    }

    /** Removes a blob link; true when there was one. */
    Mono<Boolean> unlinkBlob(String name, Digest digest) {
        return db.call(c -> update(c, "DELETE FROM registry_blob_links WHERE repository = ? AND digest = ?",
                name, digest.toString()) > 0);
    }

    /** Those of {@code blobs} not linked to the repository and of {@code manifests} not pushed to it. */
    Mono<Set<Digest>> missing(String name, Collection<Digest> blobs, Collection<Digest> manifests) {
        return db.call(c -> {
            Set<Digest> out = new LinkedHashSet<>();
            for (Digest d : blobs) {
                if (!exists(c, "SELECT 1 FROM registry_blob_links WHERE repository = ? AND digest = ?", name,
                        d.toString())) {
                    out.add(d);
                }
            }
            for (Digest d : manifests) {
                if (!exists(c, "SELECT 1 FROM registry_manifests WHERE repository = ? AND digest = ?", name,
                        d.toString())) {
                    out.add(d);
                }
            }
            return out;
        });
    }

    // ---- manifests and tags

    /** Records a pushed manifest (also as a blob of the repository) and points {@code tag} at it unless null. */
    Mono<Void> putManifest(String name, ManifestRecord m, String tag) {
        return db.transaction(c -> {
            ensureRepository(c, name);
            link(c, name, m.digest());
            update(c, "INSERT INTO registry_manifests (repository, digest, media_type, size, artifact_type, subject,"
                            + " annotations, pushed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT (repository, digest) DO UPDATE SET media_type = excluded.media_type,"
                            + " size = excluded.size, artifact_type = excluded.artifact_type,"
                            + " subject = excluded.subject, annotations = excluded.annotations",
                    name, m.digest().toString(), m.mediaType(), m.size(), m.artifactType(),
                    m.subject() == null ? null : m.subject().toString(),
                    RegistryJson.annotationsToText(m.annotations()), now());
            if (tag != null) {
                update(c, "INSERT INTO registry_tags (repository, tag, digest, updated_at) VALUES (?, ?, ?, ?)"
                                + " ON CONFLICT (repository, tag) DO UPDATE SET digest = excluded.digest,"
                                + " updated_at = excluded.updated_at",
                        name, tag, m.digest().toString(), now());
            }
            return Boolean.TRUE;
        }).then();
    }

    /** The manifest a tag points at in the repository. */
    Mono<Optional<ManifestRecord>> manifestByTag(String name, String tag) {
        return db.call(c -> one(c, "SELECT m.digest, m.media_type, m.size, m.artifact_type, m.subject,"
                + " m.annotations FROM registry_tags t JOIN registry_manifests m ON m.repository = t.repository"
                + " AND m.digest = t.digest WHERE t.repository = ? AND t.tag = ?", name, tag));
    }

    Mono<Optional<ManifestRecord>> manifestByDigest(String name, Digest digest) {
        return db.call(c -> one(c, "SELECT digest, media_type, size, artifact_type, subject, annotations"
                + " FROM registry_manifests WHERE repository = ? AND digest = ?", name, digest.toString()));
    }

    /** Deletes a manifest from the repository with every tag pointing at it; true when it was there. */
    Mono<Boolean> deleteManifest(String name, Digest digest) {
        return db.transaction(c -> {
            int n = update(c, "DELETE FROM registry_manifests WHERE repository = ? AND digest = ?", name,
                    digest.toString());
            if (n > 0) {
                update(c, "DELETE FROM registry_tags WHERE repository = ? AND digest = ?", name, digest.toString());
                update(c, "DELETE FROM registry_blob_links WHERE repository = ? AND digest = ?", name,
                        digest.toString());
            }
            return n > 0;
        });
    }

    /** Deletes a tag; true when it existed. */
    Mono<Boolean> deleteTag(String name, String tag) {
        return db.call(c -> update(c, "DELETE FROM registry_tags WHERE repository = ? AND tag = ?", name, tag) > 0);
    }

    /** Up to {@code limit} tags after {@code last} (null: from the start) in byte order; empty when no repository. */
    Mono<Optional<TagPage>> tags(String name, String last, int limit) {
        return db.call(c -> {
            if (!exists(c, "SELECT 1 FROM registry_repositories WHERE name = ?", name)) {
                return Optional.empty();
            }
            List<String> tags = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT tag FROM registry_tags WHERE repository = ?"
                    + " AND tag > ? ORDER BY tag LIMIT ?")) {
                ps.setString(1, name);
                ps.setString(2, last == null ? "" : last);
                ps.setLong(3, (long) limit + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tags.add(rs.getString(1));
                    }
                }
            }
            boolean more = tags.size() > limit;
            return Optional.of(new TagPage(more ? List.copyOf(tags.subList(0, limit)) : List.copyOf(tags), more));
        });
    }

    /** The manifests of the repository whose subject is {@code subject}, in digest order. */
    Mono<List<ManifestRecord>> referrers(String name, Digest subject) {
        return db.call(c -> {
            List<ManifestRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT digest, media_type, size, artifact_type, subject,"
                    + " annotations FROM registry_manifests WHERE repository = ? AND subject = ? ORDER BY digest")) {
                ps.setString(1, name);
                ps.setString(2, subject.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(record(rs));
                    }
                }
            }
            return out;
        });
    }

    // ---- upload sessions

    /** A new upload session and its hold on the link of the blob it is to complete. */
    record HeldUpload(String id, Hold hold) {
    }

    /** {@link #createUpload} and {@link #hold} in one transaction. */
    Mono<HeldUpload> createHeldUpload(String name, Digest digest) {
        return db.transaction(c -> {
            String id = UUID.randomUUID().toString();
            update(c, "INSERT INTO registry_uploads (id, repository, started_at) VALUES (?, ?, ?)", id, name, now());
            return new HeldUpload(id, hold(c, name, digest));
        });
    }

    /**
     * {@link #hold} for the completion of session {@code id}, in the transaction that checks the session is one of
     * repository {@code name}; empty when it is not (or is unknown).
     */
    Mono<Hold> holdForUpload(String id, String name, Digest digest) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT repository FROM registry_uploads WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !rs.getString(1).equals(name)) {
                        return null;
                    }
                }
            }
            return hold(c, name, digest);
        });
    }

    /** An upload given up: forget the session and end its hold without keeping the link, in one transaction. */
    Mono<Void> abandonUpload(String id, Hold hold) {
        return db.transaction(c -> {
            update(c, "DELETE FROM registry_uploads WHERE id = ?", id);
            end(c, hold, false);
            return Boolean.TRUE;
        }).then();
    }

    /** Records a new upload session of the repository and returns its id (a random UUID). */
    Mono<String> createUpload(String name) {
        return db.call(c -> {
            // generated here, off the event loop: UUID.randomUUID reads the OS entropy source
            String id = UUID.randomUUID().toString();
            update(c, "INSERT INTO registry_uploads (id, repository, started_at) VALUES (?, ?, ?)", id, name, now());
            return id;
        });
    }

    /** The repository of an upload session, if the session exists. */
    Mono<Optional<String>> uploadRepository(String id) {
        return db.call(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT repository FROM registry_uploads WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    Mono<Void> deleteUpload(String id) {
        return db.call(c -> update(c, "DELETE FROM registry_uploads WHERE id = ?", id)).then();
    }

    /** A session committed: keep the held link and forget the session, in one transaction. */
    Mono<Void> completeUpload(String id, Hold hold) {
        return db.transaction(c -> {
            ensureRepository(c, hold.key.name());
            link(c, hold.key.name(), hold.key.digest());
            update(c, "DELETE FROM registry_uploads WHERE id = ?", id);
            end(c, hold, true);
            return Boolean.TRUE;
        }).then();
    }

    // ---- helpers, on the database thread

    /** True when the repository is new. */
    private static boolean ensureRepository(Connection c, String name) throws SQLException {
        return update(c, "INSERT OR IGNORE INTO registry_repositories (name, created_at) VALUES (?, ?)", name,
                now()) > 0;
    }

    /** True when the link is new. */
    private static boolean link(Connection c, String name, Digest digest) throws SQLException {
        return update(c, "INSERT OR IGNORE INTO registry_blob_links (repository, digest, linked_at) VALUES (?, ?, ?)",
                name, digest.toString(), now()) > 0;
    }

    private static Optional<ManifestRecord> one(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(record(rs)) : Optional.empty();
        }
    }

    private static ManifestRecord record(ResultSet rs) throws SQLException {
        String subject = rs.getString(5);
        return new ManifestRecord(Digest.parse(rs.getString(1)), rs.getString(2), rs.getLong(3), rs.getString(4),
                subject == null ? null : Digest.parse(subject), RegistryJson.annotationsFromText(rs.getString(6)));
    }

    private static boolean exists(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }

    private static String now() {
        return Instant.now().toString();
    }
}
