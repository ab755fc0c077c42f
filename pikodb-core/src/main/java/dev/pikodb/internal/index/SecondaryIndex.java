package dev.pikodb.internal.index;

import dev.pikodb.spi.IndexValue;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One index of a table, in memory: the distinct values at the path in order, each with the
 * {@link KeyGroup} of the keys whose records have it (a string value's group found by hash, so that a
 * write that moves a key between strings that other keys keep compares no strings), and the keys of
 * the records that have no value there (so that an ordering by this path can list them last without
 * reading the table). Values are held in {@link CompactValue} form, one object per distinct value,
 * except integers, which {@link LongValues} holds as primitives (a write to an index of distinct
 * numbers, such as times, neither boxes nor compares objects down an ordered map); keys are the
 * records' own strings.
 *
 * <p>Each entry carries the object the table held for the record it was made from (its "slot", see
 * {@link Slots}); the entry is current exactly when the table still holds that object for the key.
 * Entries are added before their record becomes visible and removed, conditionally on their slot,
 * after it was replaced or removed; a reader checks the slot against the live record, so it never takes a stale
 * entry for the truth, and never misses a record that was not written during its read. Changes are
 * made under this object's lock (writes of the table, and removals by readers that meet an expired
 * record); readers take no lock.
 */
final class SecondaryIndex {

    final String name;
    final String path;
    /** What {@link #values} holds for a string value: its group is in {@link #strings}. */
    private static final Object IN_STRINGS = new Object();

    /**
     * The distinct values other than integers in order, each with its group of keys, or
     * {@link #IN_STRINGS} for a string value, whose group is found by hash: comparing strings down the
     * ordered values is what a write would pay, while booleans and decimals compare cheaply.
     */
    private final ConcurrentSkipListMap<Object, Object> values;
    /** The integer values, with their groups. */
    private final LongValues longs;
    /**
     * String value to the cell of its group (a new group of a value present is stored in its cell,
     * not in this map). A string is here before it is in {@link #values} and leaves after it: a reader
     * that finds a value in order and no group here skips a value that just went.
     */
    private final ConcurrentHashMap<String, GroupCell> strings;
    final ConcurrentSkipListMap<String, Object> absent;

