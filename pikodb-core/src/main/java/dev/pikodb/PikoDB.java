package dev.pikodb;

import dev.pikodb.internal.Store;
import dev.pikodb.internal.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.core.type.TypeReference;

/**
 * An embedded key-value database: named tables of JSON values, held in memory and persisted to one
 * directory.
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
 */
public final class PikoDB implements AutoCloseable {

    private enum State { NEW, OPEN, CLOSED }

    private final DatabaseOptions options;
    private final Store store;
    private volatile State state = State.NEW;

    /**
     * Creates a database over the options' directory, creating the directory when missing. Nothing is
     * loaded until {@link #start()}.
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
        Path directory = options.databaseDirectory().toAbsolutePath().normalize();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new PikoDBException("Cannot create database directory " + directory.toAbsolutePath()
                    + ": " + e + "; check the path and its permissions", e);
        }
        if (!Files.isDirectory(directory)) {
            throw new PikoDBException("Database directory " + directory.toAbsolutePath() + " is not a directory");
        }
        this.store = new Store(options, options.fileIO());
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
     * Locks the directory against other instances and loads every table. Files that cannot be read
     * are moved aside and reported by {@link #quarantinedFiles()}; the rest of the database opens.
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
        store.open();
        state = State.OPEN;
    }

    /**
     * Rewrites every table file that is behind its journal, so that each table file holds its whole
     * table, and forces it to stable storage.
     *
     * @throws PikoDBException when a table cannot be written
     */
    public void flush() {
        checkOpen();
        store.flush();
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
        if (previous == State.OPEN) {
            store.close();
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
        checkOpen();
        checkTableAndKey(table, key);
        return store.write(table, key, value, expirationTimestamp, dictionaryName, -1);
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
        checkOpen();
        checkTableAndKey(table, key);
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expectedVersion must be 0 (key absent) or a version >= 1, was "
                    + expectedVersion + " (table '" + table + "', key '" + key + "')");
        }
        return store.write(table, key, value, null, null, expectedVersion) > 0;
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
     */
    public <T> T get(String table, String key, Class<T> type) {
        checkOpen();
        checkTableAndKey(table, key);
        Objects.requireNonNull(type, "type must not be null");
        return store.get(table, key, type);
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
        checkOpen();
        checkTableAndKey(table, key);
        Objects.requireNonNull(type, "type must not be null");
        return store.get(table, key, type);
    }

    /**
     * Reads every live entry of a table.
     *
     * @param table the table
     * @return key-value pairs in no particular order; empty for a missing table
     */
    public List<Map.Entry<String, Object>> get(String table) {
        checkOpen();
        Validation.checkTable(table);
        return store.entries(table);
    }

    /**
     * Reads a record with its metadata; tells a stored JSON null from a missing key.
     *
     * @param table the table
     * @param key the key
     * @return the record, or empty when missing or expired
     */
    public Optional<DatabaseRecord> getRecord(String table, String key) {
        checkOpen();
        checkTableAndKey(table, key);
        return store.getRecord(table, key);
    }

    /**
     * Deletes a key.
     *
     * @param table the table
     * @param key the key
     * @return true if a live key was removed; false if it was missing or expired
     * @throws PikoDBException when the delete cannot be persisted
     */
    public boolean delete(String table, String key) {
        checkOpen();
        checkTableAndKey(table, key);
        return store.delete(table, key);
    }

    /**
     * Counts a table's live keys, removing expired ones.
     *
     * @param table the table
     * @return the number of live keys; 0 for a missing table
     */
    public int getTableSize(String table) {
        checkOpen();
        Validation.checkTable(table);
        return store.tableSize(table);
    }

    /**
     * Lists the tables that have a file or a write.
     *
     * @return table names in alphabetical order
     */
    public List<String> listTables() {
        checkOpen();
        return store.listTables();
    }

    /**
     * Deletes a table and its files.
     *
     * @param table the table
     * @return true if the table existed
     * @throws PikoDBException when its files cannot be removed
     */
    public boolean deleteTable(String table) {
        checkOpen();
        Validation.checkTable(table);
        return store.deleteTable(table);
    }

    /**
     * Removes a table's expired records.
     *
     * @param table the table
     * @return the number of records removed
     */
    public int cleanupExpired(String table) {
        checkOpen();
        Validation.checkTable(table);
        return store.cleanupExpired(table);
    }

    /**
     * Removes the expired records of every table.
     *
     * @return the number of records removed
     */
    public int cleanupAllExpired() {
        checkOpen();
        return store.cleanupAllExpired();
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
        store.dictionaries().add(name, dictionary);
    }

    /**
     * Stops new writes from using a dictionary. Records already written with it stay readable.
     *
     * @param name the dictionary name
     * @return true if it was available for writing
     */
    public boolean removeDictionary(String name) {
        checkOpen();
        return name != null && store.dictionaries().remove(name);
    }

    /**
     * Lists the dictionaries available for writing.
     *
     * @return dictionary names in alphabetical order
     */
    public List<String> listDictionaries() {
        checkOpen();
        return store.dictionaries().names();
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
     * @return the directory given in the options
     */
    public Path databaseDirectory() {
        return options.databaseDirectory();
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
     * Cheap per-table figures for monitoring: records held, bytes on disk. Never reads values.
     *
     * @return one summary per table, in alphabetical order
     */
    public List<TableSummary> tableSummaries() {
        checkOpen();
        return store.tableSummaries();
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
        return store.tableSummary(table);
    }

    /**
     * Cumulative activity counters since {@link #start()}. Cheap; never blocks writers.
     *
     * @return a snapshot of the counters
     */
    public PikoDBStatistics statistics() {
        return store.statistics();
    }

    /**
     * Files found unreadable at {@link #start()} and moved aside (never deleted or overwritten).
     *
     * @return the quarantined files, oldest first
     */
    public List<QuarantinedFile> quarantinedFiles() {
        return store.quarantinedFiles();
    }

    /**
     * Tables that refuse writes after an I/O failure, with the reason. Reopening the database clears
     * this state by reloading the tables from disk.
     *
     * @return table name to failure description; empty when all is well
     */
    public Map<String, String> failedTables() {
        return store.failedTables();
    }

    private void checkOpen() {
        State current = state;
        if (current != State.OPEN) {
            throw new IllegalStateException(current == State.NEW
                    ? "PikoDB over " + directory() + " is not started: call start() first"
                    : "PikoDB over " + directory() + " is closed");
        }
    }

    private static void checkTableAndKey(String table, String key) {
        Validation.checkTable(table);
        Validation.checkKey(table, key);
    }

    private Path directory() {
        return options.databaseDirectory().toAbsolutePath();
    }

    @Override
    public String toString() {
        return "PikoDB[" + directory() + ", " + state.name().toLowerCase(java.util.Locale.ROOT) + "]";
    }
}
