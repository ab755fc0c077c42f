package dev.pikodb.internal;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.DatabaseRecord;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDBException;
import dev.pikodb.PikoDBStatistics;
import dev.pikodb.QuarantinedFile;
import dev.pikodb.TableSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

/**
 * The storage engine behind {@link dev.pikodb.PikoDB}: routes calls to tables, encodes and decodes
 * values, and owns the directory lock and the dictionaries. Arguments arrive already validated.
 */
public final class Store {

    private static final Logger log = LoggerFactory.getLogger(Store.class);

    private final DatabaseOptions options;
    private final StoreContext context;
    private final ValueCodec codec;
    private final DictionaryRegistry dictionaries;
    private final Map<String, Table> tables = new ConcurrentHashMap<>();
    private final List<QuarantinedFile> quarantined = new CopyOnWriteArrayList<>();
    /** Writers share it; close takes it alone, so it waits for writes in flight and none starts after. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;
    private DirectoryLock lock;

    /**
     * Creates the engine; nothing is read until {@link #open()}.
     *
     * @param options the database options
     * @param io the file layer
     */
    public Store(DatabaseOptions options, FileIO io) {
        this.options = options;
        Path directory = options.databaseDirectory().toAbsolutePath().normalize();
        this.context = new StoreContext(directory, io, options.durableWrites(), options.clock(), new Stats());
        this.codec = new ValueCodec(options.jsonMapper());
        this.dictionaries = new DictionaryRegistry(directory, io);
    }

    /** Locks the directory and loads every table. */
    public void open() {
        lock = DirectoryLock.acquire(context.directory());
        try {
            String problem = dictionaries.load(options.dictionaries());
            if (problem != null) {
                moveDictionariesAside(problem);
            }
            tables.putAll(new TableLoader(context, dictionaries::intern, quarantined::add).loadAll());
            Set<String> used = new HashSet<>();
            tables.values().forEach(table -> table.collectDictionaryNames(used));
            dictionaries.usedByRecords(used);
            log.debug("Opened {} with {} tables", context.directory(), tables.size());
        } catch (IOException | RuntimeException e) {
            tables.values().forEach(this::closeQuietly);
            tables.clear();
            lock.close();
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new PikoDBException("Cannot open database directory " + context.directory() + ": " + e, e);
        }
    }

    private void moveDictionariesAside(String problem) throws IOException {
        var file = context.directory().resolve(FileNames.DICTIONARIES);
        var target = FileNames.quarantine(context.directory(), file, Instant.now());
        context.io().atomicMove(file, target);
        log.error("{}; moved to {} (kept). Records written with its dictionaries cannot be read until they are added again",
                problem, target);
        quarantined.add(new QuarantinedFile(FileNames.DICTIONARIES, file, target, problem, Instant.now()));
    }

    /** Flushes every table. */
    public void flush() {
        List<String> failures = new ArrayList<>();
        lifecycle.readLock().lock();
        try {
            checkNotClosed();
            for (Table table : tables.values()) {
                try {
                    table.flush();
                } catch (RuntimeException e) {
                    failures.add(e.getMessage());
                }
            }
        } finally {
            lifecycle.readLock().unlock();
        }
        if (!failures.isEmpty()) {
            throw new PikoDBException("Flush failed for " + failures.size() + " table(s): " + String.join("; ", failures));
        }
    }

    /** Closes every table and releases the directory. */
    public void close() {
        List<String> failures = new ArrayList<>();
        lifecycle.writeLock().lock();
        try {
            closed = true;
            for (Table table : tables.values()) {
                try {
                    table.close();
                } catch (RuntimeException e) {
                    log.error("Closing table '{}' failed", Validation.printable(table.name), e);
                    failures.add(e.getMessage());
                }
            }
        } finally {
            lock.close();
            lifecycle.writeLock().unlock();
        }
        if (!failures.isEmpty()) {
            throw new PikoDBException("Closing " + context.directory() + " failed for " + failures.size()
                    + " table(s): " + String.join("; ", failures));
        }
    }

    private void closeQuietly(Table table) {
        try {
            table.close();
        } catch (RuntimeException e) {
            log.debug("Closing table '{}' after a failed start failed", table.name, e);
        }
    }

