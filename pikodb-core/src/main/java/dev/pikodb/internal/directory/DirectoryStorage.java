package dev.pikodb.internal.directory;

import dev.pikodb.CopyProgress;
import dev.pikodb.CopySummary;
import dev.pikodb.Dictionary;
import dev.pikodb.IgnoredFile;
import dev.pikodb.PikoDBException;
import dev.pikodb.PikoDBStatistics;
import dev.pikodb.QuarantinedFile;
import dev.pikodb.TableSummary;
import dev.pikodb.internal.DatabaseCopy;
import dev.pikodb.internal.Validation;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.internal.directory.records.Stats;
import dev.pikodb.internal.directory.records.StoredRecord;
import dev.pikodb.spi.EngineContext;
import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.ImportedRecord;
import dev.pikodb.spi.QueryCondition;
import dev.pikodb.spi.QueryPage;
import dev.pikodb.spi.QueryPlan;
import dev.pikodb.spi.StorageEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory engine, the default {@link StorageEngine}: a database is a directory, each table one
 * JSON file in the Node.js PikoDB's format plus a hidden journal of the writes since that file was
 * last rewritten, and every table is held in memory. Routes calls to {@link Table}s and owns the
 * {@link DictionaryFile}; {@link DirectoryOpenAndClose} takes the directory lock, loads, flushes and
 * closes the tables, and {@link TableChanges} runs the changes other than writes and deletes tables.
 */
public final class DirectoryStorage implements StorageEngine {

    private static final Logger log = LoggerFactory.getLogger(DirectoryStorage.class);

    private final Path directory;
    private final FileIO io;
    private final DictionaryFile dictionaryFile;
    private final DirectoryIndexes indexes;
    private final OpenJournals journals;
    private final Compactor compactor;
    private final DirectoryOpenAndClose openAndClose;
    private final TableChanges tableChanges;
    private final Map<String, String> dictionaryNames = new ConcurrentHashMap<>();
    private final Map<String, Table> tables = new ConcurrentHashMap<>();
    /** Writers share it; close takes it alone, so it waits for writes in flight and none starts after. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final Stats stats = new Stats();
    /** Taken shared to create a table; a backup's barrier takes it alone (see {@link PointInTimeCut}). */
    private final ReentrantReadWriteLock creation = new ReentrantReadWriteLock();
    private StoreContext context;
    /** Opened read-only: loads without acting on any file, refuses changes, writes nothing at close. */
    private final boolean readOnly;

    /**
     * Creates the engine over a directory that exists; nothing is read until {@link #open}.
     *
     * @param directory the database directory
     * @param io the file layer
     * @param maxOpenJournals how many journal files may be open at once (at least 1); the journals of
     *     the least recently written tables are closed beyond it
     */
    public DirectoryStorage(Path directory, FileIO io, int maxOpenJournals) {
        this(directory, io, maxOpenJournals, false);
    }

    /**
     * Creates the engine over a directory that exists; nothing is read until {@link #open}.
     *
     * @param directory the database directory
     * @param io the file layer
     * @param maxOpenJournals how many journal files may be open at once (at least 1)
     * @param inlineCompaction whether compactions run on the writing thread, after its write, instead
     *     of in the background: only for tests that need the file operations in one deterministic order
     */
    public DirectoryStorage(Path directory, FileIO io, int maxOpenJournals, boolean inlineCompaction) {
        this(directory, io, maxOpenJournals, inlineCompaction, false);
    }

    /**
     * Creates the engine over a directory that exists; nothing is read until {@link #open}.
     *
     * @param directory the database directory
     * @param io the file layer
     * @param maxOpenJournals how many journal files may be open at once (at least 1)
     * @param inlineCompaction whether compactions run on the writing thread (tests)
     * @param readOnly whether to open without changing any file (see
     *     {@link dev.pikodb.DatabaseOptions.Builder#readOnly(boolean)})
     */
    public DirectoryStorage(Path directory, FileIO io, int maxOpenJournals, boolean inlineCompaction,
            boolean readOnly) {
        this.readOnly = readOnly;
        this.directory = directory.toAbsolutePath().normalize();
        this.io = io;
        this.dictionaryFile = new DictionaryFile(this.directory, io);
        this.indexes = new DirectoryIndexes(this.directory, io, dictionaryFile::get);
        this.journals = new OpenJournals(maxOpenJournals);
        this.compactor = inlineCompaction ? Compactor.inline() : Compactor.background();
        this.openAndClose = new DirectoryOpenAndClose(this.directory, io, readOnly, dictionaryFile, indexes, compactor,
                tables, stats, lifecycle, this::intern, this::now);
        this.tableChanges = new TableChanges(readOnly, openAndClose, lifecycle, tables, creation, indexes, this::now);
    }

