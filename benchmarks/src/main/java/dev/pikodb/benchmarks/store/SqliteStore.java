package dev.pikodb.benchmarks.store;

import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.UserProfile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SQLite in WAL mode, one table {@code (key TEXT PRIMARY KEY, value TEXT)} per table, values as JSON
 * text decoded with the shared mapper. Autocommit: one transaction per write.
 */
final class SqliteStore implements KeyValueStore {

    /** The file name inside the store's directory. */
    static final String FILE_NAME = "bench.sqlite";

    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, PreparedStatement[]> statements = new HashMap<>();
    private final Set<String> created = new HashSet<>();

    SqliteStore(Path directory, boolean durable) {
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve(FILE_NAME));
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=" + (durable ? "FULL" : "NORMAL"));
                statement.execute("PRAGMA busy_timeout=60000");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot open SQLite database in " + directory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void write(String table, String key, UserProfile value) {
        String json = Profiles.MAPPER.writeValueAsString(value);
        lock.lock();
        try {
            PreparedStatement upsert = statements(table)[0];
            upsert.setString(1, key);
            upsert.setString(2, json);
            upsert.executeUpdate();
        } catch (SQLException e) {
            throw failure("write key " + key + " to", table, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void writeAll(String table, Map<String, UserProfile> values) {
        inTransaction(table, 0, values.entrySet(), (statement, entry) -> {
            statement.setString(1, entry.getKey());
            statement.setString(2, Profiles.MAPPER.writeValueAsString(entry.getValue()));
        });
    }

    @Override
    public void deleteAll(String table, Iterable<String> keys) {
        inTransaction(table, 3, keys, (statement, key) -> statement.setString(1, key));
    }

    @Override
    public Object readUntyped(String table, String key) {
        return Profiles.MAPPER.readValue(readText(table, key), Map.class);
    }

    @Override
    public UserProfile readTyped(String table, String key) {
        return Profiles.MAPPER.readValue(readText(table, key), UserProfile.class);
    }

    @Override
    public int readAll(String table) {
        lock.lock();
        try (ResultSet rows = statements(table)[2].executeQuery()) {
            int count = 0;
            while (rows.next()) {
                Map<?, ?> value = Profiles.MAPPER.readValue(rows.getString(2), Map.class);
                if (value != null && rows.getString(1) != null) {
                    count++;
                }
            }
            return count;
        } catch (SQLException e) {
            throw failure("scan", table, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() {
        lock.lock();
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            throw failure("checkpoint", "*", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            for (PreparedStatement[] prepared : statements.values()) {
                for (PreparedStatement statement : prepared) {
                    statement.close();
                }
            }
            connection.close();
        } catch (SQLException e) {
            throw failure("close", "*", e);
        } finally {
            lock.unlock();
        }
    }

    private String readText(String table, String key) {
        lock.lock();
        try {
            PreparedStatement select = statements(table)[1];
            select.setString(1, key);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("Key " + key + " missing from SQLite table " + table);
                }
                return rows.getString(1);
            }
        } catch (SQLException e) {
            throw failure("read key " + key + " from", table, e);
        } finally {
            lock.unlock();
        }
    }

    /** upsert, select one, select all, delete one; created on first use. Call with the lock held. */
    private PreparedStatement[] statements(String table) throws SQLException {
        PreparedStatement[] prepared = statements.get(table);
        if (prepared == null) {
            String name = "\"" + table.replace("\"", "\"\"") + "\"";
            if (created.add(table)) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE TABLE IF NOT EXISTS " + name + " (key TEXT PRIMARY KEY, value TEXT)");
                }
            }
            prepared = new PreparedStatement[] {
                connection.prepareStatement("INSERT INTO " + name + " (key, value) VALUES (?, ?)"
                        + " ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
                connection.prepareStatement("SELECT value FROM " + name + " WHERE key = ?"),
                connection.prepareStatement("SELECT key, value FROM " + name),
                connection.prepareStatement("DELETE FROM " + name + " WHERE key = ?"),
            };
            statements.put(table, prepared);
        }
        return prepared;
    }

    private interface Binder<T> {
        void bind(PreparedStatement statement, T item) throws SQLException;
    }

    private <T> void inTransaction(String table, int statementIndex, Iterable<T> items, Binder<T> binder) {
        lock.lock();
        try {
            PreparedStatement statement = statements(table)[statementIndex];
            connection.setAutoCommit(false);
            try {
                for (T item : items) {
                    binder.bind(statement, item);
                    statement.executeUpdate();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure("batch-update", table, e);
        } finally {
            lock.unlock();
        }
    }

    private static IllegalStateException failure(String action, String table, SQLException e) {
        return new IllegalStateException("SQLite could not " + action + " table " + table + ": " + e.getMessage(), e);
    }
}