    /**
     * Writes a value.
     *
     * @param expectedVersion the version required (0: absent) or -1 for an unconditional write
     * @return the new version, or 0 when the expected version did not match
     */
    public long write(String table, String key, Object value, Long expiration, String dictionaryName,
            long expectedVersion) {
        long started = System.nanoTime();
        Dictionary dictionary = dictionaryName == null ? null : dictionaries.forWrite(dictionaryName);
        byte[] encoded = codec.encode(table, key, value, dictionary, dictionaryName);
        lifecycle.readLock().lock();
        try {
            checkNotClosed();
            String sharedName = null;
            if (dictionary != null) {
                dictionaries.keep(dictionaryName);
                sharedName = dictionaries.intern(dictionaryName);
            }
            while (true) {
                Table target = tables.computeIfAbsent(table, name -> Table.empty(context, name));
                try {
                    long version = target.put(key, encoded, expiration, sharedName, expectedVersion);
                    if (version > 0) {
                        context.stats().writes.increment();
                        context.stats().writeNanos.add(System.nanoTime() - started);
                    }
                    return version;
                } catch (Table.GoneException e) {
                    tables.remove(table, target);
                }
            }
        } catch (PikoDBException e) {
            context.stats().failedWrites.increment();
            throw e;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Deletes a key; true if a live key was removed. */
    public boolean delete(String table, String key) {
        lifecycle.readLock().lock();
        try {
            checkNotClosed();
            while (true) {
                Table target = tables.get(table);
                if (target == null) {
                    return false;
                }
                try {
                    boolean deleted = target.delete(key);
                    if (deleted) {
                        context.stats().deletes.increment();
                    }
                    return deleted;
                } catch (Table.GoneException e) {
                    tables.remove(table, target);
                }
            }
        } catch (PikoDBException e) {
            context.stats().failedWrites.increment();
            throw e;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void checkNotClosed() {
        if (closed) {
            throw new IllegalStateException("PikoDB over " + context.directory() + " is closed");
        }
    }

    /** Reads and converts a value; null when missing or expired. */
    public <T> T get(String table, String key, Class<T> type) {
        StoredRecord record = read(table, key);
        return record == null ? null : decode(table, key, record, type);
    }

    /** Reads and converts a value to a generic type; null when missing or expired. */
    public <T> T get(String table, String key, TypeReference<T> type) {
        StoredRecord record = read(table, key);
        if (record == null) {
            return null;
        }
        try {
            return codec.decode(record, dictionaryFor(table, key, record), type);
        } catch (JacksonException e) {
            throw conversionFailure(table, key, type.getType().getTypeName(), e);
        }
    }

    /** Reads a record with its metadata. */
    public Optional<DatabaseRecord> getRecord(String table, String key) {
        StoredRecord record = read(table, key);
        if (record == null) {
            return Optional.empty();
        }
        return Optional.of(new DatabaseRecord(decode(table, key, record, Object.class), record.version,
                record.timestamp, record.expirationOrNull(), record.dictionaryName));
    }

    /** Every live entry of a table. */
    public List<Map.Entry<String, Object>> entries(String table) {
        Table target = tables.get(table);
        context.stats().reads.increment();
        if (target == null) {
            return List.of();
        }
        List<Map.Entry<String, Object>> entries = new ArrayList<>(target.heldCount());
        target.forEachLive(context.clock().millis(), (key, record) -> entries.add(
                new AbstractMap.SimpleImmutableEntry<>(key, decode(table, key, record, Object.class))));
        return entries;
    }

    private StoredRecord read(String table, String key) {
        context.stats().reads.increment();
        Table target = tables.get(table);
        return target == null ? null : target.read(key, context.clock().millis());
    }

    private <T> T decode(String table, String key, StoredRecord record, Class<T> type) {
        try {
            return codec.decode(record, dictionaryFor(table, key, record), type);
        } catch (JacksonException e) {
            throw conversionFailure(table, key, type.getName(), e);
        }
    }

    private Dictionary dictionaryFor(String table, String key, StoredRecord record) {
        if (record.dictionaryName == null) {
            return null;
        }
        Dictionary dictionary = dictionaries.forRead(record.dictionaryName);
        if (dictionary == null) {
            throw new PikoDBException("Key '" + Validation.printable(key) + "' in table '" + Validation.printable(table)
                    + "' was written with dictionary '" + record.dictionaryName + "', which this database does not"
                    + " know: add it with addDictionary or configure it, with the mapping it was written with");
        }
        return dictionary;
    }

    private static IllegalArgumentException conversionFailure(String table, String key, String type, JacksonException e) {
        return new IllegalArgumentException("Value of key '" + Validation.printable(key) + "' in table '"
                + Validation.printable(table) + "' cannot be converted to " + type + ": " + e.getOriginalMessage(), e);
    }

    /** Live keys of a table; removes expired ones. */
    public int tableSize(String table) {
        Table target = tables.get(table);
        return target == null ? 0 : target.liveSize(context.clock().millis());
    }

    /** Tables that have a file or a write, sorted. */
    public List<String> listTables() {
        return tables.values().stream().filter(Table::exists).map(table -> table.name).sorted().toList();
    }

    /** Deletes a table and its files. */
    public boolean deleteTable(String table) {
        lifecycle.readLock().lock();
        try {
            checkNotClosed();
            Table target = tables.get(table);
            if (target == null) {
                return false;
            }
            try {
                return target.drop();
            } finally {
                tables.remove(table, target);
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Removes a table's expired records. */
    public int cleanupExpired(String table) {
        Table target = tables.get(table);
        return target == null ? 0 : target.cleanupExpired(context.clock().millis());
    }

    /** Removes every table's expired records. */
    public int cleanupAllExpired() {
        long now = context.clock().millis();
        int removed = 0;
        for (Table table : tables.values()) {
            removed += table.cleanupExpired(now);
        }
        return removed;
    }

    /** The dictionaries. */
    public DictionaryRegistry dictionaries() {
        return dictionaries;
    }

    /** Summaries of all tables, sorted by name. */
    public List<TableSummary> tableSummaries() {
        return tables.values().stream().filter(Table::exists).map(Table::summary)
                .sorted(java.util.Comparator.comparing(TableSummary::name)).toList();
    }

    /** The summary of one table. */
    public Optional<TableSummary> tableSummary(String table) {
        Table target = tables.get(table);
        return target == null || !target.exists() ? Optional.empty() : Optional.of(target.summary());
    }

    /** A snapshot of the counters. */
    public PikoDBStatistics statistics() {
        return context.stats().snapshot();
    }

    /** Files moved aside at start. */
    public List<QuarantinedFile> quarantinedFiles() {
        return List.copyOf(quarantined);
    }

    /** Tables in the failed state, with the reason. */
    public Map<String, String> failedTables() {
        Map<String, String> failed = new LinkedHashMap<>();
        tables.values().stream().filter(table -> table.failure() != null)
                .sorted(java.util.Comparator.comparing(table -> table.name))
                .forEach(table -> failed.put(table.name, table.failure()));
        return failed;
    }
}
