package dev.pikodb.benchmarks.workload;

import dev.pikodb.PikoDB;
import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.store.StoreKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The data side of W9, shared by the measuring JVM and the child JVM that is killed: many small
 * tables written one record at a time in the default mode, to PikoDB (one PikoDB table per table) or
 * to SQLite (WAL, {@code synchronous=NORMAL}, autocommit; one SQL table whose primary key is
 * {@code (tbl, key)}), and the reopening of what was written.
 */
public final class ManyTables {

    private static final String SQLITE_FILE = "many.sqlite";

    private ManyTables() {
    }

    /** An open store receiving the records. */
    public interface Writer extends AutoCloseable {
        /**
         * Writes one record as its own acknowledged write.
         *
         * @param table the table number
         * @param record the record number within the table
         * @param profiles the values
         */
        void write(int table, int record, Profiles profiles);

        /** Closes the store cleanly. */
        @Override
        void close();
    }

    /**
     * The name of a table.
     *
     * @param table its number
     * @return e.g. {@code t000042}
     */
    public static String tableName(int table) {
        return String.format(Locale.ROOT, "t%06d", table);
    }

    /**
     * Opens a store for writing in the default mode.
     *
     * @param kind {@link StoreKind#PIKODB} or {@link StoreKind#SQLITE}
     * @param directory its directory, created when missing
     * @return the writer
     */
    public static Writer open(StoreKind kind, Path directory) {
        createDirectory(directory);
        if (kind == StoreKind.PIKODB) {
            PikoDB db = pikodb(directory);
            return new Writer() {
                @Override
                public void write(int table, int record, Profiles profiles) {
                    db.write(tableName(table), Profiles.key(record), profiles.value(table * 31 + record));
                }

                @Override
                public void close() {
                    db.close();
                }
            };
        }
        if (kind != StoreKind.SQLITE) {
            throw new IllegalArgumentException("The many-tables workload compares PikoDB with SQLite only, not " + kind);
        }
        Connection connection = sqlite(directory);
        try {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS kv (tbl TEXT NOT NULL, key TEXT NOT NULL, value TEXT,"
                        + " PRIMARY KEY (tbl, key))");
            }
            PreparedStatement upsert = connection.prepareStatement("INSERT INTO kv (tbl, key, value) VALUES (?, ?, ?)"
                    + " ON CONFLICT(tbl, key) DO UPDATE SET value = excluded.value");
            return new Writer() {
                @Override
                public void write(int table, int record, Profiles profiles) {
                    try {
                        upsert.setString(1, tableName(table));
                        upsert.setString(2, Profiles.key(record));
                        upsert.setString(3, Profiles.MAPPER.writeValueAsString(profiles.value(table * 31 + record)));
                        upsert.executeUpdate();
                    } catch (SQLException e) {
                        throw new IllegalStateException("SQLite could not write table " + tableName(table) + " in "
                                + directory + ": " + e.getMessage(), e);
                    }
                }

                @Override
                public void close() {
                    try {
                        upsert.close();
                        connection.close();
                    } catch (SQLException e) {
                        throw new IllegalStateException("SQLite could not close " + directory + ": " + e.getMessage(), e);
                    }
                }
            };
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the SQLite table in " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * What one reopening measured, each time from the same start (before opening).
     *
     * @param records the records found, each read and decoded
     * @param openedNanos until the store was open: PikoDB's {@code start()}, which loads every table
     *        and keeps each record's JSON bytes; SQLite's open followed by reading and decoding every
     *        row (what W9's reopen rows have always compared)
     * @param firstReadNanos until the first record of the first table was read and decoded
     * @param decodedNanos until every record was read and decoded
     */
    public record Reopened(long records, long openedNanos, long firstReadNanos, long decodedNanos) {
    }

    /**
     * Opens what was written, reads and decodes the first record, then every record; the store is
     * closed again (the close is part of no timing of W9).
     *
     * @param kind the store
     * @param directory its directory
     * @return the records found and the times
     */
    public static Reopened reopen(StoreKind kind, Path directory) {
        long start = System.nanoTime();
        if (kind == StoreKind.PIKODB) {
            try (PikoDB db = pikodb(directory)) {
                long opened = System.nanoTime() - start;
                Object first = db.get(tableName(0), Profiles.key(0));
                long firstRead = System.nanoTime() - start;
                long records = 0;
                for (String table : db.listTables()) {
                    for (Map.Entry<String, Object> entry : db.get(table)) {
                        if (entry.getValue() instanceof Map<?, ?>) {
                            records++;
                        }
                    }
                }
                long decoded = System.nanoTime() - start;
                return new Reopened(first == null ? 0 : records, opened, firstRead, decoded);
            }
        }
        try (Connection connection = sqlite(directory)) {
            long firstRead;
            boolean foundFirst;
            try (PreparedStatement select = connection.prepareStatement("SELECT value FROM kv WHERE tbl = ? AND key = ?")) {
                select.setString(1, tableName(0));
                select.setString(2, Profiles.key(0));
                try (ResultSet row = select.executeQuery()) {
                    foundFirst = row.next() && Profiles.MAPPER.readValue(row.getString(1), Map.class) != null;
                }
                firstRead = System.nanoTime() - start;
            }
            long records = 0;
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT tbl, key, value FROM kv")) {
                while (rows.next()) {
                    Map<?, ?> value = Profiles.MAPPER.readValue(rows.getString(3), Map.class);
                    if (value != null && rows.getString(1) != null && rows.getString(2) != null) {
                        records++;
                    }
                }
            }
            long decoded = System.nanoTime() - start;
            return new Reopened(foundFirst ? records : 0, decoded, firstRead, decoded);
        } catch (SQLException e) {
            throw new IllegalStateException("SQLite could not reopen " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * The number of open file descriptors of a process, from {@code /proc/<pid>/fd} (Linux only).
     *
     * @param pid the process, or {@code self}
     * @return the count, or -1 where {@code /proc} is not available
     */
    public static long openFiles(String pid) {
        Path fds = Path.of("/proc", pid, "fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (Stream<Path> entries = Files.list(fds)) {
            return entries.count();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + fds, e);
        }
    }

    private static PikoDB pikodb(Path directory) {
        return Profiles.startPikoDB(directory, false);
    }

    private static Connection sqlite(Path directory) {
        try {
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve(SQLITE_FILE));
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=NORMAL");
                statement.execute("PRAGMA busy_timeout=60000");
            }
            return connection;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot open SQLite in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static void createDirectory(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + directory, e);
        }
    }
}
