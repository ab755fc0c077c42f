package dev.pikodb.benchmarks.workload;

import dev.pikodb.PikoDB;
import dev.pikodb.Query;
import dev.pikodb.QueryResult;
import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Directories;
import dev.pikodb.benchmarks.Profiles;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * W13: queries from secondary indexes, embedded. A table of notes ({@code owner} shared by 10 notes,
 * {@code created} a distinct number, two {@code tags}, a title and a body) is held by PikoDB with
 * indexes on {@code /owner}, {@code /created} and {@code /tags}, and by SQLite as JSON text in a
 * column with an index on each extracted field ({@code json_extract(value, '$.owner')}, ...), the way
 * a SQLite user indexes JSON. Both decode the returned values to maps.
 *
 * <p>Rows: {@code find(eq)} returning 10 records (also against the same answer from a scan of the
 * whole table, as a derived query found it before indexes), a range of 100 records sorted, writes to a table
 * with the 3 indexes against the same writes without indexes, the heap an index entry takes, the
 * start time of the database with the 3 indexes against the same data without index definitions
 * ({@code start()} returns once the records are loaded; the indexes are built after it, in the
 * background), and the time from start until the indexes answer: {@code start()} then one query on
 * each index, to its first answer, against {@code start()} then one get of the data without indexes.
 *
 * <p>The range, start and until-ready rows run each repetition on a collected heap, at least 5
 * times after at least 2 warm-up rounds, both participants alike ({@code OperationalRuns}, {@link dev.pikodb.benchmarks.CollectedHeap}):
 * without it, their slow repetitions were those that paid a young collection or fresh heap pages left
 * by the turn before them.
 */
public final class QueryWorkload {

    /** The table. */
    public static final String TABLE = "notes";

    /** Whole-table scans per repetition of {@link #pikodbScanEq}. */
    private static final int SCANS = 3;

    private final BenchConfig config;
    private final int records;
    private final int queries;
    private long sink;

    /**
     * Creates the workload.
     *
     * @param config the configuration: its W10 record count is the table's size
     */
    public QueryWorkload(BenchConfig config) {
        this.config = config;
        this.records = config.sizes().loadRecords();
        this.queries = Math.max(100, config.pointReads() / 20);
    }

    /** @return the row name of find(eq) */
    public String eqName() {
        return String.format(Locale.ROOT, "W13 find(eq) 10 of %,d records (us/query)", records);
    }

    /** @return the row name of the sorted range */
    public String rangeName() {
        return String.format(Locale.ROOT, "W13 range of 100 sorted of %,d records (us/query)", records);
    }

    /** @return the row name of the writes */
    public String writeName() {
        return String.format(Locale.ROOT, "W13 overwrites in a table of %,d records", records);
    }

    /** @return the row name of the start time */
    public String startName() {
        return String.format(Locale.ROOT, "W13 start with a table of %,d records", records);
    }

    /** @return the row name of the time from start until the indexes answer */
    public String readyName() {
        return String.format(Locale.ROOT, "W13 start until indexes are ready, %,d records", records);
    }

    /**
     * The note with number {@code i}.
     *
     * @param i the note's number
     * @param records the table's size (10 notes per owner)
     * @return the note
     */
    public static Map<String, Object> note(int i, int records) {
        Map<String, Object> note = new LinkedHashMap<>();
        note.put("owner", "user" + (i % Math.max(1, records / 10)));
        note.put("created", 1_700_000_000_000L + i);
        note.put("tags", List.of("t" + (i % 7), "u" + (i % 11)));
        note.put("title", "Note number " + i);
        note.put("body", "Some text of the note, long enough to look like a short note in an application " + i);
        return note;
    }

    /**
     * The key of note {@code i}.
     *
     * @param i the note's number
     * @return the key
     */
    public static String key(int i) {
        return String.format(Locale.ROOT, "note%08d", i);
    }

    /** A PikoDB database with the table, with or without the 3 indexes. */
    public PikoDB openPikoDB(Path directory, boolean indexed) {
        PikoDB db = Profiles.startPikoDB(directory, false);
        if (indexed) {
            createIndexes(db);
        }
        return db;
    }

