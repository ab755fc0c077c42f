package dev.pikodb;

import dev.pikodb.internal.ChangeDispatcher;
import dev.pikodb.internal.DatabaseCopy;
import dev.pikodb.internal.DictionaryRegistry;
import dev.pikodb.internal.QueryCursor;
import dev.pikodb.internal.Validation;
import dev.pikodb.internal.ValueCodec;
import dev.pikodb.internal.directory.DirectoryStorage;
import dev.pikodb.spi.EngineContext;
import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.ImportedRecord;
import dev.pikodb.spi.QueryCondition;
import dev.pikodb.spi.QueryPage;
import dev.pikodb.spi.QueryPlan;
import dev.pikodb.spi.QueryPosition;
import dev.pikodb.spi.StorageEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.core.type.TypeReference;

/**
 * A key-value database: named tables of JSON values with per-record versions, compare-and-write,
 * expiration and key dictionaries, over a storage engine. By default the engine is a directory
 * (tables held in memory, persisted to one file each); {@link DatabaseOptions.Builder#storage} puts
 * the same API over another engine, such as Redis for applications that run as several instances.
 *
 * <pre>{@code
 * try (PikoDB db = new PikoDB(Path.of("data"))) {
 *     db.start();
 *     long version = db.write("users", "alice", Map.of("name", "Alice"));
 *     Map<?, ?> alice = (Map<?, ?>) db.get("users", "alice");
 * }
 * }</pre>
 *
 * <p><b>Persistence.</b> A write returns only after it is persisted: by default once its bytes are
 * with the operating system (a killed process loses nothing), with
 * {@link DatabaseOptions#durableWrites()} once they are on stable storage. Each table is one JSON
 * file named as the table, plus a hidden append-only journal of the writes since that file was last
 * rewritten; the cost of a write does not depend on the size of its table. After {@link #close()}
 * every table file holds the whole table, in the format the Node.js PikoDB reads.
 *
 * <p><b>Threads.</b> Every method is safe to call from any number of threads. Reads never block.
 *
 * <p><b>Errors.</b> Bad arguments throw {@link IllegalArgumentException} before anything changes;
 * calls before {@link #start()} or after {@link #close()} throw {@link IllegalStateException}; I/O
 * failures throw {@link PikoDBException}, leaving memory as if the call never happened. After an I/O
 * failure a table refuses further writes (reads go on) until the database is reopened, because the
 * state of its files is no longer known.
 *
 * <p><b>Observation.</b> With {@link DatabaseOptions.Builder#observer} set, every
 * {@link StoreOperation} runs through the {@link OperationObserver}, e.g. to make it a trace span.
 */
public final class PikoDB implements AutoCloseable {

    private enum State { NEW, OPEN, CLOSED }

    /** How long {@link #close()} waits for listeners to take the changes still queued. */
    private static final long LISTENER_DRAIN_MILLIS = 10_000;

    private final DatabaseOptions options;
    private final StorageEngine engine;
    private final DictionaryRegistry dictionaries;
    private final ValueCodec codec;
    private final ChangeDispatcher changes;
    private final String instanceId;
    /** Sees every {@link StoreOperation}; null (the default) runs them directly. */
    private final OperationObserver observer;
    private volatile State state = State.NEW;
    private final Clock storeClock = new StoreClock(ZoneOffset.UTC);

    /**
     * Creates a database over the options' directory, creating the directory when missing, or over
     * the options' storage engine. Nothing is loaded until {@link #start()}.
     *
     * @param options the options
     * @throws IllegalArgumentException when the options are null
     * @throws PikoDBException when the directory cannot be created
     */
    public PikoDB(DatabaseOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        this.options = options;
        this.engine = options.storage() != null ? options.storage() : directoryEngine(options);
        this.dictionaries = new DictionaryRegistry(engine);
        this.codec = new ValueCodec(options.jsonMapper(), dictionaries);
        String engineInstance = engine.instanceId();
        this.instanceId = engineInstance != null ? engineInstance : java.util.UUID.randomUUID().toString();
        this.changes = new ChangeDispatcher(engine.describe(), options.changeEventQueueCapacity(), instanceId);
        this.observer = options.observer();
    }

    private static StorageEngine directoryEngine(DatabaseOptions options) {
        Path directory = options.databaseDirectory().toAbsolutePath().normalize();
        if (options.readOnly()) {
            if (!Files.isDirectory(directory)) {
                throw new PikoDBException("Database directory " + directory + " does not exist; a read-only open"
                        + " never creates it: check the path");
            }
            return new DirectoryStorage(directory, options.fileIO(), options.maxOpenJournals(), false, true);
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new PikoDBException("Cannot create database directory " + directory
                    + ": " + e + "; check the path and its permissions", e);
        }
        if (!Files.isDirectory(directory)) {
            throw new PikoDBException("Database directory " + directory + " is not a directory");
        }
        return new DirectoryStorage(directory, options.fileIO(), options.maxOpenJournals(),
                options.inlineCompaction());
    }

    /**
     * Creates a database over a directory with every default option.
     *
     * @param databaseDirectory the directory, created when missing
     */
    public PikoDB(Path databaseDirectory) {
        this(DatabaseOptions.builder().databaseDirectory(databaseDirectory).build());
    }

