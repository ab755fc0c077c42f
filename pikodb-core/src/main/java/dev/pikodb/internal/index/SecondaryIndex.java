package dev.pikodb.internal.index;

import dev.pikodb.spi.IndexValue;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One index of a table, in memory: the {@link KeyGroup} of the keys whose records have each value,
 * found by hash, the distinct values in order, and the keys of the records that have no value there
 * (so that an ordering by this path can list them last without reading the table). A write that moves
 * a key between values that other keys keep finds both groups by hash; the ordered values change only
 * when a value appears or goes. Values are held in {@link CompactValue} form, one object per distinct
 * value; keys are the records' own strings.
 *
 * <p>Each entry carries the object the table held for the record it was made from (its "slot");
 * the entry is current exactly when the table still holds that object for the key. Entries are
 * added before their record becomes visible and removed, conditionally on their slot, after it was
 * replaced or removed; a reader checks the slot against the live record, so it never takes a stale
 * entry for the truth, and never misses a record that was not written during its read. Changes are
 * made under this object's lock (writes of the table, and removals by readers that meet an expired
 * record); readers take no lock.
 */
final class SecondaryIndex {

    /** The slot of a record with several values at the path: its held object and its extremes. */
    static final class Multi {
        final Object held;
        final Object min;
        final Object max;

        Multi(Object held, Object min, Object max) {
            this.held = held;
            this.min = min;
            this.max = max;
        }

        /** Equal to the slot of the same record: the slots of one record hold one held object. */
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
    /**
     * Compact value to its group of keys. A value is here before it is in {@link #values} and leaves
     * after it: a reader that finds a value in order and no group here skips a value that just went.
     */
    final ConcurrentHashMap<Object, Object> groups;
    /** The distinct values in order (each mapped to {@link Boolean#TRUE}). */
    final ConcurrentSkipListMap<Object, Boolean> values;
    final ConcurrentSkipListMap<String, Object> absent;

    SecondaryIndex(String name, String path) {
        this.name = name;
        this.path = path;
        this.groups = new ConcurrentHashMap<>();
        this.values = new ConcurrentSkipListMap<>(CompactValue.ORDER);
        this.absent = new ConcurrentSkipListMap<>(IndexValue::compareCodePoints);
    }

    /**
     * An index over distinct values and absent keys already in order: the ordered maps are built in
     * one pass.
     *
     * @param values the distinct values, in order
     * @param groups their groups, in the same order
     * @param absent the keys without a value, in order, with their slots
     */
    SecondaryIndex(String name, String path, Object[] values, Object[] groups, List<Map.Entry<String, Object>> absent) {
        this.name = name;
        this.path = path;
        this.groups = new ConcurrentHashMap<>(values.length);
        for (int i = 0; i < values.length; i++) {
            this.groups.put(values[i], groups[i]);
        }
        List<Map.Entry<Object, Boolean>> ordered = new AbstractList<>() {
            @Override
            public Map.Entry<Object, Boolean> get(int index) {
                return new AbstractMap.SimpleImmutableEntry<>(values[index], Boolean.TRUE);
            }

            @Override
            public int size() {
                return values.length;
            }
        };
        this.values = new ConcurrentSkipListMap<>(new SortedListView<>(ordered, CompactValue.ORDER));
        this.absent = new ConcurrentSkipListMap<>(new SortedListView<>(absent, IndexValue::compareCodePoints));
    }

    /** The group of a value, or null when no key has it. */
    Object group(Object value) {
        return groups.get(value);
    }

    /** The slot of a record's entries: its held object, or a {@link Multi} when it has several values. */
    static Object slot(Collection<Object> values, Object held) {
        if (values.size() == 1) {
            return held;
        }
        Object min = null;
        Object max = null;
        for (Object value : values) {
            min = min == null || CompactValue.compare(value, min) < 0 ? value : min;
            max = max == null || CompactValue.compare(value, max) > 0 ? value : max;
        }
        return new Multi(held, min, max);
    }

    /** The held object an entry's slot stands for. */
    static Object held(Object slot) {
        return slot instanceof Multi multi ? multi.held : slot;
    }

    /** Adds (or gives the new slot to) the entries of a record. */
    synchronized void add(String key, Collection<Object> recordValues, Object held) {
        if (recordValues.isEmpty()) {
            absent.put(key, held);
            return;
        }
        Object slot = slot(recordValues, held);
        for (Object value : recordValues) {
            Object group = groups.get(value);
            Object next = KeyGroup.with(group, key, slot);
            if (next != group) {
                groups.put(value, next);
            }
            if (group == null) {
                values.put(value, Boolean.TRUE);
            }
        }
    }

    /**
     * Removes entries made from {@code held}; entries a later record of the key made stay.
     *
     * @param recordValues every value the record had (none: it was among the absent keys)
     * @param gone the values whose entries to remove
     */
    synchronized void remove(String key, Collection<Object> recordValues, Collection<Object> gone, Object held) {
        if (recordValues.isEmpty()) {
            absent.remove(key, held);
            return;
        }
        for (Object value : gone) {
            Object group = groups.get(value);
            if (group != null) {
                store(value, group, KeyGroup.without(group, key, held, recordValues.size() > 1));
            }
        }
    }

    /** Removes every entry whose slot is not what the table holds now for its key. */
    synchronized void removeStale(IndexedRecords records) {
        for (Map.Entry<Object, Object> entry : groups.entrySet()) {
            Object value = entry.getKey();
            Object[] group = {entry.getValue()};
            KeyGroup.forEachUnordered(entry.getValue(), (key, slot) -> {
                Object held = held(slot);
                if (records.liveHeld(key, Long.MIN_VALUE) != held) {
                    group[0] = KeyGroup.without(group[0], key, held, slot instanceof Multi);
                }
                return group[0] != null;
            });
            store(value, entry.getValue(), group[0]);
        }
        absent.entrySet().removeIf(entry -> records.liveHeld(entry.getKey(), Long.MIN_VALUE) != entry.getValue());
    }

    /** Stores the group that replaced {@code group} of a value; a value left without keys goes. */
    private void store(Object value, Object group, Object next) {
        if (next == null) {
            values.remove(value);
            groups.remove(value);
        } else if (next != group) {
            groups.put(value, next);
        }
    }

    synchronized void clear() {
        values.clear();
        groups.clear();
        absent.clear();
    }

    /** Entries and absent keys, for monitoring and tests (counts every group). */
    int size() {
        int size = absent.size();
        for (Object group : groups.values()) {
            size += KeyGroup.size(group);
        }
        return size;
    }
}
