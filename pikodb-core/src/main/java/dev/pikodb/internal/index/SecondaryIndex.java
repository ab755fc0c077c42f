package dev.pikodb.internal.index;

import dev.pikodb.spi.IndexValue;
import java.util.Set;
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
    final ConcurrentSkipListMap<IndexEntry, Object> entries = new ConcurrentSkipListMap<>();
    final ConcurrentSkipListMap<String, Object> absent = new ConcurrentSkipListMap<>(IndexValue::compareCodePoints);

    SecondaryIndex(String name, String path) {
        this.name = name;
        this.path = path;
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
        Object slot = held;
        if (values.size() > 1) {
            IndexValue min = null;
            IndexValue max = null;
            for (IndexValue value : values) {
                min = min == null || value.compareTo(min) < 0 ? value : min;
                max = max == null || value.compareTo(max) > 0 ? value : max;
            }
            slot = new Multi(held, min, max);
        }
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