    /**
     * Opens the storage: for a directory, locks it against other instances and loads every table.
     * Files that cannot be read are moved aside and reported by {@link #quarantinedFiles()}; the rest
     * of the database opens.
     *
     * @throws IllegalStateException when already started or closed
     * @throws PikoDBException when another {@code PikoDB}, in this JVM or another process, holds the
     *     directory, or when it cannot be read
     */
    public synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("PikoDB over " + directory() + " was already "
                    + (state == State.OPEN ? "started" : "closed") + "; create a new instance to open it again");
        }
        engine.open(new EngineContext(options.clock(), options.clockConfigured(), options.durableWrites(), changes));
        try {
            dictionaries.open(options.dictionaries());
        } catch (RuntimeException e) {
            try {
                engine.abandon();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        state = State.OPEN;
    }

    /**
     * Rewrites every table file that is behind its journal, so that each table file holds its whole
     * table, and forces it to stable storage.
     *
     * @throws PikoDBException when a table cannot be written
     */
    public void flush() {
        if (observer == null) {
            doFlush();
            return;
        }
        observer.observe(StoreOperation.FLUSH, null, () -> {
            doFlush();
            return null;
        });
    }

    private void doFlush() {
        checkOpen();
        engine.flush();
    }

    /**
     * Flushes every table and releases the directory. Idempotent; later calls do nothing.
     *
     * @throws PikoDBException when a table could not be flushed (the directory is released anyway)
     */
    @Override
    public synchronized void close() {
        State previous = state;
        state = State.CLOSED;
        try {
            if (previous == State.OPEN) {
                engine.close();
            }
        } finally {
            changes.close(LISTENER_DRAIN_MILLIS);
        }
    }

    /**
     * Writes a value with no expiration and no dictionary.
     *
     * @param table the table, created on first write
     * @param key the key
     * @param value anything Jackson can serialise, or {@code null}
     * @return the record's new version: 1 for a new key, +1 per overwrite
     * @throws IllegalArgumentException for an invalid table, key or value
     * @throws PikoDBException when the write cannot be persisted
     */
    public long write(String table, String key, Object value) {
        return write(table, key, value, null, null);
    }

    /**
     * Writes a value that expires at {@code expirationTimestamp}.
     *
     * @param table the table
     * @param key the key
     * @param value the value
     * @param expirationTimestamp epoch milliseconds after which the record is expired, or {@code null}
     * @return the record's new version
     */
    public long write(String table, String key, Object value, Long expirationTimestamp) {
        return write(table, key, value, expirationTimestamp, null);
    }

    /**
     * Writes a value, optionally expiring and optionally compressed with a named dictionary.
     *
     * @param table the table
     * @param key the key
     * @param value the value
     * @param expirationTimestamp epoch milliseconds after which the record is expired, or {@code null}
     * @param dictionaryName a dictionary registered with this database, or {@code null}
     * @return the record's new version
     * @throws IllegalArgumentException for an invalid argument or an unknown dictionary
     * @throws PikoDBException when the write cannot be persisted
     */
    public long write(String table, String key, Object value, Long expirationTimestamp, String dictionaryName) {
        if (observer == null) {
            return doWrite(table, key, value, expirationTimestamp, dictionaryName);
        }
        return observer.observe(StoreOperation.WRITE, table,
                () -> doWrite(table, key, value, expirationTimestamp, dictionaryName));
    }

    private long doWrite(String table, String key, Object value, Long expirationTimestamp, String dictionaryName) {
        checkOpen();
        checkTableAndKey(table, key);
        byte[] json = codec.encode(table, key, value, dictionaryName);
        return engine.write(table, key, json, expirationTimestamp, dictionaryName, -1);
    }

    /**
     * Writes a value only if the key's current version is {@code expectedVersion} (optimistic locking).
     *
     * @param table the table
     * @param key the key
     * @param expectedVersion the version last read, or 0 for "the key must not exist (or be expired)"
     * @param value the value
     * @return true if written; false, changing nothing, if the version did not match
     */
    public boolean compareAndWrite(String table, String key, long expectedVersion, Object value) {
        return compareAndWrite(table, key, expectedVersion, value, null);
    }

    /**
     * Writes a value that expires at {@code expirationTimestamp}, only if the key's current version is
     * {@code expectedVersion}: the check, the value and the expiration are one atomic step.
     *
     * @param table the table
     * @param key the key
     * @param expectedVersion the version last read, or 0 for "the key must not exist (or be expired)"
     * @param value the value
     * @param expirationTimestamp epoch milliseconds after which the record is expired, or {@code null}
     * @return true if written; false, changing nothing, if the version did not match
     */
    public boolean compareAndWrite(String table, String key, long expectedVersion, Object value,
            Long expirationTimestamp) {
        if (observer == null) {
            return doCompareAndWrite(table, key, expectedVersion, value, expirationTimestamp);
        }
        return observer.observe(StoreOperation.COMPARE_AND_WRITE, table,
                () -> doCompareAndWrite(table, key, expectedVersion, value, expirationTimestamp));
    }

    private boolean doCompareAndWrite(String table, String key, long expectedVersion, Object value,
            Long expirationTimestamp) {
        checkOpen();
        checkTableAndKey(table, key);
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expectedVersion must be 0 (key absent) or a version >= 1, was "
                    + expectedVersion + " (table '" + table + "', key '" + key + "')");
        }
        byte[] json = codec.encode(table, key, value, null);
        return engine.write(table, key, json, expirationTimestamp, null, expectedVersion) > 0;
    }

    /**
     * Reads a value in Jackson's natural mapping.
     *
     * @param table the table
     * @param key the key
     * @return the value, or {@code null} when the key is missing, expired, or holds JSON null
     */
    public Object get(String table, String key) {
        return get(table, key, Object.class);
    }

    /**
     * Reads a value converted to {@code type}, as Jackson converts.
     *
     * @param table the table
     * @param key the key
     * @param type the class to convert to
     * @param <T> the type
     * @return a fresh object, or {@code null} when missing, expired or JSON null
     * @throws IllegalArgumentException for an invalid table, or a key that breaks the rules for new
     *     keys and is not stored (a stored key, e.g. one the Node.js PikoDB accepted, is always readable)
     */
    public <T> T get(String table, String key, Class<T> type) {
        if (observer == null) {
            return doGet(table, key, type);
        }
        return observer.observe(StoreOperation.READ, table, () -> doGet(table, key, type));
    }

    private <T> T doGet(String table, String key, Class<T> type) {
        checkOpen();
        Objects.requireNonNull(type, "type must not be null");
        EngineRecord record = readChecked(table, key);
        return record == null ? null : codec.decode(table, key, record, type);
    }

    /**
     * Reads a value converted to a generic type.
     *
     * @param table the table
     * @param key the key
     * @param type the type, e.g. {@code new TypeReference<List<Order>>() {}}
     * @param <T> the type
     * @return a fresh object, or {@code null} when missing, expired or JSON null
     */
    public <T> T get(String table, String key, TypeReference<T> type) {
        if (observer == null) {
            return doGet(table, key, type);
        }
        return observer.observe(StoreOperation.READ, table, () -> doGet(table, key, type));
    }

    private <T> T doGet(String table, String key, TypeReference<T> type) {
        checkOpen();
        Objects.requireNonNull(type, "type must not be null");
        EngineRecord record = readChecked(table, key);
        return record == null ? null : codec.decode(table, key, record, type);
    }

    /**
     * Reads every live entry of a table.
     *
     * @param table the table
     * @return key-value pairs in no particular order; empty for a missing table
     */
    public List<Map.Entry<String, Object>> get(String table) {
        if (observer == null) {
            return doGet(table);
        }
        return observer.observe(StoreOperation.READ, table, () -> doGet(table));
    }

    private List<Map.Entry<String, Object>> doGet(String table) {
        checkOpen();
        Validation.checkTable(table);
        List<Map.Entry<String, Object>> entries = new ArrayList<>();
        engine.forEachLive(table, (key, record) -> entries.add(
                new AbstractMap.SimpleImmutableEntry<>(key, codec.decode(table, key, record, Object.class))));
        return entries;
    }

    /**
     * Reads every live record of a table with its metadata (version, timestamp, expiration,
     * dictionary), in one pass.
     *
     * @param table the table
     * @return key-record pairs in no particular order; empty for a missing table
     */
    public List<Map.Entry<String, DatabaseRecord>> getRecords(String table) {
        if (observer == null) {
            return doGetRecords(table);
        }
        return observer.observe(StoreOperation.READ, table, () -> doGetRecords(table));
    }

    private List<Map.Entry<String, DatabaseRecord>> doGetRecords(String table) {
        checkOpen();
        Validation.checkTable(table);
        List<Map.Entry<String, DatabaseRecord>> records = new ArrayList<>();
        engine.forEachLive(table, (key, record) -> records.add(
                new AbstractMap.SimpleImmutableEntry<>(key, toDatabaseRecord(table, key, record))));
        return records;
    }

    /**
     * Reads a record with its metadata; tells a stored JSON null from a missing key.
     *
     * @param table the table
     * @param key the key
     * @return the record, or empty when missing or expired
     */
    public Optional<DatabaseRecord> getRecord(String table, String key) {
        if (observer == null) {
            return doGetRecord(table, key);
        }
        return observer.observe(StoreOperation.READ, table, () -> doGetRecord(table, key));
    }

    private Optional<DatabaseRecord> doGetRecord(String table, String key) {
        checkOpen();
        EngineRecord record = readChecked(table, key);
        if (record == null) {
            return Optional.empty();
        }
        return Optional.of(toDatabaseRecord(table, key, record));
    }

    /**
     * Deletes a key.
     *
     * @param table the table
     * @param key the key
     * @return true if a live key was removed; false if it was missing or expired
     * @throws IllegalArgumentException for an invalid table, or a key that breaks the rules for new
     *     keys and is not stored (a stored key, e.g. one the Node.js PikoDB accepted, is always deletable)
     * @throws PikoDBException when the delete cannot be persisted
     */
    public boolean delete(String table, String key) {
        if (observer == null) {
            return doDelete(table, key);
        }
        return observer.observe(StoreOperation.DELETE, table, () -> doDelete(table, key));
    }

    private boolean doDelete(String table, String key) {
        checkOpen();
        Validation.checkTable(table);
        if (Validation.keyProblem(table, key) != null) {
            readChecked(table, key);
        }
        return engine.delete(table, key);
    }

    /**
     * Counts a table's live keys, removing expired ones. On a table that no call changes meanwhile the
     * count is exact on every engine. Under concurrent changes the directory engine counts at one
     * instant; an engine that spreads a table over parts (the Redis engine's buckets) sums counts each
     * taken at its own instant, so the result lies between the sizes the concurrent changes pass
     * through without being one of them at one instant.
     *
     * @param table the table
     * @return the number of live keys; 0 for a missing table
     */
    public int getTableSize(String table) {
        checkOpen();
        Validation.checkTable(table);
        return engine.liveCount(table);
    }

    /**
     * Lists the tables that have a file or a write.
     *
     * @return table names in alphabetical order
     */
    public List<String> listTables() {
        checkOpen();
        return engine.listTables();
    }

    /**
     * Deletes a table and its files.
     *
     * @param table the table
     * @return true if the table existed
     * @throws PikoDBException when its files cannot be removed
     */
    public boolean deleteTable(String table) {
        if (observer == null) {
            return doDeleteTable(table);
        }
        return observer.observe(StoreOperation.DELETE_TABLE, table, () -> doDeleteTable(table));
    }

    private boolean doDeleteTable(String table) {
        checkOpen();
        Validation.checkTable(table);
        return engine.deleteTable(table);
    }

    /**
     * Removes a table's expired records.
     *
     * @param table the table
     * @return the number of records removed
     */
    public int cleanupExpired(String table) {
        if (observer == null) {
            return doCleanupExpired(table);
        }
        return observer.observe(StoreOperation.CLEANUP, table, () -> doCleanupExpired(table));
    }

    private int doCleanupExpired(String table) {
        checkOpen();
        Validation.checkTable(table);
        return engine.cleanupExpired(table);
    }

    /**
     * Removes the expired records of every table.
     *
     * @return the number of records removed
     */
    public int cleanupAllExpired() {
        if (observer == null) {
            return doCleanupAllExpired();
        }
        return observer.observe(StoreOperation.CLEANUP, null, this::doCleanupAllExpired);
    }

    private int doCleanupAllExpired() {
        checkOpen();
        return engine.cleanupAllExpired();
    }

    /**
     * Creates a secondary index on a table, so that {@link #find} and {@link #count} can use conditions
     * and ordering on {@code path}. Indexes the records already stored before it returns (writes to the
     * table wait meanwhile). The definition is kept with the data: every restart, and every instance
     * sharing the storage, has it, until {@link #dropIndex} or {@link #deleteTable}; also while the table
     * holds no records. Creating the same name on the same path again does nothing.
     *
     * <p>A record is indexed by its value at the path: a string, number or boolean; for an array, each
     * such element. {@code null}, a missing path and an object are not indexed. Paths use the original
     * field names, also for records written with a dictionary.
     *
     * @param table the table (it need not exist yet)
     * @param indexName the index name, e.g. {@code "owner"}: 1 to 255 characters, no control characters
     * @param path a JSON Pointer (RFC 6901) into the value: {@code "/owner"}, {@code "/address/city"},
     *     {@code "/tags"}; {@code ""} indexes the whole value
     * @throws IllegalArgumentException for an invalid argument, or when the table has an index of that
     *     name on another path
     * @throws UnsupportedOperationException when the storage engine does not support indexes
     * @throws PikoDBException when the definition cannot be persisted
     */
    public void createIndex(String table, String indexName, String path) {
        checkOpen();
        Validation.checkTable(table);
        checkIndexName(table, indexName);
        if (path == null || path.equals(Query.KEY) || QueryCondition.pathProblem(path) != null) {
            throw new IllegalArgumentException("Cannot create index '" + indexName + "' on table '" + table + "': "
                    + (path != null && path.equals(Query.KEY) ? "the key needs no index (Query.KEY works on every table)"
                    : QueryCondition.pathProblem(path)));
        }
        engine.createIndex(table, indexName, path);
    }

    /**
     * Drops a secondary index with its entries and its definition.
     *
     * @param table the table
     * @param indexName the index name
     * @return true if the table had the index
     * @throws UnsupportedOperationException when the storage engine does not support indexes
     * @throws PikoDBException when the change cannot be persisted
     */
    public boolean dropIndex(String table, String indexName) {
        checkOpen();
        Validation.checkTable(table);
        checkIndexName(table, indexName);
        return engine.dropIndex(table, indexName);
    }

    /**
     * Lists a table's secondary indexes.
     *
     * @param table the table
     * @return index name to JSON Pointer, by name; empty when it has none
     * @throws UnsupportedOperationException when the storage engine does not support indexes
     */
    public Map<String, String> listIndexes(String table) {
        checkOpen();
        Validation.checkTable(table);
        return engine.indexes(table);
    }

    /**
     * Finds records from the table's indexes (see {@link Query}), never by reading the whole table.
     * Every returned record is live and its value at the returned version matches the query; a record
     * that matches and is not written during the call is returned exactly once. Paging with
     * {@link Query#after} and {@link QueryResult#nextCursor()} returns each record that matches and is
     * unchanged across the pages exactly once, in order, while other records are written meanwhile.
     *
     * @param table the table; a missing table has no records
     * @param query the query
     * @return the records, in the query's order, at most its limit
     * @throws IllegalArgumentException when a condition or the ordering uses a path the table has no
     *     index on (the message names the {@code createIndex} call that would serve it), or for a cursor
     *     that is not one of this ordering
     * @throws UnsupportedOperationException when the storage engine does not support indexes
     */
    public QueryResult find(String table, Query query) {
        if (observer == null) {
            return doFind(table, query);
        }
        return observer.observe(StoreOperation.FIND, table, () -> doFind(table, query));
    }

    private QueryResult doFind(String table, Query query) {
        checkOpen();
        Validation.checkTable(table);
        boolean engineChecks = engine.checksQueryPaths();
        if (!engineChecks) {
            checkIndexed(table, query.indexedPaths());
        }
        QueryPlan plan = plan(table, query);
        QueryPage page;
        try {
            page = engine.query(table, plan);
        } catch (IllegalArgumentException e) {
            if (engineChecks) {
                checkIndexed(table, query.indexedPaths());
            }
            throw e;
        }
        List<Map.Entry<String, DatabaseRecord>> records = new ArrayList<>(page.records().size());
        for (Map.Entry<String, EngineRecord> entry : page.records()) {
            records.add(new AbstractMap.SimpleImmutableEntry<>(entry.getKey(),
                    toDatabaseRecord(table, entry.getKey(), entry.getValue())));
        }
        String next = page.next() == null ? null : QueryCursor.encode(plan.orderPath(), plan.ascending(), page.next());
        return new QueryResult(records, next);
    }

    /**
     * Counts the live records that match a query's conditions, from the indexes; the ordering, limit
     * and cursor are ignored.
     *
     * @param table the table
     * @param query the query
     * @return the number of matching live records
     * @throws IllegalArgumentException when a condition uses a path the table has no index on
     * @throws UnsupportedOperationException when the storage engine does not support indexes
     */
    public long count(String table, Query query) {
        if (observer == null) {
            return doCount(table, query);
        }
        return observer.observe(StoreOperation.COUNT, table, () -> doCount(table, query));
    }

    private long doCount(String table, Query query) {
        checkOpen();
        Validation.checkTable(table);
        if (query == null) {
            throw new IllegalArgumentException("query must not be null (table '" + table + "'); use Query.all()");
        }
        boolean engineChecks = engine.checksQueryPaths();
        if (!engineChecks) {
            checkIndexed(table, query.condition().paths());
        }
        try {
            return engine.count(table, query.condition());
        } catch (IllegalArgumentException e) {
            if (engineChecks) {
                checkIndexed(table, query.condition().paths());
            }
            throw e;
        }
    }

    private QueryPlan plan(String table, Query query) {
        if (query == null) {
            throw new IllegalArgumentException("query must not be null (table '" + table + "'); use Query.all()");
        }
        QueryPosition after = query.afterCursor() == null ? null
                : QueryCursor.decode(table, query.afterCursor(), query.orderPath(), query.ascending());
        return new QueryPlan(query.condition(), query.orderPath(), query.ascending(), query.limit(), after);
    }

    /**
     * Throws the message that names the {@code createIndex} call a query needs, when one of its paths
     * has no index: before the query, or, on an engine that checks the paths itself ({@link
     * StorageEngine#checksQueryPaths}), once it refused the query, so that there a query on indexed
     * paths costs no separate listing of the indexes.
     */
    private void checkIndexed(String table, java.util.Collection<String> paths) {
        if (paths.isEmpty() || paths.size() == 1 && paths.contains(Query.KEY)) {
            return;
        }
        java.util.Collection<String> indexed = engine.indexes(table).values();
        for (String path : paths) {
            if (!path.equals(Query.KEY) && !indexed.contains(path)) {
                throw new IllegalArgumentException("Table '" + table + "' has no index on \"" + path + "\", which the query"
                        + " uses; create one with db.createIndex(\"" + table + "\", \"" + suggestedIndexName(path)
                        + "\", \"" + path + "\")" + (indexed.isEmpty() ? "" : " (indexed paths: " + indexed + ")"));
            }
        }
    }

    /** The index name Spring Data uses for a path: {@code /address/city} is {@code address.city}. */
    private static String suggestedIndexName(String path) {
        String name = String.join(".", dev.pikodb.spi.IndexedValues.segments(path));
        return name.isEmpty() ? "value" : name;
    }

    private static void checkIndexName(String table, String indexName) {
        if (indexName == null || indexName.isEmpty() || indexName.length() > 255
                || indexName.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("Invalid index name " + (indexName == null ? "null" : "'" + indexName + "'")
                    + " for table '" + table + "': use 1 to 255 characters without control characters, e.g. \"owner\"");
        }
    }

    /**
     * Registers a dictionary for writing. Adding a name again with the same mapping does nothing.
     *
     * @param name the name writes refer to
     * @param dictionary the dictionary
     * @throws IllegalArgumentException when the name is taken by a different mapping (changing a
     *     mapping under stored data would corrupt it)
     */
    public void addDictionary(String name, Dictionary dictionary) {
        checkOpen();
        Validation.checkDictionaryName(name);
        if (dictionary == null) {
            throw new IllegalArgumentException("Dictionary '" + name + "' must not be null");
        }
        dictionaries.add(name, dictionary);
    }

    /**
     * Stops new writes from using a dictionary. Records already written with it stay readable.
     *
     * @param name the dictionary name
     * @return true if it was available for writing
     */
    public boolean removeDictionary(String name) {
        checkOpen();
        return name != null && dictionaries.remove(name);
    }

    /**
     * Lists the dictionaries available for writing.
     *
     * @return dictionary names in alphabetical order
     */
    public List<String> listDictionaries() {
        checkOpen();
        return dictionaries.names();
    }

    /**
     * Backs the database up while it serves: writes go on meanwhile. {@code target} must not exist or
     * be an empty directory; the result is a directory database (it opens with
     * {@code new PikoDB(target)}, and in the Node.js PikoDB) holding every table, record, version,
     * timestamp, expiration and dictionary.
     *
     * Index definitions are included as they are when the backup completes.
     *
     * <p>On the directory engine the backup is the state of every table at one instant during the
     * call: a write acknowledged before the call is in it, and if a write is in it, so is every write
     * acknowledged before that one. Writers wait only for a barrier that takes no time in proportion
     * to the data. On other engines (Redis) each record is copied as it was when it was read: every
     * record is whole, but records written during the backup may be in it at an older or newer state.
     *
     * @param target the backup directory, missing or empty
     * @throws IllegalArgumentException when the target is a file or a directory that holds something
     * @throws PikoDBException when the backup cannot be written (what was written is removed)
     */
    public void backup(Path target) {
        backup(target, CopyProgress.NONE);
    }

    /**
     * Backs the database up as {@link #backup(Path)} does, reporting progress.
     *
     * @param target the backup directory, missing or empty
     * @param progress called after each batch of records
     * @return what was written
     */
    public CopySummary backup(Path target, CopyProgress progress) {
        if (observer == null) {
            return doBackup(target, progress);
        }
        return observer.observe(StoreOperation.BACKUP, null, () -> doBackup(target, progress));
    }

    private CopySummary doBackup(Path target, CopyProgress progress) {
        checkOpen();
        Objects.requireNonNull(target, "target must not be null");
        Objects.requireNonNull(progress, "progress must not be null");
        Optional<CopySummary> written = engine.backup(target, progress);
        if (written.isPresent()) {
            addIndexDefinitions(target, written.get());
            return written.get();
        }
        long started = System.nanoTime();
        DatabaseCopy.prepareBackupTarget(target);
        CopySummary copied;
        try (PikoDB copy = new PikoDB(DatabaseOptions.builder().databaseDirectory(target)
                .jsonMapper(options.jsonMapper()).build())) {
            copy.start();
            copied = new DatabaseCopy(engine, copy.engine, copy.dictionaries, progress).run();
        }
        return new CopySummary(target.toAbsolutePath().normalize().toString(), copied.tables(), copied.records(),
                copied.bytes(), java.time.Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * Index definitions go into a backup that the engine wrote itself by opening it as a database:
     * the definitions as they are after the backup's instant (they change rarely; records are exact).
     */
    private void addIndexDefinitions(Path target, CopySummary written) {
        Map<String, Map<String, String>> indexes = DatabaseCopy.indexDefinitions(engine, engine.listTables());
        if (indexes.isEmpty()) {
            return;
        }
        try (PikoDB copy = new PikoDB(DatabaseOptions.builder().databaseDirectory(target)
                .jsonMapper(options.jsonMapper()).build())) {
            copy.start();
            indexes.forEach((table, definitions) -> definitions.forEach((name, path) -> {
                if (copy.listTables().contains(table)) {
                    copy.createIndex(table, name, path);
                }
            }));
        }
    }

    /**
     * Copies every table into another open database of any engine (e.g. directory to Redis), keeping
     * each record's version, timestamp, expiration and dictionary, and each table's index definitions.
     * Streams: memory holds one batch of
     * records, whatever the size of the database. Each record is copied as it was when it was read;
     * for a copy of one instant of a directory database that is being written, copy from its
     * {@link #backup(Path) backup}.
     *
     * @param target the database to copy into; open, and not this one
     * @throws IllegalStateException when a table already holds records in {@code target} (nothing is
     *     copied), or either database is not open
     * @throws IllegalArgumentException when a dictionary is kept in {@code target} with another mapping
     */
    public void copyTo(PikoDB target) {
        copyTo(target, CopyProgress.NONE);
    }

    /**
     * Copies every table as {@link #copyTo(PikoDB)} does, reporting progress.
     *
     * @param target the database to copy into
     * @param progress called after each batch of records
     * @return what was copied
     */
    public CopySummary copyTo(PikoDB target, CopyProgress progress) {
        if (observer == null) {
            return doCopyTo(target, progress);
        }
        return observer.observe(StoreOperation.COPY, null, () -> doCopyTo(target, progress));
    }

    private CopySummary doCopyTo(PikoDB target, CopyProgress progress) {
        checkOpen();
        if (target == null || target == this) {
            throw new IllegalArgumentException("copyTo needs another open PikoDB as its target");
        }
        Objects.requireNonNull(progress, "progress must not be null");
        target.checkOpen();
        return new DatabaseCopy(engine, target.engine, target.dictionaries, progress).run();
    }

    /**
     * Stores records exactly as given, with their versions, timestamps, expirations and dictionaries,
     * replacing what the keys held: for restoring an export (the command-line tool's {@code import}).
     * Each record is one write; the batch is not atomic. Records already expired are skipped.
     *
     * @param table the table, created when missing
     * @param records keys with their records; a record's dictionary must be available for writing
     * @return the number of records stored
     * @throws IllegalArgumentException for an invalid table, key, value, version (below 1) or an
     *     unknown dictionary; nothing is stored then
     * @throws PikoDBException when the records cannot be persisted
     */
    public int importRecords(String table, List<Map.Entry<String, DatabaseRecord>> records) {
        checkOpen();
        Validation.checkTable(table);
        long now = options.clock().millis();
        List<ImportedRecord> batch = new ArrayList<>(records.size());
        for (Map.Entry<String, DatabaseRecord> entry : records) {
            String key = entry.getKey();
            DatabaseRecord record = entry.getValue();
            Validation.checkKey(table, key);
            if (record == null || record.version() < 1) {
                throw new IllegalArgumentException("Record of key '" + Validation.printable(key) + "' in table '"
                        + Validation.printable(table) + "' needs a version of at least 1, was "
                        + (record == null ? "no record" : record.version()));
            }
            if (record.expiration() != null && now > record.expiration()) {
                continue;
            }
            byte[] json = codec.encode(table, key, record.value(), record.dictionaryName());
            batch.add(new ImportedRecord(key, EngineRecord.of(json, record.version(), record.timestamp(),
                    record.expiration(), record.dictionaryName())));
        }
        if (!batch.isEmpty()) {
            engine.importRecords(table, batch);
        }
        return batch.size();
    }

    /**
     * Visits every live record of a table with its metadata, one at a time, without gathering them
     * (for exporting large tables). Consistency with concurrent writes is the engine's, as for
     * {@link #getRecords(String)}.
     *
     * @param table the table
     * @param action called once per live record
     */
    public void forEachRecord(String table, java.util.function.BiConsumer<String, DatabaseRecord> action) {
        checkOpen();
        Validation.checkTable(table);
        Objects.requireNonNull(action, "action must not be null");
        engine.forEachLive(table, (key, record) -> action.accept(key, toDatabaseRecord(table, key, record)));
    }

    /**
     * The dictionaries kept with the data: those that stored records use (or used), with their
     * mappings, so that a tool can inflate an export or restore it elsewhere.
     *
     * @return dictionary name to dictionary
     */
    public Map<String, Dictionary> storedDictionaries() {
        checkOpen();
        return new java.util.TreeMap<>(engine.storedDictionaries());
    }

    /**
     * Registers a listener for the changes made through this database: writes, successful
     * compare-and-writes, deletes, expired records removed (by reads, size counts and cleanups) and
     * deleted tables, and a {@link ChangeEvent.Kind#MISSED} event where changes were dropped because the
     * listeners did not keep up. See {@link ChangeListener} for the guarantees. Allowed before
     * {@link #start()}.
     *
     * @param listener the listener
     * @throws IllegalArgumentException when the listener is null
     * @throws IllegalStateException after {@link #close()}
     */
    public void subscribe(ChangeListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        changes.subscribe(listener);
    }

    /**
     * Removes a listener registered with {@link #subscribe}; it receives no change published after.
     *
     * @param listener the listener
     * @return true if it was registered
     */
    public boolean unsubscribe(ChangeListener listener) {
        return listener != null && changes.unsubscribe(listener);
    }

    /**
     * Whether the database is started and not yet closed.
     *
     * @return true while open
     */
    public boolean isOpen() {
        return state == State.OPEN;
    }

    /**
     * The database directory.
     *
     * @return the directory given in the options, or {@code null} over another storage engine
     */
    public Path databaseDirectory() {
        return options.databaseDirectory();
    }

    /**
     * Where the data lives, e.g. {@code directory /srv/data} or {@code redis://host:6379 prefix pikodb}.
     *
     * @return a short description, never containing a password
     */
    public String storageDescription() {
        return engine.describe();
    }

    /**
     * The id of this instance, which the {@link ChangeEvent}s of the changes made through it name as
     * their {@link ChangeEvent#instance()}: the storage engine's (on Redis,
     * {@code RedisStorage.Builder#instanceId}, by default a random UUID), or a random UUID.
     *
     * @return the id, fixed for the life of this object
     */
    public String instanceId() {
        return instanceId;
    }

    /**
     * Asks the storage engine whether it can serve, for health checks: for Redis a {@code PING} (and on a
     * cluster its {@code cluster_state}); nothing for the directory engine, whose health is its
     * directory. Read-only and cheap.
     *
     * @return details to show, empty when the engine has none
     * @throws PikoDBException when the storage cannot serve, saying why
     * @throws IllegalStateException when the database is not open
     */
    public Map<String, Object> storageHealth() {
        checkOpen();
        return engine.healthDetails();
    }

    /**
     * The options this database was created with.
     *
     * @return the options
     */
    public DatabaseOptions options() {
        return options;
    }

    /**
     * The clock that judges expiration: compute an expiration from a time-to-live as
     * {@code clock().millis() + ttl}, so that it means the same on every instance sharing the storage,
     * whatever the skew of their own clocks. It is the configured {@link DatabaseOptions#clock()} when
     * the application gave one; otherwise, on an engine that keeps its own time (Redis: the server's
     * {@code TIME}, followed from this JVM with an offset measured at most every 30 seconds), that time,
     * and the system clock on the directory engine. Before {@link #start()} and after {@link #close()}
     * it reads {@link DatabaseOptions#clock()}.
     *
     * @return the clock, in UTC (other zones with {@link Clock#withZone})
     */
    public Clock clock() {
        return storeClock;
    }

    /**
     * Cheap per-table figures for monitoring: records held, bytes on disk. Never reads values.
     *
     * @return one summary per table, in alphabetical order
     */
    public List<TableSummary> tableSummaries() {
        checkOpen();
        return engine.tableSummaries();
    }

    /**
     * The summary of one table.
     *
     * @param table the table
     * @return its summary, or empty when it does not exist
     */
    public Optional<TableSummary> tableSummary(String table) {
        checkOpen();
        Validation.checkTable(table);
        return engine.tableSummary(table);
    }

    /**
     * Cumulative activity counters since {@link #start()}, and the change events dropped because the
     * listeners did not keep up. Cheap; never blocks writers.
     *
     * @return a snapshot of the counters
     */
    public PikoDBStatistics statistics() {
        return engine.statistics().withDroppedChangeEvents(changes.dropped());
    }

    /**
     * Files found unreadable at {@link #start()} and moved aside (never deleted or overwritten).
     *
     * @return the quarantined files, oldest first
     */
    public List<QuarantinedFile> quarantinedFiles() {
        return engine.quarantinedFiles();
    }

    /**
     * Files found in the database directory at {@link #start()} that the store did not create and
     * does not load as tables, for example {@code notes.tmp} (temporary files' names are never tables)
     * or {@code CON} (not a valid table name). They are left exactly as they are, never deleted or
     * changed, and logged once at start. Hidden files (names starting with {@code .}) are not listed:
     * that namespace is the store's own, and both implementations skip it. Empty over storage engines
     * that keep no files.
     *
     * @return the ignored files, in the order found
     */
    public List<IgnoredFile> ignoredFiles() {
        return engine.ignoredFiles();
    }

    /**
     * Tables that refuse writes after an I/O failure, with the reason. Reopening the database clears
     * this state by reloading the tables from disk.
     *
     * @return table name to failure description; empty when all is well
     */
    public Map<String, String> failedTables() {
        return engine.failedTables();
    }

    private DatabaseRecord toDatabaseRecord(String table, String key, EngineRecord record) {
        return new DatabaseRecord(codec.decode(table, key, record, Object.class), record.version(),
                record.timestamp(), record.expiration(), record.dictionaryName());
    }

    private void checkOpen() {
        State current = state;
        if (current != State.OPEN) {
            throw new IllegalStateException(current == State.NEW
                    ? "PikoDB over " + directory() + " is not started: call start() first"
                    : "PikoDB over " + directory() + " is closed");
        }
    }

    /**
     * Checks the arguments of a read or a delete and reads the record. A key that breaks the rules
     * for new keys (empty, longer than 1,024 characters, with NUL or an unpaired surrogate) is still
     * accepted when it is stored: the Node.js PikoDB accepted such keys, and its data must stay
     * readable and deletable. Any other such key is refused as a bad argument, as for writes.
     */
    private EngineRecord readChecked(String table, String key) {
        Validation.checkTable(table);
        String problem = Validation.keyProblem(table, key);
        if (problem == null) {
            return engine.read(table, key);
        }
        EngineRecord record = key == null ? null : engine.read(table, key);
        if (record == null) {
            throw new IllegalArgumentException(problem + " (a key that breaks this rule can only be read or"
                    + " deleted when it is already stored, as the Node.js PikoDB may have stored it)");
        }
        return record;
    }

    private static void checkTableAndKey(String table, String key) {
        Validation.checkTable(table);
        Validation.checkKey(table, key);
    }

    private String directory() {
        return engine.describe();
    }

    @Override
    public String toString() {
        return "PikoDB[" + directory() + ", " + state.name().toLowerCase(java.util.Locale.ROOT) + "]";
    }

    /** {@link #clock()}: the engine's time while open, else the configured clock. */
    private final class StoreClock extends Clock {

        private final ZoneId zone;

        StoreClock(ZoneId zone) {
            this.zone = zone;
        }

        @Override
        public long millis() {
            if (state == State.OPEN) {
                Long engineTime = engine.currentTimeMillis();
                if (engineTime != null) {
                    return engineTime;
                }
            }
            return options.clock().millis();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId other) {
            return new StoreClock(other);
        }
    }
}