    @Override
    public String describe() {
        return "directory " + directory;
    }

    /** Locks the directory and loads every table; see {@link DirectoryOpenAndClose#open}. */
    @Override
    public void open(EngineContext engineContext) {
        context = new StoreContext(directory, io, engineContext.durableWrites(), engineContext.clock(), stats,
                journals, engineContext.changes(), compactor);
        openAndClose.open(context);
    }

    /** One shared instance per dictionary name, so records do not each hold a copy. */
    private String intern(String name) {
        return dictionaryNames.computeIfAbsent(name, n -> n);
    }

    @Override
    public Map<String, Dictionary> storedDictionaries() {
        return dictionaryFile.all();
    }

    @Override
    public void keepDictionary(String name, Dictionary dictionary) {
        if (readOnly && !dictionary.equals(dictionaryFile.all().get(name))) {
            throw readOnlyException("keeping dictionary '" + name + "'");
        }
        dictionaryFile.keep(name, dictionary);
    }

    @Override
    public Set<String> dictionaryNamesInUse() {
        return openAndClose.dictionaryNamesInUse();
    }

    /** Flushes every table; see {@link DirectoryOpenAndClose#flush()} for the order of the steps. */
    @Override
    public void flush() {
        openAndClose.flush();
    }

    @Override
    public void close() {
        openAndClose.close();
    }

    /** Releases the tables and the lock without compacting anything: the directory stays as it was found. */
    @Override
    public void abandon() {
        openAndClose.abandon();
    }

    @Override
    public long write(String table, String key, byte[] json, Long expiration, String dictionaryName,
            long expectedVersion) {
        long started = System.nanoTime();
        String sharedName = dictionaryName == null ? null : intern(dictionaryName);
        // change(), written out for the most frequent change: a write allocates no lambda and boxes no version.
        if (readOnly) {
            throw readOnlyException("changing table '" + Validation.printable(table) + "'");
        }
        long version;
        lifecycle.readLock().lock();
        try {
            checkNotClosed();
            while (true) {
                Table target = tables.get(table);
                if (target == null) {
                    target = createTable(table);
                }
                try {
                    version = target.put(key, json, expiration, sharedName, expectedVersion);
                    break;
                } catch (Table.GoneException e) {
                    if (!target.dropPending()) {
                        tables.remove(table, target);
                    }
                }
            }
        } catch (PikoDBException e) {
            context.stats().failedWrites.increment();
            throw e;
        } finally {
            lifecycle.readLock().unlock();
        }
        if (version > 0) {
            context.stats().writes.increment();
            context.stats().writeNanos.add(System.nanoTime() - started);
        }
        return version;
    }

    @Override
    public boolean delete(String table, String key) {
        boolean deleted = change(table, false, false, target -> target.delete(key));
        if (deleted) {
            context.stats().deletes.increment();
        }
        return deleted;
    }

    private <T> T change(String table, boolean create, T missing, Function<Table, T> change) {
        return tableChanges.change(table, create, missing, change);
    }

    private Table createTable(String table) {
        return tableChanges.createTable(table);
    }

    /**
     * Stores the records with their versions and timestamps, each as one journal frame, in batches
     * ({@link Table#putExact}).
     */
    @Override
    public void importRecords(String table, List<ImportedRecord> batch) {
        List<Map.Entry<String, StoredRecord>> records = new ArrayList<>(batch.size());
        for (ImportedRecord each : batch) {
            EngineRecord record = each.record();
            String dictionary = record.dictionaryName() == null ? null : intern(record.dictionaryName());
            records.add(Map.entry(each.key(), StoredRecord.of(record.jsonArray(), record.jsonOffset(),
                    record.jsonOffset() + record.jsonLength(), record.version(), record.timestamp(),
                    record.expiration(), dictionary)));
        }
        change(table, true, null, target -> {
            target.putExact(records);
            return null;
        });
        context.stats().writes.add(records.size());
    }

