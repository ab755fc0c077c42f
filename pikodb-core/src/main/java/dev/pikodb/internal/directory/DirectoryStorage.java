package dev.pikodb.internal.directory;

import dev.pikodb.ChangeEvent;
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
import dev.pikodb.internal.directory.io.DirectoryLock;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.internal.directory.load.TableLoader;
import dev.pikodb.internal.directory.records.Stats;
import dev.pikodb.internal.directory.records.StoredRecord;
import dev.pikodb.spi.EngineContext;
import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.ImportedRecord;
import dev.pikodb.spi.QueryCondition;
import dev.pikodb.spi.QueryPage;
import dev.pikodb.spi.QueryPlan;
import dev.pikodb.spi.StorageEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory engine, the default {@link StorageEngine}: a database is a directory, each table one
 * JSON file in the Node.js PikoDB's format plus a hidden journal of the writes since that file was
 * last rewritten, and every table is held in memory. Routes calls to {@link Table}s and owns the
 * directory lock and the {@link DictionaryFile}.
 */
public final class DirectoryStorage implements StorageEngine {

    private static final Logger log = LoggerFactory.getLogger(DirectoryStorage.class);

    private final Path directory;
    private final FileIO io;
    private final DictionaryFile dictionaryFile;
    private final DirectoryIndexes indexes;
    private final OpenJournals journals;
    private final Compactor compactor;
    private final Map<String, String> dictionaryNames = new ConcurrentHashMap<>();
    private final Map<String, Table> tables = new ConcurrentHashMap<>();
    private final List<QuarantinedFile> quarantined = new CopyOnWriteArrayList<>();
    private final List<IgnoredFile> ignored = new CopyOnWriteArrayList<>();
    private final Set<String> dictionaryNamesInUse = new HashSet<>();
    /** Writers share it; close takes it alone, so it waits for writes in flight and none starts after. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final Stats stats = new Stats();
    /** Taken shared to create a table; a backup's barrier takes it alone (see {@link PointInTimeCut}). */
    private final ReentrantReadWriteLock creation = new ReentrantReadWriteLock();
    private StoreContext context;
    /** Opened read-only: loads without acting on any file, refuses changes, writes nothing at close. */
    private final boolean readOnly;
    private boolean closed;
    private DirectoryLock lock;

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
    }

    @Override
    public String describe() {
        return "directory " + directory;
    }

    /**
     * Locks the directory and loads every table; the tables' indexes are attached pending and built in
     * the background once this returns ({@link DirectoryIndexes}).
     */
    @Override
    public void open(EngineContext engineContext) {
        context = new StoreContext(directory, io, engineContext.durableWrites(), engineContext.clock(), stats,
                journals, engineContext.changes(), compactor);
        lock = DirectoryLock.acquire(directory);
        try {
            String problem = dictionaryFile.load();
            String unreadableDictionaries = problem == null ? null : problem
                    + "; records written with its dictionaries cannot be read until they are added again";
            TableLoader loader = new TableLoader(io, directory, stats, this::intern, quarantined::add, ignored::add);
            Map<String, TableLoader.LoadedTable> loadedTables = readOnly ? loader.loadReadOnly()
                    : loader.loadAll(dictionaryFile.path(), unreadableDictionaries);
            loadedTables.forEach((name, loaded) -> tables.put(name,
                    new Table(context, name, loaded.records(), loaded.hasFile(), loaded.fileBytes(), loaded.journal(),
                            loaded.retired())));
            indexes.load();
            // The indexes are built after start returns; whoever needs a table's first waits for them.
            List<Table> pendingIndexes = new ArrayList<>();
            for (Table table : tables.values()) {
                if (indexes.attachPending(table, this::now)) {
                    pendingIndexes.add(table);
                }
            }
            indexes.startBuilds(pendingIndexes);
            if (readOnly) {
                dictionaryNamesInUse.addAll(loader.dictionaryNamesInUse());
                log.debug("Opened {} read-only with {} tables", directory, tables.size());
                return;
            }
            dictionaryNamesInUse.addAll(loader.dictionaryNamesInUse());
            // A compaction cut short by a crash left a retired journal: finish it in the background.
            tables.values().stream().filter(Table::hasRetiredJournal).forEach(Table::scheduleCompaction);
            log.debug("Opened {} with {} tables", directory, tables.size());
        } catch (IOException | RuntimeException e) {
            indexes.stopBuilds();
            tables.values().forEach(Table::abandon);
            tables.clear();
            lock.close();
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new PikoDBException("Cannot open database directory " + directory + ": " + e, e);
        }
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
        return Set.copyOf(dictionaryNamesInUse);
    }

    /**
     * Flushes every table in two steps, each on several threads, with one directory force between
     * them: first each table that lacks something rewrites its file (written and forced, renamed
     * into place); then the directory is forced, making every rename durable; only then does each
     * table empty its journal, and only if nothing was appended to it since its rewrite. A journal
     * is thus emptied only once the table file holding its writes is durably in place: a crash
     * before the directory force leaves each table's old or new file with its full journal, and
     * replaying a journal over the new file is harmless ({@link Table}).
     */
    @Override
    public void flush() {
        if (readOnly) {
            throw readOnlyException("flush");
        }
        List<String> failures = new ArrayList<>();
        lifecycle.readLock().lock();
        try {
            checkNotClosed();
            Map<Table, Long> rewritten = new ConcurrentHashMap<>();
            failures.addAll(EachTable.run(tables.values(), table -> {
                long mark = table.flushRewrite();
                if (mark >= 0) {
                    rewritten.put(table, mark);
                }
            }));
            if (!rewritten.isEmpty()) {
                try {
                    io.forceDirectory(directory);
                    failures.addAll(EachTable.run(rewritten.keySet(),
                            table -> table.flushEmptyJournal(rewritten.get(table))));
                } catch (IOException e) {
                    log.error("Forcing {} failed; the journals of the flushed tables are kept", directory, e);
                    failures.add("forcing the directory " + directory + " failed: " + e + "; the journals of "
                            + rewritten.size() + " table(s) keep every write");
                }
            }
        } finally {
            lifecycle.readLock().unlock();
        }
        if (!failures.isEmpty()) {
            throw new PikoDBException("Flush failed for " + failures.size() + " table(s): " + String.join("; ", failures));
        }
    }

    @Override
    public void close() {
        if (readOnly) {
            abandon();
            return;
        }
        List<String> failures = new ArrayList<>();
        // Before waiting for the writes in flight, which may wait for a running build.
        indexes.stopBuilds();
        lifecycle.writeLock().lock();
        try {
            closed = true;
            List<Table> rewritten = Collections.synchronizedList(new ArrayList<>());
            failures.addAll(EachTable.run(tables.values(), table -> {
                try {
                    if (table.closeAndRewrite()) {
                        rewritten.add(table);
                    }
                } catch (RuntimeException e) {
                    log.error("Closing table '{}' failed", Validation.printable(table.name), e);
                    throw e;
                }
            }));
            deleteJournals(rewritten, failures);
        } finally {
            compactor.shutdown();
            lock.close();
            lifecycle.writeLock().unlock();
        }
        if (!failures.isEmpty()) {
            throw new PikoDBException("Closing " + context.directory() + " failed for " + failures.size()
                    + " table(s): " + String.join("; ", failures));
        }
    }

    /** Releases the tables and the lock without compacting anything: the directory stays as it was found. */
    @Override
    public void abandon() {
        indexes.stopBuilds();
        lifecycle.writeLock().lock();
        try {
            closed = true;
            tables.values().forEach(Table::abandon);
        } finally {
            compactor.shutdown();
            lock.close();
            lifecycle.writeLock().unlock();
        }
    }

    /**
     * Once every table file is rewritten: one directory force makes all their renames durable, then
     * the journals they replace are deleted, on several threads (see {@link Table#closeAndRewrite()}).
     * No journal is deleted before that force has succeeded: a crash until then leaves each table's
     * old or new file with its full journal, and replaying a journal over the new file is harmless.
     */
    private void deleteJournals(List<Table> rewritten, List<String> failures) {
        if (rewritten.isEmpty()) {
            return;
        }
        try {
            io.forceDirectory(directory);
        } catch (IOException e) {
            log.error("Forcing {} failed; every journal is kept and replayed at the next start", directory, e);
            failures.add("forcing the directory failed: " + e + "; the journals are kept");
            return;
        }
        // Unlinking is file system metadata work that waits on the disk: overlapped, it costs a fraction.
        failures.addAll(EachTable.run(rewritten, table -> {
            try {
                table.deleteJournal();
            } catch (IOException e) {
                log.error("Deleting the journal of table '{}' failed", Validation.printable(table.name), e);
                throw new PikoDBException("Cannot close table '" + Validation.printable(table.name) + "' cleanly:"
                        + " deleting its journal failed: " + e + "; it is replayed at the next start over the table"
                        + " file, which already holds its writes", e);
            }
        }));
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

    /**
     * Runs a change on a table while the store is open, again on the table that replaces it when a
     * deletion or a close took it away meanwhile; a failed change counts as a failed write.
     * {@link #write} does the same, written out.
     *
     * @param create whether a missing table is created (a write) or the change answers {@code missing}
     */
    private <T> T change(String table, boolean create, T missing, Function<Table, T> change) {
        if (readOnly) {
            throw readOnlyException("changing table '" + Validation.printable(table) + "'");
        }
        lifecycle.readLock().lock();
        try {
            checkNotClosed();
            while (true) {
                Table target = tables.get(table);
                if (target == null && create) {
                    target = createTable(table);
                }
                if (target == null) {
                    return missing;
                }
                try {
                    return change.apply(target);
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
    }

    private Table createTable(String table) {
        creation.readLock().lock();
        try {
            return tables.computeIfAbsent(table, name -> indexes.attach(Table.empty(context, name), this::now));
        } finally {
            creation.readLock().unlock();
        }
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
        return new IllegalStateException("PikoDB over " + directory + " is open read-only: " + what + " is refused;"
                + " open it without readOnly to change it");
    }

    private void checkNotClosed() {
        if (closed) {
            throw new IllegalStateException("PikoDB over " + context.directory() + " is closed");
        }
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
        if (readOnly) {
            throw readOnlyException("deleting table '" + Validation.printable(table) + "'");
        }
        lifecycle.readLock().lock();
        try {
            checkNotClosed();
            Table target = tables.get(table);
            if (target == null) {
                indexes.tableDeleted(table, null);
                return false;
            }
            try {
                boolean existed = target.drop();
                // Its indexes go too: a build of them, waiting or running, installs nothing.
                indexes.tableDeleted(table, target);
                if (existed && context.changes().active()) {
                    context.changes().publish(ChangeEvent.tableDeleted(table));
                }
                return existed;
            } finally {
                // A table whose deletion failed stays: unchanged, or holding its name until its files are gone.
                if (target.isGone()) {
                    tables.remove(table, target);
                }
            }
        } finally {
            lifecycle.readLock().unlock();
        }
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
        return List.copyOf(quarantined);
    }

    @Override
    public List<IgnoredFile> ignoredFiles() {
        return List.copyOf(ignored);
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