    /** Creates the 3 indexes. */
    public static void createIndexes(PikoDB db) {
        db.createIndex(TABLE, "owner", "/owner");
        db.createIndex(TABLE, "created", "/created");
        db.createIndex(TABLE, "tags", "/tags");
    }

    /** Fills a PikoDB table. */
    public void fill(PikoDB db) {
        for (int i = 0; i < records; i++) {
            db.write(TABLE, key(i), note(i, records));
        }
    }

    /** Creates and fills the SQLite database. */
    public Connection openSqlite(Path directory) {
        try {
            Files.createDirectories(directory);
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("notes.sqlite"));
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=NORMAL");
                statement.execute("CREATE TABLE notes (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                statement.execute("CREATE INDEX notes_owner ON notes (json_extract(value, '$.owner'))");
                statement.execute("CREATE INDEX notes_created ON notes (json_extract(value, '$.created'))");
            }
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO notes VALUES (?, ?)")) {
                for (int i = 0; i < records; i++) {
                    insert.setString(1, key(i));
                    insert.setString(2, Profiles.MAPPER.writeValueAsString(note(i, records)));
                    insert.addBatch();
                    if (i % 10_000 == 9_999) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            connection.commit();
            connection.setAutoCommit(true);
            return connection;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot prepare the SQLite database of W13 in " + directory + ": " + e, e);
        }
    }

    /** One repetition of find(eq) on PikoDB: microseconds per query. */
    public DoubleSupplier pikodbEq(PikoDB db) {
        SplittableRandom random = new SplittableRandom(13);
        return () -> timePerQuery(() -> {
            QueryResult result = db.find(TABLE, Query.eq("/owner", "user" + random.nextInt(Math.max(1, records / 10))));
            sink += result.records().size();
        });
    }

    /**
     * One repetition of find(eq) answered the way a derived query was before indexes: the whole table
     * read and decoded, then filtered (a few queries per repetition, each reads every record):
     * microseconds per query.
     */
    public DoubleSupplier pikodbScanEq(PikoDB db) {
        SplittableRandom random = new SplittableRandom(13);
        return () -> timePerQuery(SCANS, () -> {
            Object owner = "user" + random.nextInt(Math.max(1, records / 10));
            for (Map.Entry<String, Object> entry : db.get(TABLE)) {
                if (entry.getValue() instanceof Map<?, ?> note && owner.equals(note.get("owner"))) {
                    sink++;
                }
            }
        });
    }

    /** One repetition of the sorted range on PikoDB: microseconds per query. */
    public DoubleSupplier pikodbRange(PikoDB db) {
        SplittableRandom random = new SplittableRandom(14);
        return () -> timePerQuery(() -> {
            long from = 1_700_000_000_000L + random.nextInt(Math.max(1, records - 100));
            QueryResult result = db.find(TABLE, Query.range("/created", from, from + 100).orderBy("/created", true));
            sink += result.records().size();
        });
    }

