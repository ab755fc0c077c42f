package dev.pikodb.internal.directory;

import dev.pikodb.Dictionary;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.internal.directory.records.Records;
import dev.pikodb.internal.index.IndexQueries;
import dev.pikodb.internal.index.TableIndexes;
import dev.pikodb.spi.QueryCondition;
import dev.pikodb.spi.QueryPage;
import dev.pikodb.spi.QueryPlan;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The directory engine's secondary indexes: their definitions ({@link IndexFile}) and, per table in
 * memory, a {@link TableIndexes} attached to its records and kept exact by every change of the
 * records once built.
 *
 * <p><b>Start.</b> {@code start()} loads the records, attaches each table's indexes <em>pending</em>
 * ({@link #attachPending}: definitions known, not built) and returns; {@link #startBuilds} then builds
 * them in the background ({@link IndexBuilds}), one table at a time per thread, each with the table's
 * writes paused, as {@code createIndex} does: a write to that table waits for its build, reads and
 * gets never do. A query or count on a pending index waits for its table's build (running it itself
 * if no thread has started it), then answers from the indexes; a path with no definition throws
 * without waiting. {@code createIndex} of a pending index waits for the build; {@code dropIndex} or
 * {@code deleteTable} during a build: what was dropped is never installed. Close stops the builds not
 * started and waits for the running ones; the next start builds again. A failed build is logged at
 * ERROR and makes the queries on its indexes throw, naming the table and the cause (see
 * {@link TableIndexes}). Backups, copies and exports read the definitions only, never the entries.
 *
 * <p>A table created after start has no records yet: its indexes are built on the creating thread
 * ({@link #attach}).
 *
 * <p>Definitions and tables meet under this object's monitor: a table is attached under it, and
 * {@link #create} saves a definition and builds it on the table present under it, so a table created
 * meanwhile gets the index either way, and never twice. A background build never takes this monitor.
 */
final class DirectoryIndexes {

    private final Path directory;
    private final IndexFile file;
    private final Function<String, Dictionary> dictionaries;
    private volatile IndexBuilds builds;

    DirectoryIndexes(Path directory, FileIO io, Function<String, Dictionary> dictionaries) {
        this.directory = directory;
        this.file = new IndexFile(directory, io);
        this.dictionaries = dictionaries;
    }

    /** Reads the definitions; before any table is attached. */
    void load() {
        file.load();
    }

    /**
     * Attaches indexes to a table that is not shared yet and builds those its definitions name, on
     * this thread (a table created since start: it has no records).
     */
    synchronized Table attach(Table table, LongSupplier clock) {
        if (attachPending(table, clock)) {
            table.records().indexes().buildPending(null);
        }
        return table;
    }

    /**
     * Attaches indexes to a loaded table that is not shared yet, pending: their definitions are known,
     * their build is left to {@link #startBuilds} or to the first caller that needs them.
     *
     * @return whether the table has pending indexes
     */
    synchronized boolean attachPending(Table table, LongSupplier clock) {
        Records records = table.records();
        TableIndexes indexes = new TableIndexes(table.name, records, table::withWritesPaused, dictionaries, clock);
        records.attach(indexes);
        return indexes.pend(file.of(table.name));
    }

    /**
     * Starts the background builds of the tables' pending indexes; {@link #stopBuilds} ends them.
     *
     * @param tables the tables whose indexes are pending
     */
    void startBuilds(List<Table> tables) {
        builds = IndexBuilds.start(directory, tables);
    }

    /** Stops the background builds not started and waits for the running ones (close). */
    void stopBuilds() {
        IndexBuilds running = builds;
        if (running != null) {
            running.stop();
        }
    }

    synchronized void create(Table table, String tableName, String name, String path) {
        file.add(tableName, name, path);
        if (table != null) {
            table.records().indexes().build(name, path);
        }
    }

    synchronized boolean drop(Table table, String tableName, String name) {
        boolean dropped = file.remove(tableName, name);
        if (table != null) {
            table.records().indexes().drop(name);
        }
        return dropped;
    }

    /**
     * After a table was deleted: its definitions go, and the indexes (pending or built) of
     * {@code current}: the deleted table, or a table of that name created since.
     */
    synchronized void tableDeleted(String tableName, Table current) {
        file.removeTable(tableName);
        if (current != null) {
            current.records().indexes().dropAll();
        }
    }

    Map<String, String> definitions(String table) {
        return file.of(table);
    }

    QueryPage query(Table table, QueryPlan plan, long now) {
        if (table == null) {
            return new QueryPage(List.of(), null);
        }
        return IndexQueries.query(table.name, table.records().indexes(), plan, now);
    }

    long count(Table table, QueryCondition condition, long now) {
        if (table == null) {
            return 0;
        }
        if (condition == QueryCondition.All.INSTANCE) {
            return table.liveSize();
        }
        return IndexQueries.count(table.name, table.records().indexes(), condition, now);
    }
}
