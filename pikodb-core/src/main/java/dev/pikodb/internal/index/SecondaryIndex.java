package dev.pikodb.internal.index;

import dev.pikodb.spi.IndexValue;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One index of a table, in memory: an entry per (value, key) for every value a record has at the
 * path, and the keys of the records that have none there (so that an ordering by this path can list
 * them last without reading the table).
 *
 * <p>Each entry carries the object the table held for the record it was made from (its "slot");
 * the entry is current exactly when the table still holds that object for the key. Entries are
 * added before their record becomes visible and removed, conditionally on their slot, after it was
 * replaced or removed; a reader checks the slot against the live record, so it never takes a stale
 * entry for the truth, and never misses a record that was not written during its read.
 */
final class SecondaryIndex {

    /** The slot of a record with several values at the path: its held object and its extremes. */
    static final class Multi {
        final Object held;
        final IndexValue min;
        final IndexValue max;

        Multi(Object held, IndexValue min, IndexValue max) {
            this.held = held;
            this.min = min;
            this.max = max;
        }

        /** Equal slots stand for the same held object. */
        @Override
        public boolean equals(Object other) {
            return other instanceof Multi multi && multi.held == held;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(held);
        }
    }

    final String name;
    final String path;
    final ConcurrentSkipListMap<IndexEntry, Object> entries;
    final ConcurrentSkipListMap<String, Object> absent;

    SecondaryIndex(String name, String path) {
        this.name = name;
        this.path = path;
        this.entries = new ConcurrentSkipListMap<>();
        this.absent = new ConcurrentSkipListMap<>(IndexValue::compareCodePoints);
    }

    /** An index over entries collected beforehand: the maps are built in one pass from the sorted entries. */
    SecondaryIndex(String name, String path, List<Map.Entry<IndexEntry, Object>> entries,
            List<Map.Entry<String, Object>> absent) {
        this.name = name;
        this.path = path;
        entries.sort(Map.Entry.comparingByKey());
        absent.sort((a, b) -> IndexValue.compareCodePoints(a.getKey(), b.getKey()));
        this.entries = new ConcurrentSkipListMap<>(new SortedView<>(entries, null));
        this.absent = new ConcurrentSkipListMap<>(new SortedView<>(absent, IndexValue::compareCodePoints));
    }

    /**
     * A sorted list seen as the sorted map {@link ConcurrentSkipListMap}'s copy constructor reads in one
     * pass (it needs only the comparator and the entries, in order).
     */
    private static final class SortedView<K, V> extends AbstractMap<K, V> implements SortedMap<K, V> {
        private final List<Map.Entry<K, V>> sorted;
        private final Comparator<? super K> comparator;

        SortedView(List<Map.Entry<K, V>> sorted, Comparator<? super K> comparator) {
            this.sorted = sorted;
            this.comparator = comparator;
        }

        @Override
        public Set<Map.Entry<K, V>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<K, V>> iterator() {
                    return sorted.iterator();
                }

                @Override
                public int size() {
                    return sorted.size();
                }
            };
        }

        @Override
        public Comparator<? super K> comparator() {
            return comparator;
        }

        @Override
        public SortedMap<K, V> subMap(K fromKey, K toKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedMap<K, V> headMap(K toKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedMap<K, V> tailMap(K fromKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public K firstKey() {
            return sorted.get(0).getKey();
        }

        @Override
        public K lastKey() {
            return sorted.get(sorted.size() - 1).getKey();
        }
    }

    /** Collects the entries of a record for {@link #SecondaryIndex(String, String, List, List)}. */
    static void collect(String key, Set<IndexValue> values, Object held, List<Map.Entry<IndexEntry, Object>> entries,
            List<Map.Entry<String, Object>> absent) {
        if (values.isEmpty()) {
            absent.add(new AbstractMap.SimpleImmutableEntry<>(key, held));
            return;
        }
        Object slot = slot(values, held);
        for (IndexValue value : values) {
            entries.add(new AbstractMap.SimpleImmutableEntry<>(new IndexEntry(value, key), slot));
        }
    }

    private static Object slot(Set<IndexValue> values, Object held) {
        if (values.size() == 1) {
            return held;
        }
        IndexValue min = null;
        IndexValue max = null;
        for (IndexValue value : values) {
            min = min == null || value.compareTo(min) < 0 ? value : min;
            max = max == null || value.compareTo(max) > 0 ? value : max;
        }
        return new Multi(held, min, max);
    }

    /** The held object an entry's slot stands for. */
    static Object held(Object slot) {
        return slot instanceof Multi multi ? multi.held : slot;
    }

    void add(String key, Set<IndexValue> values, Object held) {
        if (values.isEmpty()) {
            absent.put(key, held);
            return;
        }
        Object slot = slot(values, held);
        for (IndexValue value : values) {
            entries.put(new IndexEntry(value, key), slot);
        }
    }

    /**
     * Removes entries made from {@code held}; entries a later record of the key made stay.
     *
     * @param values every value the record had (they decide the form of its slot)
     * @param gone the values whose entries to remove
     */
    void remove(String key, Set<IndexValue> values, Set<IndexValue> gone, Object held) {
        if (values.isEmpty()) {
            absent.remove(key, held);
            return;
        }
        Object slot = values.size() > 1 ? new Multi(held, null, null) : held;
        for (IndexValue value : gone) {
            entries.remove(new IndexEntry(value, key), slot);
        }
    }

    void clear() {
        entries.clear();
        absent.clear();
    }

    /** Entries and absent keys, for monitoring and tests. */
    int size() {
        return entries.size() + absent.size();
    }
}
