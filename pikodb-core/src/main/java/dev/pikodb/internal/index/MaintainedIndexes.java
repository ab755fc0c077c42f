package dev.pikodb.internal.index;

import dev.pikodb.Dictionary;
import dev.pikodb.spi.EngineRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The built indexes of one table and their upkeep by its writes: the entries of a record are added
 * before it becomes visible ({@link #adding}) and removed after it was replaced ({@link #replaced}) or
 * removed ({@link #removed}). Removals are counted, so that a build can tell whether a record it read
 * may have gone before its indexes were installed. The set of indexes is replaced whole, with the
 * table's writes paused, when indexes are installed or dropped ({@link TableIndexes}).
 */
final class MaintainedIndexes {

    private final Function<EngineRecord, Dictionary> dictionaries;
    /** Records removed (deleted, expired, cleared) so far, counted before their entries are removed. */
    private final AtomicLong removals = new AtomicLong();
    private volatile Current current = new Current(List.of());

    /** @param dictionaries the dictionary of a record written with one, else null */
    MaintainedIndexes(Function<EngineRecord, Dictionary> dictionaries) {
        this.dictionaries = dictionaries;
    }

    /** The indexes maintained, with the reader of their paths. */
    private final class Current implements TableIndexes.Reader {
        final List<SecondaryIndex> indexes;
        final PathValues paths;

        Current(List<SecondaryIndex> indexes) {
            this.indexes = List.copyOf(indexes);
            this.paths = new PathValues(this.indexes.stream().map(index -> index.path).toList());
        }

        @Override
        public List<Collection<Object>> read(EngineRecord record) {
            return paths.read(record, dictionaries.apply(record));
        }
    }

    /** See {@link TableIndexes#adding}. */
    Object adding(String key, EngineRecord record, Object held) {
        Current now = current;
        if (now.indexes.isEmpty()) {
            return null;
        }
        List<Collection<Object>> values = now.read(record);
        for (int i = 0; i < now.indexes.size(); i++) {
            now.indexes.get(i).add(key, values.get(i), held);
        }
        return new Added(now, values);
    }

    /** The indexes a write added entries to, with the values it added to each. */
    private record Added(Current indexes, List<Collection<Object>> values) {
    }

    /** See {@link TableIndexes#replaced}. */
    void replaced(String key, EngineRecord record, Object held, Object added) {
        if (!(added instanceof Added write) || write.indexes != current) {
            removed(key, record, held);
            return;
        }
        List<Collection<Object>> old = write.indexes.read(record);
        for (int i = 0; i < write.indexes.indexes.size(); i++) {
            Collection<Object> kept = write.values.get(i);
            Collection<Object> was = old.get(i);
            if (kept.size() == 1 && was.size() == 1) {
                // The common case, one value before and after: nothing to remove when it stayed.
                if (!only(kept).equals(only(was))) {
                    write.indexes.indexes.get(i).remove(key, was, was, held);
                }
            } else if (kept.isEmpty() || was.isEmpty() || !kept.containsAll(was)) {
                List<Object> gone = new ArrayList<>(was);
                gone.removeAll(kept);
                write.indexes.indexes.get(i).remove(key, was, gone, held);
            }
        }
    }

    /** The one value of a record's values at a path. */
    private static Object only(Collection<Object> values) {
        return values instanceof List<Object> list ? list.get(0) : values.iterator().next();
    }

    /** See {@link TableIndexes#removed}. */
    void removed(String key, EngineRecord record, Object held) {
        // Counted before the indexes are read: a build installing meanwhile sees the count change.
        removals.incrementAndGet();
        Current now = current;
        if (now.indexes.isEmpty()) {
            return;
        }
        List<Collection<Object>> values = now.read(record);
        for (int i = 0; i < now.indexes.size(); i++) {
            now.indexes.get(i).remove(key, values.get(i), values.get(i), held);
        }
    }

    /** The table lost every record: empties the indexes, keeps them maintained. */
    void cleared() {
        removals.incrementAndGet();
        current.indexes.forEach(SecondaryIndex::clear);
    }

    /** How many times records were removed so far (see {@link #removed}). */
    long removals() {
        return removals.get();
    }

    /** Starts maintaining built indexes; the caller has paused the writes. */
    void install(List<SecondaryIndex> built) {
        List<SecondaryIndex> next = new ArrayList<>(current.indexes);
        next.addAll(built);
        current = new Current(next);
    }

    /**
     * Stops maintaining the index of a name and drops its entries; the caller has paused the writes.
     *
     * @return true if there was one
     */
    boolean remove(String name) {
        SecondaryIndex index = find(name);
        if (index == null) {
            return false;
        }
        List<SecondaryIndex> next = new ArrayList<>(current.indexes);
        next.remove(index);
        current = new Current(next);
        index.clear();
        return true;
    }

    /** Stops maintaining every index and drops their entries; the caller has paused the writes. */
    void removeAll() {
        List<SecondaryIndex> old = current.indexes;
        current = new Current(List.of());
        old.forEach(SecondaryIndex::clear);
    }

    /** The built index on a path, or null. */
    SecondaryIndex onPath(String path) {
        for (SecondaryIndex index : current.indexes) {
            if (index.path.equals(path)) {
                return index;
            }
        }
        return null;
    }

    /** The built index of a name, or null. */
    SecondaryIndex find(String name) {
        for (SecondaryIndex index : current.indexes) {
            if (index.name.equals(name)) {
                return index;
            }
        }
        return null;
    }

    /** Entries held per index: index name to entries (values, and keys without a value). */
    Map<String, Integer> sizes() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        current.indexes.forEach(index -> sizes.put(index.name, index.size()));
        return sizes;
    }
}
