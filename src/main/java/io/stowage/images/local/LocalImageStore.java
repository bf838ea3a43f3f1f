package io.stowage.images.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.content.ContentException;
import io.stowage.content.Descriptor;
import io.stowage.content.Digest;
import io.stowage.filters.Filter;
import io.stowage.filters.Filters;
import io.stowage.images.Image;
import io.stowage.images.ImageFilters;
import io.stowage.images.ImageStore;
import io.stowage.metadata.MetadataDb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An {@link ImageStore} in the {@code images} table of a {@link MetadataDb}:
 * <pre>
 *   images(name TEXT PRIMARY KEY, media_type TEXT, digest TEXT, size INTEGER, annotations TEXT (JSON),
 *          created_at INTEGER (ns since the epoch), updated_at INTEGER, labels TEXT (JSON))
 * </pre>
 * Every call runs on the database's own thread; a put is one transaction (read createdAt, upsert). The database
 * is shared and not owned: {@link #close()} leaves it open. Thread-safe.
 */
public final class LocalImageStore implements ImageStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {
    };
    private static final String COLUMNS = "name, media_type, digest, size, annotations, created_at, updated_at, labels";

    private final MetadataDb db;
    private final Clock clock;

    private LocalImageStore(MetadataDb db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * An image store on {@code db}, creating its table when missing. Blocking (the migration): call it at start-up,
     * not on an event loop.
     */
    public static LocalImageStore open(MetadataDb db) {
        return open(db, Clock.systemUTC());
    }

    /** As {@link #open(MetadataDb)}, with the clock that stamps createdAt and updatedAt. */
    public static LocalImageStore open(MetadataDb db, Clock clock) {
        db.migrate("""
                CREATE TABLE IF NOT EXISTS images (
                  name        TEXT PRIMARY KEY,
                  media_type  TEXT,
                  digest      TEXT NOT NULL,
                  size        INTEGER NOT NULL,
                  annotations TEXT NOT NULL DEFAULT '{}',
                  created_at  INTEGER NOT NULL,
                  updated_at  INTEGER NOT NULL,
                  labels      TEXT NOT NULL DEFAULT '{}'
                )""");
        return new LocalImageStore(db, clock);
    }

    @Override
    public Mono<Image> get(String name) {
        return Mono.defer(() -> {
            Image.validateName(name);
            return db.call(c -> select(c, name));
        }).switchIfEmpty(Mono.error(() -> ContentException.notFound("image " + name + ": not found")));
    }

    @Override
    public Flux<Image> list(List<String> filters) {
        return Mono.fromCallable(() -> Filters.parse(filters))
                .flatMapMany(filter -> db.call(LocalImageStore::selectAll)
                        .flatMapIterable(all -> all)
                        .filter(image -> matches(filter, image)));
    }

    private static boolean matches(Filter filter, Image image) {
        return filter.matches(fieldpath -> ImageFilters.field(image, fieldpath));
    }

    @Override
    public Mono<Image> put(Image image) {
        return db.transaction(c -> {
            Image existing = select(c, image.name());
            Instant now = clock.instant();
            Image stored = image.withTimes(existing == null ? now : existing.createdAt(), now);
            upsert(c, stored);
            return stored;
        });
    }

    @Override
    public Mono<Void> delete(String name) {
        return Mono.defer(() -> {
            Image.validateName(name);
            return db.call(c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM images WHERE name = ?")) {
                    ps.setString(1, name);
                    return ps.executeUpdate();
                }
            });
        }).flatMap(n -> n == 0 ? Mono.error(ContentException.notFound("image " + name + ": not found"))
                : Mono.empty());
    }

    @Override
    public void close() {
        // the database is shared: its owner closes it
    }

    private static Image select(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM images WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    private static List<Image> selectAll(Connection c) throws SQLException {
        List<Image> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM images ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(read(rs));
            }
        }
        return out;
    }

    private static Image read(ResultSet rs) throws SQLException {
        Descriptor target = new Descriptor(rs.getString(2), Digest.parse(rs.getString(3)), rs.getLong(4),
                parse(rs.getString(5)));
        return new Image(rs.getString(1), target, fromNanos(rs.getLong(6)), fromNanos(rs.getLong(7)),
                parse(rs.getString(8)));
    }

    private static void upsert(Connection c, Image image) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO images (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?)"
                + " ON CONFLICT(name) DO UPDATE SET media_type = excluded.media_type, digest = excluded.digest,"
                + " size = excluded.size, annotations = excluded.annotations, created_at = excluded.created_at,"
                + " updated_at = excluded.updated_at, labels = excluded.labels")) {
            ps.setString(1, image.name());
            ps.setString(2, image.target().mediaType());
            ps.setString(3, image.target().digest().toString());
            ps.setLong(4, image.target().size());
            ps.setString(5, format(image.target().annotations()));
            ps.setLong(6, toNanos(image.createdAt()));
            ps.setLong(7, toNanos(image.updatedAt()));
            ps.setString(8, format(image.labels()));
            ps.executeUpdate();
        }
    }

    private static long toNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static Instant fromNanos(long n) {
        return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
    }

    private static Map<String, String> parse(String s) {
        try {
            return JSON.readValue(s, MAP);
        } catch (JsonProcessingException e) {
            throw ContentException.internal("images: unreadable JSON column", e);
        }
    }

    private static String format(Map<String, String> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw ContentException.internal("images: cannot write JSON column", e);
        }
    }
}
