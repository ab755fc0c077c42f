package dev.pikodb.internal.directory;

import dev.pikodb.IgnoredFile;
import dev.pikodb.PikoDBException;
import dev.pikodb.QuarantinedFile;
import dev.pikodb.internal.Validation;
import dev.pikodb.internal.directory.io.DirectoryLock;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.internal.directory.load.TableLoader;
import dev.pikodb.internal.directory.records.Stats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens, flushes and closes a {@link DirectoryStorage}: takes the directory lock and loads every table
 * at open, rewrites the table files and retires their journals at flush and close, and releases the
 * lock. It holds what the load found (quarantined and ignored files, dictionary names in use) and
 * whether the store is closed.
 */
final class DirectoryOpenAndClose {

    /** Logs as the engine, the logger applications configure. */
    private static final Logger log = LoggerFactory.getLogger(DirectoryStorage.class);

    private final Path directory;
    private final FileIO io;
    private final DictionaryFile dictionaryFile;
    private final DirectoryIndexes indexes;
    private final Compactor compactor;
    private final Map<String, Table> tables;
    private final Stats stats;
    private final Function<String, String> intern;
    private final LongSupplier now;
    private final List<QuarantinedFile> quarantined = new CopyOnWriteArrayList<>();
    private final List<IgnoredFile> ignored = new CopyOnWriteArrayList<>();
    private final Set<String> dictionaryNamesInUse = new HashSet<>();
    /** Writers share it; close takes it alone, so it waits for writes in flight and none starts after. */
    private final ReentrantReadWriteLock lifecycle;
    private StoreContext context;
    /** Opened read-only: loads without acting on any file, refuses changes, writes nothing at close. */
    private final boolean readOnly;
    private boolean closed;
    private DirectoryLock lock;

    DirectoryOpenAndClose(Path directory, FileIO io, boolean readOnly, DictionaryFile dictionaryFile,
            DirectoryIndexes indexes, Compactor compactor, Map<String, Table> tables,
            Stats stats, ReentrantReadWriteLock lifecycle, Function<String, String> intern, LongSupplier now) {
        this.directory = directory;
        this.io = io;
        this.readOnly = readOnly;
        this.dictionaryFile = dictionaryFile;
        this.indexes = indexes;
        this.compactor = compactor;
        this.tables = tables;
        this.stats = stats;
        this.lifecycle = lifecycle;
        this.intern = intern;
        this.now = now;
    }

    /**
     * Locks the directory and loads every table; the tables' indexes are attached pending and built in
     * the background once this returns ({@link DirectoryIndexes}).
     *
     * @param storeContext what every table of the store shares
     */
    void open(StoreContext storeContext) {
        context = storeContext;
        lock = DirectoryLock.acquire(directory);
        try {
            String problem = dictionaryFile.load();
            String unreadableDictionaries = problem == null ? null : problem
                    + "; records written with its dictionaries cannot be read until they are added again";
            TableLoader loader = new TableLoader(io, directory, stats, intern::apply, quarantined::add, ignored::add);
            Map<String, TableLoader.LoadedTable> loadedTables = readOnly ? loader.loadReadOnly()
                    : loader.loadAll(dictionaryFile.path(), unreadableDictionaries);
            loadedTables.forEach((name, loaded) -> tables.put(name,
                    new Table(context, name, loaded.records(), loaded.hasFile(), loaded.fileBytes(), loaded.journal(),
                            loaded.retired())));
            indexes.load();
            // The indexes are built after start returns; whoever needs a table's first waits for them.
            List<Table> pendingIndexes = new ArrayList<>();
            for (Table table : tables.values()) {
                if (indexes.attachPending(table, now)) {
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

    /** What every table of the store shares; null until {@link #open}. */
    StoreContext context() {
        return context;
    }

    /** The names of the dictionaries that the loaded records use. */
    Set<String> dictionaryNamesInUse() {
        return Set.copyOf(dictionaryNamesInUse);
    }

    List<QuarantinedFile> quarantinedFiles() {
        return List.copyOf(quarantined);
    }

    List<IgnoredFile> ignoredFiles() {
        return List.copyOf(ignored);
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
    void flush() {
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

    void close() {
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
    void abandon() {
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

    IllegalStateException readOnlyException(String what) {
        return new IllegalStateException("PikoDB over " + directory + " is open read-only: " + what + " is refused;"
                + " open it without readOnly to change it");
    }

    void checkNotClosed() {
        if (closed) {
            throw new IllegalStateException("PikoDB over " + context.directory() + " is closed");
        }
    }
}
