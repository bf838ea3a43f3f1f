package io.stowage.metadata;

import io.stowage.content.ContentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The embedded metadata database: one SQLite file ({@code metadata.db} under the store root) in WAL mode, used
 * through a single connection confined to one dedicated thread, so every call is serialised (read-modify-write
 * sequences are atomic without extra locking) and never runs on the caller's thread. Prepared statements are kept
 * and reused ({@link StatementCache}): units of work prepare and close them as usual.
 *
 * <p>SQLite was chosen because it is the most widely deployed embedded database, crash-safe by design (atomic
 * commits through its write-ahead log survive {@code kill -9}), needs no server, and its file can be inspected
 * with the {@code sqlite3} shell. {@code synchronous=NORMAL} in WAL mode keeps every committed transaction across
 * a process crash; only a power loss may drop the last transactions.
 *
 * <p>Thread-safe. Errors are signalled as {@link ContentException}: RESOURCE_EXHAUSTED when the disk is full
 * ({@code SQLITE_FULL}; the transaction is rolled back and the database stays usable), INTERNAL otherwise.
 */
public final class MetadataDb implements AutoCloseable {
    /** A unit of work on the connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private static final int SQLITE_FULL = 13;

    private final Connection connection;
    private final Scheduler thread;

    private MetadataDb(Connection connection, Scheduler thread) {
        this.connection = new StatementCache(connection).connection();
        this.thread = thread;
    }

    /** Opens (creating if needed) the database file. Blocking: call it at startup, not on an event loop. */
    public static MetadataDb open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("PRAGMA foreign_keys=ON");
            }
            // A plain executor thread, not Schedulers.newSingle: those are marked non-blocking, and JDBC blocks.
            // A scheduled executor, because submitting to it from an event loop must not park: the lock of a
            // LinkedBlockingQueue does under contention (BlockHound saw it with 1000 concurrent readers), the
            // DelayedWorkQueue of a ScheduledThreadPoolExecutor is allowed by Reactor's BlockHound integration.
            Scheduler thread = Schedulers.fromExecutorService(Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "stowage-metadata");
                t.setDaemon(true);
                return t;
            }), "stowage-metadata");
            return new MetadataDb(c, thread);
        } catch (Exception e) {
            throw ContentException.internal("metadata db " + file + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} on the database thread. */
    public <T> Mono<T> call(Work<T> work) {
        return Mono.fromCallable(() -> {
            try {
                return work.run(connection);
            } catch (SQLException e) {
                throw error(e);
            }
        }).subscribeOn(thread);
    }

    /** SQLITE_FULL (primary result code 13): out of space, as for data files; anything else is internal. */
    static ContentException error(SQLException e) {
        String msg = String.valueOf(e.getMessage());
        if ((e.getErrorCode() & 0xff) == SQLITE_FULL || msg.contains("SQLITE_FULL")) {
            return ContentException.resourceExhausted("metadata db: no space left on device (" + msg + ")", e);
        }
        return ContentException.internal("metadata db: " + msg, e);
    }

    /** Runs {@code work} in one transaction on the database thread. */
    public <T> Mono<T> transaction(Work<T> work) {
        return call(c -> {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    /** Runs schema statements synchronously; for start-up only. */
    public void migrate(String... ddl) {
        call(c -> {
            try (Statement s = c.createStatement()) {
                for (String stmt : ddl) {
                    s.execute(stmt);
                }
            }
            return Boolean.TRUE;
        }).block();
    }

    @Override
    public void close() {
        call(c -> {
            c.close();
            return Boolean.TRUE;
        }).onErrorResume(e -> Mono.empty()).block();
        thread.dispose();
    }
}
