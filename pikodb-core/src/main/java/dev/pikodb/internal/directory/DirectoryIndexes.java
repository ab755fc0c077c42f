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

/**
 * The directory engine's secondary indexes: their definitions ({@link IndexFile}) and, per table in
 * memory, a {@link TableIndexes} attached to its records, built from them when the table is loaded
 * or created and kept exact by every change of the records from then on.
 *
 * <p>Definitions and tables meet under this object's monitor: a table is attached (and its indexes
 * built) under it, and {@link #create} saves a definition and builds it on the table present under
 * it, so a table created meanwhile gets the index either way, and never twice.
 */
final class DirectoryIndexes {

    private final IndexFile file;
    private final Function<String, Dictionary> dictionaries;

    DirectoryIndexes(Path directory, FileIO io, Function<String, Dictionary> dictionaries) {
        this.file = new IndexFile(directory, io);
        this.dictionaries = dictionaries;
    }

    /** Reads the definitions; before any table is attached. */
    void load() {
        file.load();
    }

    /** Attaches indexes to a table that is not shared yet, building those its definitions name. */
    synchronized Table attach(Table table, long now) {
        Records records = table.records();
        TableIndexes indexes = new TableIndexes(records, table::withWritesPaused, dictionaries);
        records.attach(indexes);
        indexes.buildAll(file.of(table.name), now);
        return table;
    }

    synchronized void create(Table table, String tableName, String name, String path, long now) {
        file.add(tableName, name, path);
        if (table != null) {
            table.records().indexes().build(name, path, now);
        }
    }

    synchronized boolean drop(Table table, String tableName, String name) {
        boolean dropped = file.remove(tableName, name);
        if (table != null) {
            table.records().indexes().drop(name);
        }
        return dropped;
    }

    /** After a table was deleted: its definitions go, and the indexes of a table of that name created since. */
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