    SecondaryIndex(String name, String path) {
        this.name = name;
        this.path = path;
        this.values = new ConcurrentSkipListMap<>(CompactValue.ORDER);
        this.longs = new LongValues();
        this.strings = new ConcurrentHashMap<>();
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
        this.strings = new ConcurrentHashMap<>();
        int integers = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof String string) {
                this.strings.put(string, new GroupCell(groups[i]));
            } else if (values[i] instanceof Long) {
                integers++;
            }
        }
        // The integers are in ascending order among the values: they go to the primitive arrays.
        long[] integerValues = new long[integers];
        Object[] integerGroups = new Object[integers];
        int[] others = new int[values.length - integers];
        for (int i = 0, n = 0, o = 0; i < values.length; i++) {
            if (values[i] instanceof Long number) {
                integerValues[n] = number;
                integerGroups[n++] = groups[i];
            } else {
                others[o++] = i;
            }
        }
        this.longs = new LongValues(integerValues, integerGroups);
        List<Map.Entry<Object, Object>> ordered = new AbstractList<>() {
            @Override
            public Map.Entry<Object, Object> get(int index) {
                Object value = values[others[index]];
                return new AbstractMap.SimpleImmutableEntry<>(value,
                        value instanceof String ? IN_STRINGS : groups[others[index]]);
            }

            @Override
            public int size() {
                return others.length;
            }
        };
        this.values = new ConcurrentSkipListMap<>(new SortedListView<>(ordered, CompactValue.ORDER));
        this.absent = new ConcurrentSkipListMap<>(new SortedListView<>(absent, IndexValue::compareCodePoints));
    }

    /** The group of a value, or null when no key has it. */
    Object group(Object value) {
        if (value instanceof String string) {
            GroupCell cell = strings.get(string);
            return cell == null ? null : cell.group();
        }
        return value instanceof Long number ? longs.get(number) : values.get(value);
    }

    /**
     * The group of a value met in {@link #values}, or null when the value just went.
     *
     * @param value the value
     * @param mapped what {@link #values} holds for it
     */
    private Object group(Object value, Object mapped) {
        if (mapped != IN_STRINGS) {
            return mapped;
        }
        GroupCell cell = strings.get((String) value);
        return cell == null ? null : cell.group();
    }

    /** Receives a value in its compact form and its group; returns false to stop. */
    interface ValueVisitor {
        boolean visit(Object value, Object group);
    }

    /**
     * Visits the values that some key has, in order, each with its group: a value present (with a
     * group holding an entry) from before the walk until after it is visited.
     *
     * @param from a compact value to start from, or null to start at the first value in the walk's order
     * @param inclusive whether a value equal to {@code from} is visited
     * @param ascending the order of the walk
     * @param visitor receives the values
     */
    void forEachValue(Object from, boolean inclusive, boolean ascending, ValueVisitor visitor) {
        NavigableMap<Object, Object> ordered = ascending ? values : values.descendingMap();
        if (from != null) {
            ordered = ordered.tailMap(from, inclusive);
        }
        Iterator<Map.Entry<Object, Object>> others = ordered.entrySet().iterator();
        Map.Entry<Object, Object>[] next = nextOther(others);
        int sign = ascending ? 1 : -1;
        // The integers come in their order, each other value before the first integer past it.
        boolean more = longs.forEach(from, inclusive, ascending, (integer, group) -> {
            while (next[0] != null && sign * CompactValue.compareLong(integer, next[0].getKey()) > 0) {
                if (!visitOther(next[0], visitor)) {
                    return false;
                }
                next[0] = others.hasNext() ? others.next() : null;
            }
            return visitor.visit(integer, group);
        });
        if (!more) {
            return;
        }
        for (Map.Entry<Object, Object> entry = next[0]; entry != null; entry = others.hasNext() ? others.next() : null) {
            if (!visitOther(entry, visitor)) {
                return;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map.Entry<Object, Object>[] nextOther(Iterator<Map.Entry<Object, Object>> others) {
        return new Map.Entry[] {others.hasNext() ? others.next() : null};
    }

    private boolean visitOther(Map.Entry<Object, Object> entry, ValueVisitor visitor) {
        Object group = group(entry.getKey(), entry.getValue());
        return group == null || visitor.visit(entry.getKey(), group);
    }

    /** Adds (or gives the new slot to) the entries of a record. */
    synchronized void add(String key, Collection<Object> recordValues, Object held) {
        if (recordValues.isEmpty()) {
            absent.put(key, held);
            return;
        }
        Object slot = Slots.of(recordValues, held);
        if (recordValues instanceof List<Object> list) {
            // By position: a record's values are mostly a list of one, and an iterator would be made per write.
            for (int i = 0; i < list.size(); i++) {
                addOne(key, list.get(i), slot);
            }
        } else {
            for (Object value : recordValues) {
                addOne(key, value, slot);
            }
        }
    }

    private void addOne(String key, Object value, Object slot) {
        if (value instanceof String string) {
            GroupCell cell = strings.get(string);
            if (cell == null) {
                strings.put(string, new GroupCell(KeyGroup.with(null, key, slot)));
                values.put(string, IN_STRINGS);
                return;
            }
            Object group = cell.group();
            Object next = KeyGroup.with(group, key, slot);
            if (next != group) {
                cell.set(next);
            }
        } else if (value instanceof Long number) {
            longs.with(number, key, slot);
        } else {
            // One descent of the ordered values (a second one only when the value is new).
            values.compute(value, (v, group) -> KeyGroup.with(group, key, slot));
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
        boolean several = recordValues.size() > 1;
        if (gone instanceof List<Object> list) {
            for (int i = 0; i < list.size(); i++) {
                removeOne(key, list.get(i), held, several);
            }
        } else {
            for (Object value : gone) {
                removeOne(key, value, held, several);
            }
        }
    }

    private void removeOne(String key, Object value, Object held, boolean several) {
        if (value instanceof String string) {
            GroupCell cell = strings.get(string);
            if (cell != null) {
                Object group = cell.group();
                store(string, group, KeyGroup.without(group, key, held, several));
            }
        } else if (value instanceof Long number) {
            longs.without(number, key, held, several);
        } else {
            // One descent of the ordered values (a second one only when the value goes).
            values.computeIfPresent(value, (v, group) -> KeyGroup.without(group, key, held, several));
        }
    }

    /** Removes every entry whose slot is not what the table holds now for its key. */
    synchronized void removeStale(IndexedRecords records) {
        // The values first: the integers may be merged into a new base by the changes that follow.
        List<Object> present = new ArrayList<>();
        forEachValue(null, true, true, (value, group) -> present.add(value));
        for (Object value : present) {
            Object before = group(value);
            if (before == null) {
                continue;
            }
            Object[] group = {before};
            KeyGroup.forEachUnordered(before, (key, slot) -> {
                Object held = Slots.held(slot);
                if (records.liveHeld(key, Long.MIN_VALUE) != held) {
                    group[0] = KeyGroup.without(group[0], key, held, slot instanceof Slots.Multi);
                }
                return group[0] != null;
            });
            store(value, before, group[0]);
        }
        absent.entrySet().removeIf(entry -> records.liveHeld(entry.getKey(), Long.MIN_VALUE) != entry.getValue());
    }

    /** Stores the group that replaced {@code group} of a value; a value left without keys goes. */
    private void store(Object value, Object group, Object next) {
        if (value instanceof Long number) {
            if (next != group) {
                longs.set(number, next);
            }
        } else if (next == null) {
            values.remove(value);
            if (value instanceof String string) {
                GroupCell cell = strings.remove(string);
                if (cell != null) {
                    cell.set(null);
                }
            }
        } else if (next != group) {
            if (value instanceof String string) {
                strings.get(string).set(next);
            } else {
                values.put(value, next);
            }
        }
    }

    synchronized void clear() {
        values.clear();
        longs.clear();
        strings.clear();
        absent.clear();
    }

    /** Entries and absent keys, for monitoring and tests (counts every group). */
    int size() {
        int[] size = {absent.size()};
        forEachValue(null, true, true, (value, group) -> {
            size[0] += KeyGroup.size(group);
            return true;
        });
        return size[0];
    }
}
