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
 * A {@link KeyGroup} of more than {@value KeyGroup#ARRAY_LIMIT} keys: the keys and slots in an
 * open-addressing hash table, and the same entries in code point order once a walk in order needed
 * them.
 *
 * <p>The table is changed in place by one writer at a time: every change is made under the lock of
 * the index that holds the group (or before the group is shared), so the group takes no lock of its
 * own; the ordered view is built under that same lock ({@link #sorted(Object)}), from a table that
 * does not change meanwhile. A key is found by its hash code, kept beside it, so that an addition
 * compares no strings but its own key's when the hash matches; an entry is removed by the identity of
 * its record's held object (an entry's slot only ever stands for a record of its own key), which
 * needs no string comparison.
 *
 * <p>Entries never move within a table: a removed entry's key becomes {@link #GONE}, a later key may
 * take the place, and when the places in use (live or gone) pass three quarters of the table, the
 * live entries go to a new table, which is then published. A reader walks the table it found: an
 * entry that was there when the reader started and was not written since is still at its place (or
 * in the table the reader holds); a place the reader meets while it changes may show it the old key
 * with the new key's slot, which no live record of the old key holds, so the reader drops it like
 * any entry that is not current.
 */
final class LargeGroup {

    private static final VarHandle ENTRIES = MethodHandles.arrayElementVarHandle(Object[].class);
    /** The key of a place whose entry was removed. */
    private static final Object GONE = new Object();
    private static final int MIN_CAPACITY = 64;

    /**
     * The table: {@code [key0, slot0, key1, slot1, ...]} by place. Readers take it once and walk it;
     * a rebuild publishes a new one (after {@link #hashes}, which only the writer reads).
     */
    private volatile Object[] entries;
    /** The hash code of the key at each place of {@link #entries}; the writer's. */
    private int[] hashes;
    /** Live entries; counted by the writer (others read it for monitoring only). */
    private int size;
    /** Places holding a key or {@link #GONE}; the writer's. */
    private int used;
    private volatile ConcurrentSkipListMap<String, Object> sorted;

    /** An empty group sized for {@code expected} entries. */
    LargeGroup(int expected) {
        int capacity = capacityFor(expected);
        hashes = new int[capacity];
        entries = new Object[2 * capacity];
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

    /** Adds an entry or replaces its slot; under the index's lock. */
    void put(String key, Object slot) {
        putInTable(key, slot);
        ConcurrentSkipListMap<String, Object> order = sorted;
        if (order != null) {
            order.put(key, slot);
        }
    }

    /** Adds or replaces an entry of the table; under the index's lock, or before the group is shared. */
    void putInTable(String key, Object slot) {
        Object[] table = entries;
        int[] hashOf = hashes;
        int mask = hashOf.length - 1;
        int hash = key.hashCode();
        int free = -1;
        for (int at = home(hash, mask); ; at = (at + 1) & mask) {
            Object present = table[2 * at];
            if (present == null) {
                if (free < 0) {
                    if (used + 1 > mask - (mask >>> 2)) {
                        rebuild(size + 1);
                        putNew(key, hash, slot);
                        return;
                    }
                    used++;
                    free = at;
                }
                break;
            }
            if (present == GONE) {
                if (free < 0) {
                    free = at;
                }
            } else if (hashOf[at] == hash && (present == key || key.equals(present))) {
                // The key stays: a reader sees the old slot or the new one.
                ENTRIES.setRelease(table, 2 * at + 1, slot);
                return;
            }
        }
        hashOf[free] = hash;
        ENTRIES.setRelease(table, 2 * free + 1, slot);
        ENTRIES.setRelease(table, 2 * free, key);
        size++;
    }

    /** Adds a key known to be absent to a table not shared yet (a rebuild's). */
    private void putNew(String key, int hash, Object slot) {
        Object[] table = entries;
        int mask = hashes.length - 1;
        int at = home(hash, mask);
        while (table[2 * at] != null) {
            at = (at + 1) & mask;
        }
        hashes[at] = hash;
        table[2 * at] = key;
        table[2 * at + 1] = slot;
        size++;
        used++;
    }

    /** Publishes a table with the live entries, sized for {@code expected} entries. */
    private void rebuild(int expected) {
        Object[] from = entries;
        int[] fromHashes = hashes;
        int capacity = capacityFor(expected);
        Object[] into = new Object[2 * capacity];
        int[] intoHashes = new int[capacity];
        int mask = capacity - 1;
        for (int place = 0; place < fromHashes.length; place++) {
            Object key = from[2 * place];
            if (key != null && key != GONE) {
                int at = home(fromHashes[place], mask);
                while (into[2 * at] != null) {
                    at = (at + 1) & mask;
                }
                intoHashes[at] = fromHashes[place];
                into[2 * at] = key;
                into[2 * at + 1] = from[2 * place + 1];
            }
        }
        used = size;
        hashes = intoHashes;
        // Published complete: a reader of the new table finds every live entry in it.
        entries = into;
    }

    /**
     * Removes the entry made from {@code held} of {@code key}, if there is one; under the index's lock.
     *
     * @param several whether the record has several values at the path (its slot is then a
     *     {@link Slots.Multi} of {@code held})
     */
    void remove(String key, Object held, boolean several) {
        Object[] table = entries;
        int[] hashOf = hashes;
        int mask = hashOf.length - 1;
        int hash = key.hashCode();
        for (int at = home(hash, mask); ; at = (at + 1) & mask) {
            Object present = table[2 * at];
            if (present == null) {
                return;
            }
            Object slot = table[2 * at + 1];
            // Only a record of this key has this held object: the slot tells the entry, and the hash
            // code keeps the slots of other keys from being read.
            if (slot == held || several && hashOf[at] == hash && slot instanceof Slots.Multi multi
                    && multi.held == held) {
                ENTRIES.setRelease(table, 2 * at, GONE);
                ENTRIES.setRelease(table, 2 * at + 1, null);
                size--;
                ConcurrentSkipListMap<String, Object> order = sorted;
                if (order != null) {
                    order.remove((String) present, slot);
                }
                if (size > 0 && mask + 1 > MIN_CAPACITY && size < (mask + 1) / 8) {
                    rebuild(size);
                }
                return;
            }
        }
    }

    /** The live entries (for monitoring and for removing the group when it is empty). */
    int size() {
        return size;
    }

    /**
     * Visits the entries of the table found now, in no order; an entry changed meanwhile may be seen
     * with its old or new slot, or a gone key with the slot of the key that took its place.
     */
    boolean forEach(KeyGroup.Visitor visitor) {
        Object[] table = entries;
        for (int at = 0; at < table.length; at += 2) {
            Object key = ENTRIES.getAcquire(table, at);
            if (key instanceof String string) {
                Object slot = ENTRIES.getAcquire(table, at + 1);
                if (slot != null && !visitor.visit(string, slot)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The entries in code point order of the keys, built on the first call.
     *
     * @param lock the lock of the index that holds the group, which its writers hold
     */
    ConcurrentSkipListMap<String, Object> sorted(Object lock) {
        ConcurrentSkipListMap<String, Object> order = sorted;
        if (order != null) {
            return order;
        }
        synchronized (lock) {
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
        Object[] table = entries;
        List<Map.Entry<String, Object>> ordered = new ArrayList<>(size);
        for (int at = 0; at < table.length; at += 2) {
            Object key = table[at];
            if (key instanceof String string) {
                ordered.add(new AbstractMap.SimpleImmutableEntry<>(string, table[at + 1]));
            }
        }
        ordered.sort((a, b) -> IndexValue.compareCodePoints(a.getKey(), b.getKey()));
        return ordered;
    }
}
