package dev.pikodb.spi;

import dev.pikodb.Dictionary;
import dev.pikodb.CopyProgress;
import dev.pikodb.CopySummary;
import dev.pikodb.IgnoredFile;
import dev.pikodb.PikoDBStatistics;
import dev.pikodb.QuarantinedFile;
import dev.pikodb.TableSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Where a {@link dev.pikodb.PikoDB}'s records live.
 *
 * <p><b>Division of work.</b> The facade validates every argument (table names, keys, versions),
 * encodes values to JSON (deflating them with a dictionary when asked), decodes what it reads, and
 * calls the engine only between {@link #open} and {@link #close}. The engine owns everything that
 * must be atomic or persistent: versions, timestamps, expiration, compare-and-write, the records
 * themselves and the dictionaries stored records use.
 *
 * <p><b>Rules every engine keeps</b> (the contract tests check them on every engine):
 * <ul>
 * <li>A record is expired when {@code now > expiration}, with {@code now} from the engine's time
 * source ({@link EngineContext#clock()} when configured). Expired records are invisible to every read
 * and may be removed by any call that meets them.</li>
 * <li>Versions start at 1 and grow by 1 per overwrite of a live record; a key that was deleted or
 * expired starts again at 1. Per key, versions strictly increase in commit order, across threads and,
 * for a shared engine, across processes.</li>
 * <li>A method that changes data either completes or throws with nothing changed. When the outcome
 * cannot be known (a lost connection, a timeout), it throws an exception that says so.</li>
 * <li>A conditional write and a delete decide against the state that reads return: what a read can
 * see is what they compare with.</li>
 * <li>Every method is safe from any number of threads.</li>
 * </ul>
 */
public interface StorageEngine {

    /**
     * Opens the engine: locks, loads or connects. Called once, by {@link dev.pikodb.PikoDB#start()}.
     * After a failure the engine holds no resource and may be opened again.
     *
     * @param context the storage options
     * @throws dev.pikodb.PikoDBException when it cannot open
     */
    void open(EngineContext context);

    /**
     * Brings stable storage fully up to date (for the directory engine: every table file holds its
     * whole table).
     *
     * @throws dev.pikodb.PikoDBException when that fails
     */
    void flush();

    /**
     * Waits for calls in flight, flushes what needs flushing and releases every resource. Called once.
     *
     * @throws dev.pikodb.PikoDBException when it could not finish cleanly (resources are released anyway)
     */
    void close();

    /**
     * Releases every resource after {@link #open} succeeded but the start could not be completed (for
     * example, the configured dictionaries conflict with the stored ones), changing nothing stored:
     * unlike {@link #close()} it writes nothing. Called at most once, instead of {@link #close()}.
     * The default closes.
     */
    default void abandon() {
        close();
    }

    /**
     * Where the data lives, for messages and monitoring, e.g. {@code directory /srv/data} or
     * {@code redis://127.0.0.1:6379 prefix pikodb}. Never contains a password.
     *
     * @return a short description
     */
    String describe();

    /**
     * The id of this instance among those sharing the storage, which {@link dev.pikodb.ChangeEvent#instance()}
     * names for the changes made through it. The default, {@code null}, lets the facade pick a random id
     * (an engine that no other process shares).
     *
     * @return the id, or {@code null}
     */
    default String instanceId() {
        return null;
    }

    /**
     * Stores a record.
     *
     * @param table a valid table name
     * @param key a valid key
     * @param json the value's JSON, deflated when {@code dictionaryName} is set; the engine owns the array
     * @param expiration epoch milliseconds after which the record is expired, or {@code null}
     * @param dictionaryName the dictionary that deflated {@code json}, already kept with
     *     {@link #keepDictionary}; or {@code null}
     * @param expectedVersion {@code -1} for an unconditional write; {@code 0} when the key must be
     *     missing or expired; a version {@code >= 1} that the live record must have
     * @return the new version, or 0 when {@code expectedVersion} did not match (nothing changed)
     * @throws dev.pikodb.PikoDBException when the write cannot be persisted (nothing changed)
     */
    long write(String table, String key, byte[] json, Long expiration, String dictionaryName, long expectedVersion);

    /**
     * Reads a live record.
     *
     * @param table a valid table name
     * @param key a key
     * @return the record, or {@code null} when missing or expired
     */
    EngineRecord read(String table, String key);

    /**
     * Deletes a key.
     *
     * @param table a valid table name
     * @param key a key
     * @return true if a live record was removed
     * @throws dev.pikodb.PikoDBException when the delete cannot be persisted (nothing changed)
     */
    boolean delete(String table, String key);

    /**
     * Visits every live record of a table, in no particular order. The engine states in its
     * documentation how consistent the visit is with concurrent writes.
     *
     * @param table a valid table name
     * @param action called once per live record
     */
    void forEachLive(String table, BiConsumer<String, EngineRecord> action);

    /**
     * Counts a table's live records, removing expired ones.
     *
     * @param table a valid table name
     * @return the count; 0 for a missing table
     */
    int liveCount(String table);

    /**
     * The tables that hold data or have been written.
     *
     * @return names in alphabetical order
     */
    List<String> listTables();

    /**
     * Deletes a table with all its records.
     *
     * @param table a valid table name
     * @return true if the table existed
     * @throws dev.pikodb.PikoDBException when it cannot be deleted (the table is then unchanged)
     */
    boolean deleteTable(String table);

    /**
     * Removes a table's expired records.
     *
     * @param table a valid table name
     * @return the number removed
     */
    int cleanupExpired(String table);

    /**
     * Removes the expired records of every table.
     *
     * @return the number removed
     */
    int cleanupAllExpired();

    /**
     * The current time on the clock that judges expiration, when the engine keeps its own: an engine
     * shared by several processes judges expiry by one clock for all of them (Redis: the server's
     * {@code TIME}), so that a relative time-to-live turned into an instant with this time means the
     * same on every instance, whatever the skew of their own clocks. The default, {@code null}, means
     * {@link EngineContext#clock()}, which is also what an engine uses when the application configured
     * a clock.
     *
     * @return epoch milliseconds, or {@code null} for the context's clock
     */
    default Long currentTimeMillis() {
        return null;
    }

    /**
     * Claims the scheduled cleanup of this database for one interval: for a database shared by several
     * instances, the instance that gets the claim runs the cleanup and the others skip it, so it runs
     * about once per interval however many instances there are. The default (a database of one
     * instance) always claims it.
     *
     * @param interval the cleanup interval; the claim lasts that long
     * @return true when this instance should run the scheduled cleanup now
     */
    default boolean claimScheduledCleanup(java.time.Duration interval) {
        return true;
    }

    /**
     * The dictionaries kept with the data, so that records written with them stay readable without
     * the configuration that wrote them. Available from {@link #open} on.
     *
     * @return dictionary name to dictionary
     */
    Map<String, Dictionary> storedDictionaries();

    /**
     * Keeps a dictionary with the data before the first record that uses it is written. Returns only
     * once the mapping is as persistent as the records will be. Keeping a name again with the same
     * mapping does nothing.
     *
     * @param name the dictionary name
     * @param dictionary the mapping
     * @throws IllegalArgumentException when the name is already kept with a different mapping
     * @throws dev.pikodb.PikoDBException when it cannot be persisted
     */
    void keepDictionary(String name, Dictionary dictionary);

    /**
     * Dictionary names that stored records use, as far as the engine knows them cheaply (the
     * directory engine learns them when it loads its tables). Used at start to keep the configured
     * dictionaries that records written elsewhere depend on.
     *
     * @return names; empty when unknown
     */
    default Set<String> dictionaryNamesInUse() {
        return Set.of();
    }

    /**
     * Cheap per-table figures for monitoring.
     *
     * @return one summary per table, by name
     */
    List<TableSummary> tableSummaries();

    /**
     * The summary of one table.
     *
     * @param table a valid table name
     * @return its summary, or empty when it does not exist
     */
    Optional<TableSummary> tableSummary(String table);

    /**
     * Activity counters since {@link #open}. Like {@link #quarantinedFiles()} and
     * {@link #failedTables()}, callable in every state, before {@link #open} and after {@link #close}.
     *
     * @return a snapshot
     */
    PikoDBStatistics statistics();

    /**
     * Files or entries found unreadable at open and set aside (never deleted).
     *
     * @return the list, oldest first; empty for engines that never set anything aside
     */
    default List<QuarantinedFile> quarantinedFiles() {
        return List.of();
    }

    /**
     * Files the engine found where it keeps its data, did not create and does not use (for the
     * directory engine: files in the database directory that are not tables). Such files are left
     * exactly as they are. Callable in every state, like {@link #quarantinedFiles()}.
     *
     * @return the list, in the order found; empty for engines that keep no files
     */
    default List<IgnoredFile> ignoredFiles() {
        return List.of();
    }

    /**
     * Tables that refuse writes after a storage failure, with the reason.
     *
     * @return table name to reason; empty when all is well
     */
    default Map<String, String> failedTables() {
        return Map.of();
    }

    /**
     * Asks the storage whether it can serve, for health checks: cheap, read-only, safe to call every few
     * seconds while the engine is open. An engine over a server checks that the server answers.
     *
     * @return details to show (e.g. {@code ping: PONG}); empty for engines with nothing to report (the
     *     default)
     * @throws RuntimeException when the storage cannot serve, with a message saying why
     */
    default Map<String, Object> healthDetails() {
        return Map.of();
    }

    /**
     * Stores records exactly as given: each with its version, timestamp, expiration and dictionary,
     * replacing whatever the key held, as one write per record (a reader sees each record whole, and
     * a failure leaves every record before the failing one stored). Used to copy a database into
     * this engine ({@link dev.pikodb.PikoDB#copyTo}) and to restore an export. The records'
     * dictionaries are kept with {@link #keepDictionary} first. Like any write, an import keeps the
     * table's indexes exact. The default refuses: an engine that
     * cannot set versions and timestamps cannot be a copy's target.
     *
     * @param table a valid table name, created when missing
     * @param records valid keys with records that are not expired
     * @throws UnsupportedOperationException when the engine cannot import
     * @throws dev.pikodb.PikoDBException when the records cannot be persisted
     */
    default void importRecords(String table, List<ImportedRecord> records) {
        throw new UnsupportedOperationException(describe() + " cannot import records with their versions and"
                + " timestamps, so it cannot be the target of a copy");
    }

    /**
     * Writes a backup of the whole database as a directory database at {@code target} (which is
     * missing or an empty directory), when the engine can do better than the facade's default: the
     * directory engine writes the state of every table at one instant during the call. Engines that
     * return empty (the default) are backed up by the facade record by record, each record as it was
     * at the moment it was read.
     *
     * @param target the backup directory, missing or empty
     * @param progress where to report progress
     * @return what was written, or empty when the facade should copy record by record
     * @throws dev.pikodb.PikoDBException when the backup cannot be written
     */
    default Optional<CopySummary> backup(Path target, CopyProgress progress) {
        return Optional.empty();
    }

    /**
     * Creates a secondary index on a table, or does nothing when the table has one of that name on
     * that path. Indexes the records already stored before it returns; keeps the definition with the
     * data (until {@link #dropIndex} or {@link #deleteTable}), also while the table holds no records.
     * The facade has validated the name and the path (a JSON Pointer).
     *
     * <p>Index semantics, the same on every engine: a record is indexed by {@link IndexedValues#at}
     * its value at the path (dictionaries invisible); {@code null}, missing paths and objects are not
     * indexed. Writes, deletes, expiry and {@link #deleteTable} keep every index exact. The default
     * throws: the engine does not support indexes.
     *
     * @param table a valid table name
     * @param indexName the index name
     * @param path the JSON Pointer it indexes
     * @throws IllegalArgumentException when the table has an index of that name on another path
     * @throws UnsupportedOperationException when the engine does not support indexes
     * @throws dev.pikodb.PikoDBException when the definition cannot be persisted (nothing changed)
     */
    default void createIndex(String table, String indexName, String path) {
        throw indexesUnsupported();
    }

    /**
     * Drops an index with its entries and its definition.
     *
     * @param table a valid table name
     * @param indexName the index name
     * @return true if the table had it
     * @throws UnsupportedOperationException when the engine does not support indexes
     * @throws dev.pikodb.PikoDBException when the change cannot be persisted (nothing changed)
     */
    default boolean dropIndex(String table, String indexName) {
        throw indexesUnsupported();
    }

    /**
     * A table's index definitions.
     *
     * @param table a valid table name
     * @return index name to path, by name; empty when it has none
     * @throws UnsupportedOperationException when the engine does not support indexes
     */
    default Map<String, String> indexes(String table) {
        throw indexesUnsupported();
    }

    /**
     * Whether {@link #query} and {@link #count} themselves refuse, with an IllegalArgumentException, a
     * plan or condition that uses a path without a ready index on the table (every path of its
     * condition, and its ordering path). Then the facade lists the table's indexes only to word that
     * refusal, not before every query; by default it checks before every query.
     *
     * @return true when the engine checks every path of a query itself
     */
    default boolean checksQueryPaths() {
        return false;
    }

    /**
     * Answers a query from the table's indexes (and, for {@link QueryCondition#KEY}, its keys), never by
     * reading every record: the work grows with the records that match the indexed conditions, and
     * with the limit when the order can be read from an index.
     *
     * <p>Every returned record is live, and its value at the returned version matches the plan's
     * condition; a matching record not written during the call is returned exactly once; records come
     * in {@link QueryPlan#order()}, strictly after {@link QueryPlan#after()}. When the limit cut the
     * result, {@link QueryPage#next()} is the position of the last record returned.
     *
     * @param table a valid table name
     * @param plan the validated query; every path it uses is {@link QueryCondition#KEY} or the path of
     *     one of the table's indexes (an engine that finds otherwise throws IllegalArgumentException)
     * @return the page; empty for a missing table
     * @throws UnsupportedOperationException when the engine does not support indexes
     */
    default QueryPage query(String table, QueryPlan plan) {
        throw indexesUnsupported();
    }

    /**
     * Counts the live records that match a condition, from the indexes like {@link #query}.
     *
     * @param table a valid table name
     * @param condition the validated condition
     * @return the count; 0 for a missing table
     * @throws UnsupportedOperationException when the engine does not support indexes
     */
    default long count(String table, QueryCondition condition) {
        throw indexesUnsupported();
    }

    /**
     * The exception the index methods throw on an engine that does not support them.
     *
     * @return the exception, naming the engine
     */
    default UnsupportedOperationException indexesUnsupported() {
        return new UnsupportedOperationException("Secondary indexes and queries are not supported by the storage"
                + " engine " + getClass().getSimpleName() + " (" + describe() + ") yet; use the directory engine for"
                + " createIndex, find and count");
    }
}
