package dev.pikodb.internal.index;

import dev.pikodb.spi.IndexValue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The keys that have one value in an index, each with its slot. A group of up to {@value #ARRAY_LIMIT}
 * keys is an array {@code [key0, slot0, key1, slot1, ...]} in code point order, replaced by a copy when
 * a key comes or goes (readers walk the keys of the array they got, unchanged), while the new slot of
 * a key already there is set in place (a reader sees the old slot or the new one, and checks either
 * against the live record). A larger group is a {@link Large}: its keys in a hash table, changed in
 * place, so that a write finds its key by hash instead of comparing strings; the keys in order exist
 * only once a query walked the group in order (see {@link Large#sorted}). The keys are the records'
 * own key strings. An entry is removed by the identity of the held object of the record it was made
 * from, which only that record's key carries: no key is compared for it.
 *
 * <p>The static methods take and return the group object; the caller stores a returned group in
 * place of the one it passed, under the index's lock.
 */
final class KeyGroup {

    /** The most keys a group holds as an array. */
    static final int ARRAY_LIMIT = 32;

    /**
     * A group of more than {@value #ARRAY_LIMIT} keys: the keys and slots in an open-addressing hash
     * table, and the same entries in code point order once a walk in order needed them.
     *
     * <p>The table is changed in place by one writer at a time, under this object's monitor (the
     * ordered view is built under it too, from a table that does not change meanwhile). A key is
     * found by its hash code, kept beside it, so that a write compares no strings but its own key's
     * when the hash matches; an entry is removed by the identity of its record's held object (an
     * entry's slot only ever stands for a record of its own key), which needs no string at all.
     * Entries never move within a table: a removed entry's key becomes {@link #GONE}, a later key may
     * take the place, and when the places in use (live or gone) pass three quarters of the table, the
     * live entries go to a new table, which is then published. A reader walks the table it found: an
     * entry that was there when the reader started and was not written since is still at its place
     * (or in the table the reader holds); a place the reader meets while it changes may show it the
     * old key with the new key's slot, which no live record of the old key holds, so the reader
     * drops it like any entry that is not current.
     */
    static final class Large {
        private static final VarHandle ENTRIES = MethodHandles.arrayElementVarHandle(Object[].class);
        /** The key of a place whose entry was removed. */
        private static final Object GONE = new Object();
        private static final int MIN_CAPACITY = 64;

        /** One table: {@code [key0, slot0, key1, slot1, ...]} by place, with the hash code of each key. */
        private static final class Table {
            final Object[] entries;
            final int[] hashes;
            final int mask;
            /** Live entries, and places holding a key or {@link #GONE}; counted by the writer. */
            int size;
            int used;

            Table(int capacity) {
                entries = new Object[2 * capacity];
                hashes = new int[capacity];
                mask = capacity - 1;
            }
        }

        private volatile Table table;
        private volatile ConcurrentSkipListMap<String, Object> sorted;

        Large(int expected) {
            table = new Table(capacityFor(expected));
        }

        /** The smallest table that holds {@code size} entries at most half full. */
        private static int capacityFor(int size) {
            int capacity = MIN_CAPACITY;
            while (capacity < 2 * size + 2) {
                capacity <<= 1;
            }
            return capacity;
        }

        /** The first place to look for a key of this hash code. */
        private static int home(int hash, int mask) {
            return (hash * 0x9E3779B9 >>> 7) & mask;
        }

        synchronized void put(String key, Object slot) {
            putInTable(key, slot);
            ConcurrentSkipListMap<String, Object> order = sorted;
            if (order != null) {
                order.put(key, slot);
            }
        }

        /** Adds or replaces an entry of the table; under the monitor, or before the group is shared. */
        private void putInTable(String key, Object slot) {
            Table current = table;
            int hash = key.hashCode();
            Object[] entries = current.entries;
            int[] hashes = current.hashes;
            int free = -1;
            for (int at = home(hash, current.mask); ; at = (at + 1) & current.mask) {
                Object present = entries[2 * at];
                if (present == null) {
                    if (free < 0) {
                        if (current.used + 1 > current.mask - (current.mask >>> 2)) {
                            current = rebuild(current, current.size + 1);
                            putNew(current, key, hash, slot);
                            return;
                        }
                        current.used++;
                        free = at;
                    }
                    break;
                }
                if (present == GONE) {
                    if (free < 0) {
                        free = at;
                    }
                } else if (hashes[at] == hash && (present == key || key.equals(present))) {
                    // The key stays: a reader sees the old slot or the new one.
                    ENTRIES.setRelease(entries, 2 * at + 1, slot);
                    return;
                }
            }
            hashes[free] = hash;
            ENTRIES.setRelease(entries, 2 * free + 1, slot);
            ENTRIES.setRelease(entries, 2 * free, key);
            current.size++;
        }

        /** Adds a key known to be absent to a table not shared yet. */
        private static void putNew(Table into, String key, int hash, Object slot) {
            int at = home(hash, into.mask);
            while (into.entries[2 * at] != null) {
                at = (at + 1) & into.mask;
            }
            into.hashes[at] = hash;
            into.entries[2 * at] = key;
            into.entries[2 * at + 1] = slot;
            into.size++;
            into.used++;
        }

        /** Publishes a table with the live entries of {@code from}, sized for {@code size} entries. */
        private Table rebuild(Table from, int size) {
            Table into = new Table(capacityFor(size));
            Object[] entries = from.entries;
            for (int at = 0; at <= from.mask; at++) {
                Object key = entries[2 * at];
                if (key != null && key != GONE) {
                    putNew(into, (String) key, from.hashes[at], entries[2 * at + 1]);
                }
            }
            table = into;
            return into;
        }

        /**
         * Removes the entry made from {@code held} of {@code key}, if there is one.
         *
         * @param several whether the record has several values at the path (its slot is then a
         *     {@link SecondaryIndex.Multi} of {@code held})
         */
        synchronized void remove(String key, Object held, boolean several) {
            Table current = table;
            int hash = key.hashCode();
            Object[] entries = current.entries;
            int[] hashes = current.hashes;
            for (int at = home(hash, current.mask); ; at = (at + 1) & current.mask) {
                Object present = entries[2 * at];
                if (present == null) {
                    return;
                }
                Object slot = entries[2 * at + 1];
                if (present != GONE && hashes[at] == hash
                        && (slot == held || several && slot instanceof SecondaryIndex.Multi multi && multi.held == held)) {
                    ENTRIES.setRelease(entries, 2 * at, GONE);
                    ENTRIES.setRelease(entries, 2 * at + 1, null);
                    current.size--;
                    ConcurrentSkipListMap<String, Object> order = sorted;
                    if (order != null) {
                        order.remove((String) present, slot);
                    }
                    if (current.size > 0 && current.mask + 1 > MIN_CAPACITY && current.size < (current.mask + 1) / 8) {
                        rebuild(current, current.size);
                    }
                    return;
                }
            }
        }

        /** The live entries (for monitoring and for removing the group when it is empty). */
        int size() {
            return table.size;
        }

        /**
         * Visits the entries of the table found now, in no order; an entry changed meanwhile may be
         * seen with its old or new slot, or a gone key with the slot of the key that took its place.
         */
        boolean forEach(Visitor visitor) {
            Object[] entries = table.entries;
            for (int at = 0; at < entries.length; at += 2) {
                Object key = ENTRIES.getAcquire(entries, at);
                if (key instanceof String string) {
                    Object slot = ENTRIES.getAcquire(entries, at + 1);
                    if (slot != null && !visitor.visit(string, slot)) {
                        return false;
                    }
                }
            }
            return true;
        }

        /** The entries in code point order of the keys, built on the first call. */
        ConcurrentSkipListMap<String, Object> sorted() {
            ConcurrentSkipListMap<String, Object> order = sorted;
            if (order != null) {
                return order;
            }
            synchronized (this) {
                if (sorted == null) {
                    sorted = new ConcurrentSkipListMap<>(new SortedListView<>(sortedEntries(),
                            IndexValue::compareCodePoints));
                }
                return sorted;
            }
        }

        /** Whether the ordered view exists, for tests. */
        boolean hasOrder() {
            return sorted != null;
        }

        private List<Map.Entry<String, Object>> sortedEntries() {
            Table current = table;
            List<Map.Entry<String, Object>> entries = new ArrayList<>(current.size);
            for (int at = 0; at <= current.mask; at++) {
                Object key = current.entries[2 * at];
                if (key instanceof String string) {
                    entries.add(new AbstractMap.SimpleImmutableEntry<>(string, current.entries[2 * at + 1]));
                }
            }
            entries.sort((a, b) -> IndexValue.compareCodePoints(a.getKey(), b.getKey()));
            return entries;
        }
    }

    /** Receives the entries of a group; returns false to stop. */
    interface Visitor {
        boolean visit(String key, Object slot);
    }

    private KeyGroup() {
    }

    /**
     * The group with {@code key} given {@code slot} (added, or its slot replaced).
     *
     * @param group the group, or null for none
     * @return the group to store (the same map for a large group)
     */
    static Object with(Object group, String key, Object slot) {
        if (group == null) {
            return new Object[] {key, slot};
        }
        if (group instanceof Object[] pairs) {
            int at = find(pairs, key);
            if (at >= 0) {
                // The keys stay as they are: a reader walking this array sees the old slot or the new one.
                pairs[at + 1] = slot;
                return pairs;
            }
            int insert = -(at + 1);
            if (pairs.length / 2 >= ARRAY_LIMIT) {
                Large large = new Large(pairs.length);
                for (int i = 0; i < pairs.length; i += 2) {
                    large.put((String) pairs[i], pairs[i + 1]);
                }
                large.put(key, slot);
                return large;
            }
            Object[] grown = new Object[pairs.length + 2];
            System.arraycopy(pairs, 0, grown, 0, insert);
            grown[insert] = key;
            grown[insert + 1] = slot;
            System.arraycopy(pairs, insert, grown, insert + 2, pairs.length - insert);
            return grown;
        }
        ((Large) group).put(key, slot);
        return group;
    }

    /**
     * The group without {@code key} if its slot stands for {@code held}.
     *
     * @param several whether the record of {@code held} has several values at the index's path (its
     *     slot is then a {@link SecondaryIndex.Multi}, otherwise the held object itself)
     * @return the group to store, the same object when nothing changed or a large group changed in
     *     place, or null when the group is empty
     */
    static Object without(Object group, String key, Object held, boolean several) {
        if (group == null) {
            return null;
        }
        if (group instanceof Object[] pairs) {
            int at = several ? find(pairs, key) : slotOf(pairs, held);
            if (at < 0 || SecondaryIndex.held(pairs[at + 1]) != held) {
                return group;
            }
            if (pairs.length == 2) {
                return null;
            }
            Object[] shrunk = new Object[pairs.length - 2];
            System.arraycopy(pairs, 0, shrunk, 0, at);
            System.arraycopy(pairs, at + 2, shrunk, at, pairs.length - at - 2);
            return shrunk;
        }
        Large large = (Large) group;
        large.remove(key, held, several);
        return large.size() == 0 ? null : group;
    }

    /** The position of the pair whose slot is {@code held} itself, or -1: the slots are compared, not the keys. */
    private static int slotOf(Object[] pairs, Object held) {
        for (int i = 1; i < pairs.length; i += 2) {
            if (pairs[i] == held) {
                return i - 1;
            }
        }
        return -1;
    }

    /** The keys in a group. */
    static int size(Object group) {
        return group instanceof Object[] pairs ? pairs.length / 2 : ((Large) group).size();
    }

    /**
     * Visits every entry, in no particular order: what a walk that does not need the order takes (a
     * large group is not sorted for it).
     *
     * @return false if the visitor stopped
     */
    static boolean forEachUnordered(Object group, Visitor visitor) {
        if (group instanceof Object[]) {
            return forEach(group, null, true, visitor);
        }
        return ((Large) group).forEach(visitor);
    }

    /**
     * Visits the entries in key order from {@code from} (all when null); a large group's order is
     * built on its first such walk and kept from then on.
     *
     * @return false if the visitor stopped
     */
    static boolean forEach(Object group, String from, boolean inclusive, Visitor visitor) {
        if (group instanceof Object[] pairs) {
            int start = 0;
            if (from != null) {
                int at = find(pairs, from);
                start = at >= 0 ? (inclusive ? at : at + 2) : -(at + 1);
            }
            for (int i = start; i < pairs.length; i += 2) {
                if (!visitor.visit((String) pairs[i], pairs[i + 1])) {
                    return false;
                }
            }
            return true;
        }
        ConcurrentSkipListMap<String, Object> map = ((Large) group).sorted();
        for (Map.Entry<String, Object> entry : (from == null ? map : map.tailMap(from, inclusive)).entrySet()) {
            if (!visitor.visit(entry.getKey(), entry.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * A group built from entries already in key order (a large one takes them into its hash table).
     *
     * @param keys keys, sorted and distinct from {@code from} to {@code to}
     * @param slots their slots
     * @param from the first entry of the group
     * @param to the end of the group (exclusive)
     */
    static Object ofSorted(String[] keys, Object[] slots, int from, int to) {
        int count = to - from;
        if (count <= ARRAY_LIMIT) {
            Object[] pairs = new Object[count * 2];
            for (int i = 0; i < count; i++) {
                pairs[2 * i] = keys[from + i];
                pairs[2 * i + 1] = slots[from + i];
            }
            return pairs;
        }
        Large large = new Large(count);
        for (int i = from; i < to; i++) {
            large.putInTable(keys[i], slots[i]);
        }
        return large;
    }

    /** The position of {@code key}'s pair, or {@code -(insertion position) - 1}; positions are even. */
    private static int find(Object[] pairs, String key) {
        int low = 0;
        int high = pairs.length / 2 - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int order = IndexValue.compareCodePoints((String) pairs[2 * middle], key);
            if (order < 0) {
                low = middle + 1;
            } else if (order > 0) {
                high = middle - 1;
            } else {
                return 2 * middle;
            }
        }
        return -(2 * low) - 1;
    }

}
