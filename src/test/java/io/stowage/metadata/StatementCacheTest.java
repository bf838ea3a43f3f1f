package io.stowage.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatementCacheTest {
    @TempDir
    Path dir;
    private Connection real;
    private StatementCache cache;
    private Connection c;

    @BeforeEach
    void open() throws SQLException {
        real = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
        cache = new StatementCache(real);
        c = cache.connection();
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
        }
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    @Test
    void theSameTextIsPreparedOnceAndAnswersEachTimeWithItsOwnParameters() throws SQLException {
        for (int i = 0; i < 3; i++) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
                ps.setInt(1, i);
                ps.setString(2, "v" + i);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
        PreparedStatement first = c.prepareStatement("SELECT v FROM t WHERE k = ?");
        PreparedStatement underlying = first.unwrap(PreparedStatement.class);
        first.close();
        for (int i = 0; i < 3; i++) {
            try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t WHERE k = ?")) {
                assertThat(ps.unwrap(PreparedStatement.class)).isSameAs(underlying);
                ps.setInt(1, i);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("v" + i);
                }
            }
        }
    }

    @Test
    void closingResetsAStatementLeftMidResultAndClearsItsParameters() throws SQLException {
        for (int i = 0; i < 3; i++) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, 'x')")) {
                ps.setInt(1, i);
                ps.executeUpdate();
            }
        }
        PreparedStatement ps = c.prepareStatement("SELECT k FROM t WHERE k >= ?");
        ps.setInt(1, 0);
        ResultSet rs = ps.executeQuery();
        assertThat(rs.next()).isTrue();
        ps.close(); // the result set was left after its first row
        // a statement still stepping through t would make SQLite refuse to drop it (SQLITE_LOCKED)
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE t");
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
        }
        try (PreparedStatement again = c.prepareStatement("SELECT ? IS NULL")) {
            again.setString(1, "set");
            try (ResultSet r = again.executeQuery()) {
                r.next();
                assertThat(r.getInt(1)).isZero();
            }
        }
        try (PreparedStatement again = c.prepareStatement("SELECT ? IS NULL");
             ResultSet r = again.executeQuery()) {
            r.next();
            assertThat(r.getInt(1)).as("the parameter of the last use is gone").isEqualTo(1);
        }
    }

    @Test
    void theSameTextPreparedAgainWhileOpenIsAStatementOfItsOwn() throws SQLException {
        for (int i = 0; i < 3; i++) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, 'x')")) {
                ps.setInt(1, i);
                ps.executeUpdate();
            }
        }
        int pairs = 0;
        try (PreparedStatement outer = c.prepareStatement("SELECT k FROM t WHERE k >= ? ORDER BY k");) {
            outer.setInt(1, 0);
            try (ResultSet rs = outer.executeQuery()) {
                while (rs.next()) {
                    try (PreparedStatement inner = c.prepareStatement("SELECT k FROM t WHERE k >= ? ORDER BY k")) {
                        inner.setInt(1, rs.getInt(1));
                        try (ResultSet in = inner.executeQuery()) {
                            while (in.next()) {
                                pairs++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(pairs).isEqualTo(3 + 2 + 1);
    }

    @Test
    void theLeastRecentlyUsedStatementsAreFinalisedBeyondTheBound() throws SQLException {
        PreparedStatement oldest = c.prepareStatement("SELECT 0");
        PreparedStatement underlying = oldest.unwrap(PreparedStatement.class);
        oldest.close();
        for (int i = 1; i <= StatementCache.MAX; i++) {
            c.prepareStatement("SELECT " + i).close();
        }
        assertThat(underlying.isClosed()).isTrue();
        try (PreparedStatement ps = c.prepareStatement("SELECT 0"); ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isZero();
        }
    }
}
