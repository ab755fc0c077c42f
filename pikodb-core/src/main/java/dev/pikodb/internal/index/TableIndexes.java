package dev.pikodb.internal.index;

import dev.pikodb.Dictionary;
import dev.pikodb.PikoDBException;
import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.IndexValue;
import dev.pikodb.spi.IndexedValues;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The indexes of one table and its keys in order, kept exact by the table's record holder, which
 * calls {@link #adding} before a record becomes visible, {@link #removed} after a record was replaced
 * or removed, and {@link #keyAdded}/{@link #keyRemoved} when a key appears or goes. It runs the
 * builds and drops of the indexes with the table's writes paused; the upkeep of the built indexes by
 * the writes is {@link MaintainedIndexes}, the sorted view of the keys (built on the first query that
 * needs it) is {@link SortedKeys}.
 *
 * <p><b>Pending indexes.</b> The indexes of a loaded table are attached <em>pending</em> ({@link #pend}):
 * their definitions are known, their entries not built yet. One build ({@link #buildPending}) reads
 * the records once with the table's writes paused, so a write waits for it (as for
 * {@link #build}, which {@code createIndex} runs) while reads and gets never do; then it installs the
 * indexes, and every write maintains them from then on. Whoever needs them first runs the build: a
 * background thread of the engine, or a query or {@code createIndex} that finds it unclaimed; the
 * others wait for it to end. So:
 * <ul>
 * <li>a query on a pending index's path waits for the build, then answers from the index (never by a
 * scan); a path with no definition, pending or built, throws as before, without waiting;</li>
 * <li>{@link #build} of a pending index (same name and path) waits for the build and returns;</li>
 * <li>{@link #drop} of a pending index removes it from the pending ones under the lock the build takes
 * to install what it built, so it is never installed afterwards, and does not wait;</li>
 * <li>a build that fails (an {@link OutOfMemoryError}, a bug) is logged at ERROR and leaves its indexes
 * pending and failed: writes go on without them, queries on their paths throw an exception naming the
 * table, the path and the cause, and {@link #build} of one of them builds it again on its own.</li>
 * </ul>
 *
 * <p>Locks: the build takes the writes' pause, then the lock of {@link PendingIndexes}; {@link #drop}
 * of a pending index takes only the latter; nobody waits for a build while holding it.
 */
public final class TableIndexes {

    private final String table;
    private final IndexedRecords records;
    private final Consumer<Runnable> pauseWrites;
    private final Function<String, Dictionary> dictionaries;
    private final LongSupplier clock;
    private final PendingIndexes pending;
    private final MaintainedIndexes maintained;
    private final SortedKeys keys;

    /** Reads the values of a record at the paths of some indexes, in their order, in one pass. */
    interface Reader {
        List<Collection<Object>> read(EngineRecord record);
    }

    /**
     * Creates the indexes of a table, with none yet.
     *
     * @param table the table's name, for messages
     * @param records the table's records
     * @param pauseWrites runs an action while no write can change the records
     * @param dictionaries the dictionary of a name, for records written with one
     * @param clock the current time, epoch milliseconds: a build leaves out the records expired then
     */
    public TableIndexes(String table, IndexedRecords records, Consumer<Runnable> pauseWrites,
            Function<String, Dictionary> dictionaries, LongSupplier clock) {
        this.table = table;
        this.clock = clock;
        this.records = records;
        this.pauseWrites = pauseWrites;
        this.dictionaries = dictionaries;
        this.pending = new PendingIndexes(this, table);
        this.maintained = new MaintainedIndexes(this::dictionary);
        this.keys = new SortedKeys(records, pauseWrites);
    }

    /** The dictionary a record was written with, or null. */
    private Dictionary dictionary(EngineRecord record) {
        String dictionaryName = record.dictionaryName();
        return dictionaryName == null ? null : dictionaries.apply(dictionaryName);
    }

    /**
     * Called before a record becomes visible: adds its entries (an entry whose value the replaced record
     * had too gets the new record as its slot, which also keeps it from the removal of the old entries).
     *
     * @param key the key
     * @param record the record
     * @param held the object the table will hold for it
     * @return what {@link #replaced} needs to skip the values the new record keeps; null when there are no indexes
     */
    public Object adding(String key, EngineRecord record, Object held) {
        return maintained.adding(key, record, held);
    }

    /**
     * Called after a record was replaced by the one {@link #adding} indexed: removes the old record's
     * entries for the values the new one does not have.
     *
     * @param key the key
     * @param record the record that is gone
     * @param held the object the table held for it
     * @param added what {@link #adding} returned
     */
    public void replaced(String key, EngineRecord record, Object held, Object added) {
        maintained.replaced(key, record, held, added);
    }

    /**
     * Called after a record was removed (deleted or expired): removes the entries made from it.
     *
     * @param key the key
     * @param record the record that is gone
     * @param held the object the table held for it
     */
    public void removed(String key, EngineRecord record, Object held) {
        maintained.removed(key, record, held);
    }

    /**
     * Called when a key that the table did not hold was added.
     *
     * @param key the key
     */
    public void keyAdded(String key) {
        keys.added(key);
    }

    /**
     * Called after a key was removed from the table.
     *
     * @param key the key
     */
    public void keyRemoved(String key) {
        keys.removed(key);
    }

    /** Called when the table lost every record: empties the indexes, keeps their definitions. */
    public void cleared() {
        maintained.cleared();
        keys.cleared();
    }

    /**
     * Attaches definitions as pending: known, not built yet. Until {@link #buildPending} (or a caller
     * that needs them, see {@link #onPath}) builds them, writes do not maintain them and queries on
     * their paths wait for the build.
     *
     * @param definitions index name to path
     * @return whether any definition is pending (a build is due)
     */
    public boolean pend(Map<String, String> definitions) {
        return pending.pend(definitions);
    }

    /**
     * Builds the pending indexes in one pass over the records, with the table's writes paused, and
     * starts maintaining them, unless another thread has claimed their build already (then it returns
     * at once); see {@link PendingIndexes}.
     *
     * @param whilePaused run with the writes paused, before the records are read (a test hook), or null
     * @return whether this call ran the build
     */
    public boolean buildPending(Runnable whilePaused) {
        return pending.buildIfUnclaimed(whilePaused);
    }

    // ---- for the build of the pending indexes (PendingIndexes) ----------------------------------

    void pauseWrites(Runnable action) {
        pauseWrites.accept(action);
    }

    /** Builds indexes from the records not expired now; the caller has paused the writes. */
    List<SecondaryIndex> buildFromRecords(List<String> names, List<String> paths) {
        PathValues values = new PathValues(paths);
        return IndexBuilder.build(records, names, paths, values, readerOf(values), clock.getAsLong());
    }

    /** How many times records were removed so far (see {@link #removed}). */
    long removals() {
        return maintained.removals();
    }

    /** Starts maintaining built indexes; the caller has paused the writes. */
    void install(List<SecondaryIndex> built) {
        maintained.install(built);
    }

    /**
     * Builds an index from the records, with the table's writes paused, and starts maintaining it;
     * records expired when the build reads them are left out.
     *
     * @param name the index name
     * @param path its JSON Pointer
     */
    public void build(String name, String path) {
        pending.awaitBeforeCreate(name, path);
        pauseWrites.accept(() -> {
            if (find(name) != null) {
                return;
            }
            long removalsBefore = removals();
            SecondaryIndex index = buildFromRecords(List.of(name), List.of(path)).get(0);
            // From here on a record removed by expiry takes its entries along itself.
            install(List.of(index));
            removeStaleIfRemovedSince(List.of(index), removalsBefore);
        });
    }

    /**
     * After installing indexes built from the records of a shared table: a reader may have removed an
     * expired record after the build read it and before the installation, leaving its entries behind.
     * Such a removal is counted before it looks for the indexes to remove from, so an unchanged count
     * since {@code removalsBefore} (read before the build) means there was none, and the pass over the
     * entries, which costs as much as a third of the build, is skipped.
     *
     * @param installed the indexes just installed
     * @param removalsBefore {@link #removals()} before the build read the records
     */
    void removeStaleIfRemovedSince(List<SecondaryIndex> installed, long removalsBefore) {
        if (removals() != removalsBefore) {
            installed.forEach(index -> index.removeStale(records));
        }
    }

    private Reader readerOf(PathValues reader) {
        return record -> reader.read(record, dictionary(record));
    }

    /**
     * Stops maintaining an index and drops its entries.
     *
     * @param name the index name
     * @return true if there was one
     */
    public boolean drop(String name) {
        if (pending.drop(name)) {
            return true;
        }
        boolean[] dropped = new boolean[1];
        pauseWrites.accept(() -> dropped[0] = maintained.remove(name));
        return dropped[0];
    }

    /** Drops every index (the table's definitions went with it). */
    public void dropAll() {
        pending.dropAll();
        pauseWrites.accept(maintained::removeAll);
    }

    /**
     * The index on a path, or null when the table has no definition on it. When the index on the
     * path is pending, waits for its build first (running it here if no thread has claimed it).
     *
     * @throws PikoDBException when its build failed
     */
    SecondaryIndex onPath(String path) {
        SecondaryIndex index = builtOn(path);
        return index != null ? index : pending.awaitOn(path);
    }

    /** The built index on a path, or null. */
    SecondaryIndex builtOn(String path) {
        return maintained.onPath(path);
    }

    /** The built index of a name, or null. */
    SecondaryIndex find(String name) {
        return maintained.find(name);
    }

    /**
     * Entries held per index, for monitoring and tests.
     *
     * @return index name to entries (values, and keys without a value)
     */
    public Map<String, Integer> sizes() {
        return maintained.sizes();
    }

    IndexedRecords records() {
        return records;
    }

    /** The keys in code point order, built on first use. */
    NavigableSet<String> sortedKeys() {
        return keys.get();
    }

    /** The values of one record at paths, read from its JSON per path (no tree is built). */
    final class Values {
        private final EngineRecord record;

        Values(EngineRecord record) {
            this.record = record;
        }

        Set<IndexValue> at(String path) {
            return IndexedValues.at(record, path, dictionary(record));
        }
    }
}