    /**
     * Writes the state of every table at one instant during the call, with writers held only for
     * the barrier of {@link PointInTimeCut}; the files are written afterwards by {@link BackupWriter}.
     */
    @Override
    public Optional<CopySummary> backup(Path target, CopyProgress progress) {
        long started = System.nanoTime();
        PointInTimeCut cut;
        lifecycle.readLock().lock();
        try {
            checkNotClosed();
            DatabaseCopy.prepareBackupTarget(target);
            cut = PointInTimeCut.take(tables.values(), creation.writeLock(), context.clock());
        } finally {
            lifecycle.readLock().unlock();
        }
        log.debug("Backup of {}: writers were held for {} microseconds", directory, cut.barrierNanos() / 1000);
        return Optional.of(new BackupWriter(io, target, progress).write(cut, dictionaryFile.all(), started));
    }

    private IllegalStateException readOnlyException(String what) {
        return openAndClose.readOnlyException(what);
    }

    private void checkNotClosed() {
        openAndClose.checkNotClosed();
    }

    @Override
    public EngineRecord read(String table, String key) {
        context.stats().reads.increment();
        Table target = tables.get(table);
        return target == null ? null : target.read(key, context.clock().millis());
    }

    @Override
    public void forEachLive(String table, BiConsumer<String, EngineRecord> action) {
        context.stats().reads.increment();
        Table target = tables.get(table);
        if (target != null) {
            target.forEachLive(context.clock().millis(), action::accept);
        }
    }

    @Override
    public int liveCount(String table) {
        Table target = tables.get(table);
        return target == null ? 0 : target.liveSize();
    }

    @Override
    public List<String> listTables() {
        return tables.values().stream().filter(Table::exists).map(table -> table.name).sorted().toList();
    }

    @Override
    public boolean deleteTable(String table) {
        return tableChanges.deleteTable(table);
    }

    @Override
    public void createIndex(String table, String indexName, String path) {
        lifecycle.readLock().lock();
        try {
            checkNotClosed();
            indexes.create(tables.get(table), table, indexName, path);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public boolean dropIndex(String table, String indexName) {
        lifecycle.readLock().lock();
        try {
            checkNotClosed();
            return indexes.drop(tables.get(table), table, indexName);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public Map<String, String> indexes(String table) {
        return indexes.definitions(table);
    }

    @Override
    public QueryPage query(String table, QueryPlan plan) {
        context.stats().reads.increment();
        return indexes.query(tables.get(table), plan, now());
    }

    @Override
    public long count(String table, QueryCondition condition) {
        context.stats().reads.increment();
        return indexes.count(tables.get(table), condition, now());
    }

    private long now() {
        return context.clock().millis();
    }

    @Override
    public int cleanupExpired(String table) {
        Table target = tables.get(table);
        return target == null ? 0 : target.cleanupExpired(context.clock().millis());
    }

    @Override
    public int cleanupAllExpired() {
        long now = context.clock().millis();
        int removed = 0;
        for (Table table : tables.values()) {
            removed += table.cleanupExpired(now);
        }
        return removed;
    }

    @Override
    public List<TableSummary> tableSummaries() {
        return tables.values().stream().filter(Table::exists).map(Table::summary)
                .sorted(Comparator.comparing(TableSummary::name)).toList();
    }

    @Override
    public Optional<TableSummary> tableSummary(String table) {
        Table target = tables.get(table);
        return target == null || !target.exists() ? Optional.empty() : Optional.of(target.summary());
    }

    @Override
    public PikoDBStatistics statistics() {
        return stats.snapshot();
    }

    @Override
    public List<QuarantinedFile> quarantinedFiles() {
        return openAndClose.quarantinedFiles();
    }

    @Override
    public List<IgnoredFile> ignoredFiles() {
        return openAndClose.ignoredFiles();
    }

    @Override
    public Map<String, String> failedTables() {
        Map<String, String> failed = new LinkedHashMap<>();
        tables.values().stream().filter(table -> table.failure() != null)
                .sorted(Comparator.comparing(table -> table.name))
                .forEach(table -> failed.put(table.name, table.failure()));
        return failed;
    }
}