    /** One repetition of find(eq) on SQLite. */
    public DoubleSupplier sqliteEq(Connection connection) {
        SplittableRandom random = new SplittableRandom(13);
        PreparedStatement select = prepare(connection,
                "SELECT key, value FROM notes WHERE json_extract(value, '$.owner') = ?");
        return () -> timePerQuery(() -> {
            try {
                select.setString(1, "user" + random.nextInt(Math.max(1, records / 10)));
                sink += decodeAll(select);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** One repetition of the sorted range on SQLite. */
    public DoubleSupplier sqliteRange(Connection connection) {
        SplittableRandom random = new SplittableRandom(14);
        PreparedStatement select = prepare(connection, "SELECT key, value FROM notes WHERE json_extract(value, '$.created')"
                + " >= ? AND json_extract(value, '$.created') < ? ORDER BY json_extract(value, '$.created'), key");
        return () -> timePerQuery(() -> {
            try {
                long from = 1_700_000_000_000L + random.nextInt(Math.max(1, records - 100));
                select.setLong(1, from);
                select.setLong(2, from + 100);
                sink += decodeAll(select);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * The overwrites of one repetition: a fifth of the table, at most 20,000 and at least the run's
     * sequential writes. At the run's 2,000 sequential writes a repetition lasted 20-50 ms, and the
     * row moved by up to half between runs; 20,000 take about half a second with the indexes.
     */
    private int overwritesPerRepetition() {
        return Math.max(config.sequentialWrites(), Math.min(20_000, records / 5));
    }

    /** One repetition of overwrites (each changes every indexed field): writes per second. */
    public DoubleSupplier overwrites(PikoDB db) {
        SplittableRandom random = new SplittableRandom(15);
        int writes = overwritesPerRepetition();
        return () -> {
            long started = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                int target = random.nextInt(records);
                db.write(TABLE, key(target), note(random.nextInt(records), records));
            }
            return writes / ((System.nanoTime() - started) / 1e9);
        };
    }

    /** One repetition of starting a database over a directory: milliseconds to start. */
    public static DoubleSupplier start(Path directory) {
        return () -> {
            long started = System.nanoTime();
            PikoDB db = Profiles.startPikoDB(directory, false);
            double millis = (System.nanoTime() - started) / 1e6;
            db.close();
            return millis;
        };
    }

    /**
     * One repetition of starting a database and reading from it until it answers: with indexes, one
     * query on each of the 3 (each waits for the table's index build, then answers from its index:
     * the notes of one owner, the newest note, the first note by tag); without, one get. Milliseconds
     * from the start to the last answer.
     *
     * @param directory the database directory
     * @param indexed whether it holds the 3 indexes
     * @return the repetition
     */
    public DoubleSupplier startUntilReady(Path directory, boolean indexed) {
        return () -> {
            long started = System.nanoTime();
            PikoDB db = Profiles.startPikoDB(directory, false);
            long answers;
            if (indexed) {
                answers = db.find(TABLE, Query.eq("/owner", "user1").limit(1)).records().size()
                        + db.find(TABLE, Query.all().orderBy("/created", false).limit(1)).records().size()
                        + db.find(TABLE, Query.all().orderBy("/tags", true).limit(1)).records().size();
            } else {
                answers = db.get(TABLE, key(1)) == null ? 0 : 1;
            }
            double millis = (System.nanoTime() - started) / 1e6;
            db.close();
            if (answers != (indexed ? 3 : 1)) {
                throw new IllegalStateException("W13: the database over " + directory + " answered " + answers
                        + " of its first reads");
            }
            sink += answers;
            return millis;
        };
    }

    /**
     * The heap the 3 indexes take per entry: the used heap after a full collection, before and after
     * creating them on the filled table, over the entries they hold (one per owner, one per created,
     * two per tags: 4 per record).
     */
    public double heapPerIndexEntry(Path directory) {
        PikoDB db = Profiles.startPikoDB(directory, false);
        try {
            fill(db);
            long before = usedAfterGc();
            createIndexes(db);
            long after = usedAfterGc();
            sink += db.count(TABLE, Query.eq("/owner", "user1"));
            return (after - before) / (4.0 * records);
        } finally {
            db.close();
        }
    }

    /** Copies a database directory without its index definitions. */
    public static void copyWithoutIndexes(Path from, Path to) {
        try {
            Files.createDirectories(to);
            try (var files = Files.list(from)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String name = file.getFileName().toString();
                    if (!name.equals(".indexes") && !name.equals(".lock") && Files.isRegularFile(file)) {
                        Files.copy(file, to.resolve(name));
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot copy " + from + " to " + to, e);
        }
    }

    private double timePerQuery(Runnable query) {
        return timePerQuery(queries, query);
    }

    private static double timePerQuery(int queries, Runnable query) {
        long started = System.nanoTime();
        for (int i = 0; i < queries; i++) {
            query.run();
        }
        return (System.nanoTime() - started) / 1e3 / queries;
    }

    private static PreparedStatement prepare(Connection connection, String sql) {
        try {
            return connection.prepareStatement(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot prepare " + sql + ": " + e.getMessage(), e);
        }
    }

    private static int decodeAll(PreparedStatement select) throws SQLException {
        int rows = 0;
        List<Object> decoded = new ArrayList<>();
        try (ResultSet result = select.executeQuery()) {
            while (result.next()) {
                result.getString(1);
                decoded.add(Profiles.MAPPER.readValue(result.getString(2), Map.class));
                rows++;
            }
        }
        return rows + decoded.size();
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** @return a value depending on every query, so none is optimised away */
    public long sink() {
        return sink;
    }

    /** Deletes a directory. */
    public static void delete(Path directory) {
        Directories.delete(directory);
    }
}
