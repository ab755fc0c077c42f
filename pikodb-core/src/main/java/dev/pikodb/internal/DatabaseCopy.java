package dev.pikodb.internal;

import dev.pikodb.CopyProgress;
import dev.pikodb.CopySummary;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDBException;
import dev.pikodb.TableSummary;
import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.ImportedRecord;
import dev.pikodb.spi.StorageEngine;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Copies every table of one engine into another, record by record with each record's version,
 * timestamp, expiration and dictionary, through {@link StorageEngine#importRecords}.
 *
 * <p>Streaming: records go from the source's visit ({@link StorageEngine#forEachLive}) into batches of
 * {@link #BATCH} that are imported as they fill, so the copy holds one batch, however large the
 * database. Each record is copied as it was when the visit read it; records written meanwhile may
 * be copied at an older or newer state, and tables need not be at the same instant (a point-in-time
 * copy of a directory database is its {@code backup}).
 *
 * <p>Index definitions are created in the target after each table's records (one build per index
 * rather than index upkeep per imported record).
 *
 * <p>Nothing is copied before every check has passed: each source table must hold no live record in
 * the target, each dictionary the source keeps must be missing in the target or have the same
 * mapping, and a target engine must support indexes when the source has index definitions.
 */
public final class DatabaseCopy {

    /** Records per import call. */
    public static final int BATCH = 1000;

    private final StorageEngine source;
    private final StorageEngine target;
    private final DictionaryRegistry targetDictionaries;
    private final CopyProgress progress;
    private long records;
    private long bytes;

    /**
     * Prepares a copy.
     *
     * @param source the engine to read
     * @param target the engine to write
     * @param targetDictionaries the target database's dictionaries, which learn the copied ones
     * @param progress where to report progress
     */
    public DatabaseCopy(StorageEngine source, StorageEngine target, DictionaryRegistry targetDictionaries,
            CopyProgress progress) {
        this.source = source;
        this.target = target;
        this.targetDictionaries = targetDictionaries;
        this.progress = progress;
    }

    /**
     * Checks, then copies the dictionaries, then every table.
     *
     * @return what was copied
     * @throws IllegalStateException when a target table already holds records (nothing is copied)
     * @throws IllegalArgumentException when a dictionary has another mapping in the target (nothing is copied)
     */
    public CopySummary run() {
        long started = System.nanoTime();
        List<String> tables = source.listTables();
        for (String table : tables) {
            int held = target.liveCount(table);
            if (held > 0) {
                throw new IllegalStateException("Cannot copy table '" + Validation.printable(table) + "' into "
                        + target.describe() + ": it already holds " + held + " record(s) there; nothing was"
                        + " copied. Delete that table in the target (deleteTable) or copy into an empty database");
            }
        }
        Map<String, Dictionary> dictionaries = source.storedDictionaries();
        Map<String, Dictionary> present = target.storedDictionaries();
        dictionaries.forEach((name, dictionary) -> {
            Dictionary existing = present.get(name);
            if (existing != null && !existing.equals(dictionary)) {
                throw new IllegalArgumentException("Cannot copy dictionary '" + name + "' into " + target.describe()
                        + ": it is kept there with another mapping " + existing + " (here " + dictionary
                        + "); nothing was copied");
            }
        });
        Map<String, Map<String, String>> indexes = indexDefinitions(source, tables);
        if (!indexes.isEmpty()) {
            try {
                target.indexes(indexes.keySet().iterator().next());
            } catch (UnsupportedOperationException e) {
                throw new IllegalStateException("Cannot copy into " + target.describe() + ": tables " + indexes.keySet()
                        + " have index definitions, and that engine does not support indexes; nothing was copied", e);
            }
        }
        dictionaries.forEach(targetDictionaries::add);
        dictionaries.keySet().forEach(targetDictionaries::forWrite);
        long expected = 0;
        for (TableSummary summary : source.tableSummaries()) {
            expected += summary.records();
        }
        for (String table : tables) {
            copyTable(table, expected);
            indexes.getOrDefault(table, Map.of()).forEach((name, path) -> target.createIndex(table, name, path));
        }
        progress.progressed(records, bytes, expected);
        return new CopySummary(target.describe(), tables.size(), records, bytes,
                Duration.ofNanos(System.nanoTime() - started));
    }

    private void copyTable(String table, long expected) {
        List<ImportedRecord> batch = new ArrayList<>(BATCH);
        source.forEachLive(table, (key, record) -> {
            batch.add(new ImportedRecord(key, record));
            if (batch.size() == BATCH) {
                flush(table, batch, expected);
            }
        });
        flush(table, batch, expected);
    }

    private void flush(String table, List<ImportedRecord> batch, long expected) {
        if (batch.isEmpty()) {
            return;
        }
        target.importRecords(table, batch);
        records += batch.size();
        for (ImportedRecord each : batch) {
            EngineRecord record = each.record();
            bytes += record.jsonLength();
        }
        batch.clear();
        progress.progressed(records, bytes, expected);
    }

    /**
     * The index definitions of the tables that have some, table by table; none on an engine without
     * indexes.
     *
     * @param engine the engine
     * @param tables its tables
     * @return table name to index name to path
     */
    public static Map<String, Map<String, String>> indexDefinitions(StorageEngine engine, List<String> tables) {
        Map<String, Map<String, String>> definitions = new java.util.LinkedHashMap<>();
        for (String table : tables) {
            Map<String, String> indexes;
            try {
                indexes = engine.indexes(table);
            } catch (UnsupportedOperationException e) {
                return Map.of();
            }
            if (!indexes.isEmpty()) {
                definitions.put(table, indexes);
            }
        }
        return definitions;
    }

    /**
     * Checks that a backup target is missing or an empty directory, and creates it when missing.
     *
     * @param target the backup directory
     * @throws IllegalArgumentException when it is a file or a directory that holds something
     * @throws PikoDBException when it cannot be read or created
     */
    public static void prepareBackupTarget(Path target) {
        Path directory = target.toAbsolutePath().normalize();
        if (Files.exists(directory)) {
            if (!Files.isDirectory(directory)) {
                throw new IllegalArgumentException("Backup target " + directory + " is a file; give a directory that"
                        + " does not exist or is empty");
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
                if (entries.iterator().hasNext()) {
                    throw new IllegalArgumentException("Backup target " + directory + " is not empty; give a directory"
                            + " that does not exist or is empty");
                }
            } catch (IOException e) {
                throw new PikoDBException("Cannot read backup target " + directory + ": " + e, e);
            }
            return;
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new PikoDBException("Cannot create backup target " + directory + ": " + e
                    + "; check the path and its permissions", e);
        }
    }
}
