package dev.pikodb.internal.index;

import dev.pikodb.Dictionary;
import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.IndexValue;
import dev.pikodb.spi.IndexedValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The indexes of one table and its keys in order, kept exact by the table's record holder, which
 * calls {@link #adding} before a record becomes visible, {@link #removed} after a record was replaced
 * or removed, and {@link #keyAdded}/{@link #keyRemoved} when a key appears or goes.
 *
 * <p>The sorted view of the keys (for conditions and ordering on the key) is built on the first query
 * that needs it, with the table's writes paused, and maintained from then on; tables never queried by
 * key pay nothing for it.
 */
public final class TableIndexes {

    private final IndexedRecords records;
    private final Consumer<Runnable> pauseWrites;
    private final Function<String, Dictionary> dictionaries;
    private volatile List<SecondaryIndex> indexes = List.of();
    private volatile NavigableSet<String> keys;

    /**
     * Creates the indexes of a table, with none yet.
     *
     * @param records the table's records
     * @param pauseWrites runs an action while no write can change the records
     * @param dictionaries the dictionary of a name, for records written with one
     */
    public TableIndexes(IndexedRecords records, Consumer<Runnable> pauseWrites, Function<String, Dictionary> dictionaries) {
        this.records = records;
        this.pauseWrites = pauseWrites;
        this.dictionaries = dictionaries;
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
        List<SecondaryIndex> current = indexes;
        if (current.isEmpty()) {
            return null;
        }
        Values values = new Values(record);
        List<Set<IndexValue>> added = new ArrayList<>(current.size());
        for (SecondaryIndex index : current) {
            Set<IndexValue> at = values.at(index.path);
            index.add(key, at, held);
            added.add(at);
        }
        return new Added(current, added);
    }

    /** The indexes a write added entries to, with the values it added to each. */
    private record Added(List<SecondaryIndex> indexes, List<Set<IndexValue>> values) {
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
        if (!(added instanceof Added write) || write.indexes != indexes) {
            removed(key, record, held);
            return;
        }
        Values values = new Values(record);
        for (int i = 0; i < write.indexes.size(); i++) {
            SecondaryIndex index = write.indexes.get(i);
            Set<IndexValue> kept = write.values.get(i);
            Set<IndexValue> old = values.at(index.path);
            if (kept.isEmpty() || old.isEmpty() || !kept.containsAll(old)) {
                Set<IndexValue> gone = new java.util.LinkedHashSet<>(old);
                gone.removeAll(kept);
                index.remove(key, old, gone, held);
            }
        }
    }

    /**
     * Called after a record was removed (deleted or expired): removes the entries made from it.
     *
     * @param key the key
     * @param record the record that is gone
     * @param held the object the table held for it
     */
    public void removed(String key, EngineRecord record, Object held) {
        List<SecondaryIndex> current = indexes;
        if (current.isEmpty()) {
            return;
        }
        Values values = new Values(record);
        for (SecondaryIndex index : current) {
            Set<IndexValue> old = values.at(index.path);
            index.remove(key, old, old, held);
        }
    }

    /**
     * Called when a key that the table did not hold was added.
     *
     * @param key the key
     */
    public void keyAdded(String key) {
        NavigableSet<String> sorted = keys;
        if (sorted != null) {
            sorted.add(key);
        }
    }

    /**
     * Called after a key was removed from the table.
     *
     * @param key the key
     */
    public void keyRemoved(String key) {
        NavigableSet<String> sorted = keys;
        if (sorted != null) {
            sorted.remove(key);
            // A writer may have added the key again between the removal and now.
            if (records.holds(key)) {
                sorted.add(key);
            }
        }
    }

    /** Called when the table lost every record: empties the indexes, keeps their definitions. */
    public void cleared() {
        indexes.forEach(SecondaryIndex::clear);
        NavigableSet<String> sorted = keys;
        if (sorted != null) {
            sorted.clear();
        }
    }

    /**
     * Builds an index from the records, with the table's writes paused, and starts maintaining it.
     *
     * @param name the index name
     * @param path its JSON Pointer
     * @param now the current time, epoch milliseconds: expired records are left out
     */
    public void build(String name, String path, long now) {
        pauseWrites.accept(() -> {
            if (find(name) != null) {
                return;
            }
            List<Map.Entry<IndexEntry, Object>> entries = new ArrayList<>();
            List<Map.Entry<String, Object>> absent = new ArrayList<>();
            records.forEachHeld((key, held) -> {
                EngineRecord record = records.record(held);
                Long expiration = record.expiration();
                if (expiration == null || now <= expiration) {
                    SecondaryIndex.collect(key, new Values(record).at(path), held, entries, absent);
                }
            });
            SecondaryIndex index = new SecondaryIndex(name, path, entries, absent);
            List<SecondaryIndex> next = new ArrayList<>(indexes);
            next.add(index);
            // From here on a record removed by expiry takes its entries along itself; the ones removed
            // before are found by the pass that follows.
            indexes = List.copyOf(next);
            index.entries.entrySet().removeIf(entry -> records.liveHeld(entry.getKey().key, Long.MIN_VALUE)
                    != SecondaryIndex.held(entry.getValue()));
            index.absent.entrySet().removeIf(entry -> records.liveHeld(entry.getKey(), Long.MIN_VALUE) != entry.getValue());
        });
    }

    /**
     * Stops maintaining an index and drops its entries.
     *
     * @param name the index name
     * @return true if there was one
     */
    public boolean drop(String name) {
        boolean[] dropped = new boolean[1];
        pauseWrites.accept(() -> {
            SecondaryIndex index = find(name);
            if (index != null) {
                List<SecondaryIndex> next = new ArrayList<>(indexes);
                next.remove(index);
                indexes = List.copyOf(next);
                index.clear();
                dropped[0] = true;
            }
        });
        return dropped[0];
    }

    /** Drops every index (the table's definitions went with it). */
    public void dropAll() {
        pauseWrites.accept(() -> {
            List<SecondaryIndex> old = indexes;
            indexes = List.of();
            old.forEach(SecondaryIndex::clear);
        });
    }

    /** The index on a path, or null. */
    SecondaryIndex onPath(String path) {
        for (SecondaryIndex index : indexes) {
            if (index.path.equals(path)) {
                return index;
            }
        }
        return null;
    }

    private SecondaryIndex find(String name) {
        for (SecondaryIndex index : indexes) {
            if (index.name.equals(name)) {
                return index;
            }
        }
        return null;
    }

    /**
     * Entries held per index, for monitoring and tests.
     *
     * @return index name to entries (values, and keys without a value)
     */
    public Map<String, Integer> sizes() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        indexes.forEach(index -> sizes.put(index.name, index.size()));
        return sizes;
    }

    IndexedRecords records() {
        return records;
    }

    /** The keys in code point order, built on first use. */
    NavigableSet<String> sortedKeys() {
        NavigableSet<String> sorted = keys;
        if (sorted != null) {
            return sorted;
        }
        synchronized (this) {
            if (keys == null) {
                pauseWrites.accept(() -> {
                    NavigableSet<String> built = new ConcurrentSkipListSet<>(IndexValue::compareCodePoints);
                    keys = built;
                    records.forEachHeld((key, held) -> built.add(key));
                    // A key removed by expiry before the set was published may have been added.
                    built.removeIf(key -> !records.holds(key));
                });
            }
            return keys;
        }
    }

    /** The values of one record at paths, read from its JSON per path (no tree is built). */
    final class Values {
        private final EngineRecord record;

        Values(EngineRecord record) {
            this.record = record;
        }

        Set<IndexValue> at(String path) {
            String dictionaryName = record.dictionaryName();
            Dictionary dictionary = dictionaryName == null ? null : dictionaries.apply(dictionaryName);
            return IndexedValues.at(record, path, dictionary);
        }
    }
}
