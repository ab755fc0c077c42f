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
     * Opens what was written and makes every record usable: PikoDB's {@code start()}, which loads
     * every table; SQLite's open followed by reading and decoding every row. Returns the number of
     * records found; the store is closed again (the close is part of neither timing of W9).
     *
     * @param kind the store
     * @param directory its directory
     * @param timer receives the time of opening and loading, before the records are counted and closed
     * @return the records found
     */
    public static long reopen(StoreKind kind, Path directory, java.util.function.LongConsumer timer) {
        long start = System.nanoTime();
        if (kind == StoreKind.PIKODB) {
            try (PikoDB db = pikodb(directory)) {
                timer.accept(System.nanoTime() - start);
                long records = 0;
                for (String table : db.listTables()) {
                    records += db.getTableSize(table);
                }
                return records;
            }
        }
        try (Connection connection = sqlite(directory);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT tbl, key, value FROM kv")) {
            long records = 0;
            while (rows.next()) {
                Map<?, ?> value = Profiles.MAPPER.readValue(rows.getString(3), Map.class);
                if (value != null && rows.getString(1) != null && rows.getString(2) != null) {
                    records++;
                }
            }
            timer.accept(System.nanoTime() - start);
            return records;
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
