package io.stowage.metadata;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the prepared statements of one connection for reuse: SQLite compiles each statement text on
 * {@code prepareStatement}, which cost a quarter of the metadata thread's time on small uploads (a handful of
 * statements per blob, compiled anew every time).
 *
 * <p>{@link #connection()} is the connection as the units of work see it: {@code prepareStatement(String)} hands out
 * a cached statement, whose {@code close()} closes the result set it produced last (which resets the statement, so
 * that it holds no read snapshot) and clears its parameters and batch instead of finalising it; a statement that
 * failed is finalised on close and prepared anew on its next use (SQLite leaves it unusable after some errors). Everything else goes to the
 * real connection. At most {@link #MAX} statements are kept, the least recently used closed first.
 *
 * <p>Not thread-safe: confined to the database thread, like the connection.
 */
final class StatementCache {
    static final int MAX = 128;

    private final Connection real;
    private final Connection view;
    private final Map<String, Cached> statements = new LinkedHashMap<>(64, 0.75f, true);

    StatementCache(Connection real) {
        this.real = real;
        this.view = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, this::onConnection);
    }

    /** The connection to hand to units of work. */
    Connection connection() {
        return view;
    }

    /** Finalises every kept statement; before the connection is closed. */
    void clear() {
        for (Cached c : statements.values()) {
            closeQuietly(c.statement);
        }
        statements.clear();
    }

    private Object onConnection(Object proxy, Method m, Object[] args) throws Throwable {
        if (m.getName().equals("prepareStatement") && args != null && args.length == 1 && args[0] instanceof String sql) {
            return prepare(sql);
        }
        if (m.getName().equals("close")) {
            clear();
        }
        return invoke(real, m, args);
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        Cached c = statements.get(sql);
        if (c != null && c.inUse) {
            // the same text again while the first is still open (a query inside a loop over its own results)
            return real.prepareStatement(sql);
        }
        if (c == null || c.statement.isClosed()) {
            c = new Cached(real.prepareStatement(sql));
            statements.put(sql, c);
            evict();
        }
        c.inUse = true;
        return c.view;
    }

    private void evict() {
        Iterator<Cached> it = statements.values().iterator();
        while (statements.size() > MAX && it.hasNext()) {
            closeQuietly(it.next().statement);
            it.remove();
        }
    }

    private static void closeQuietly(PreparedStatement ps) {
        try {
            ps.close();
        } catch (SQLException e) {
            // finalising a statement cannot lose data
        }
    }

    private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** One kept statement and the view handed out for it. */
    private static final class Cached implements InvocationHandler {
        final PreparedStatement statement;
        final PreparedStatement view;
        private ResultSet last;
        private boolean failed;
        /** Handed out and not closed yet. */
        boolean inUse;

        Cached(PreparedStatement statement) {
            this.statement = statement;
            this.view = (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, this);
        }

        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            switch (m.getName()) {
                case "close" -> {
                    release();
                    return null;
                }
                case "isClosed" -> {
                    return !inUse;
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                default -> {
                    Object result;
                    try {
                        result = StatementCache.invoke(statement, m, args);
                    } catch (SQLException e) {
                        failed = true;
                        throw e;
                    }
                    if (result instanceof ResultSet rs) {
                        last = rs;
                    }
                    return result;
                }
            }
        }

        /** Makes the statement ready for its next use; one that failed (disk full, ...) is finalised instead. */
        private void release() {
            inUse = false;
            ResultSet rs = last;
            last = null;
            try {
                if (!failed) {
                    if (rs != null) {
                        rs.close();
                    }
                    statement.clearParameters();
                    statement.clearBatch();
                    return;
                }
            } catch (SQLException e) {
                // not reusable: finalised below, prepared anew next time
            }
            failed = false;
            closeQuietly(statement);
        }
    }
}
