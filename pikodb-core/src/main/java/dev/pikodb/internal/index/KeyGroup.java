package dev.pikodb.internal.index;

import dev.pikodb.spi.IndexValue;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The keys that have one value in an index, each with its slot. A group of up to {@value #ARRAY_LIMIT}
 * keys is an array {@code [key0, slot0, key1, slot1, ...]} in code point order, replaced by a copy when
 * a key comes or goes (readers walk the keys of the array they got, unchanged), while the new slot of
 * a key already there is set in place (a reader sees the old slot or the new one, and checks either
 * against the live record). A larger group is a {@link LargeGroup}: its keys in a hash table, changed
 * in place, so that a write finds its key by hash instead of comparing strings; the keys in order
 * exist only once a query walked the group in order (see {@link LargeGroup#sorted}). The keys are the records'
 * own key strings. An entry is removed by the identity of the held object of the record it was made
 * from, which only that record's key carries: no key is compared for it.
 *
 * <p>The static methods take and return the group object; the caller stores a returned group in
 * place of the one it passed, under the index's lock.
 */
final class KeyGroup {

    /** The most keys a group holds as an array. */
    static final int ARRAY_LIMIT = 32;

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
                LargeGroup large = new LargeGroup(pairs.length);
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
        ((LargeGroup) group).put(key, slot);
        return group;
    }

    /**
     * The group without {@code key} if its slot stands for {@code held}.
     *
     * @param several whether the record of {@code held} has several values at the index's path (its
     *     slot is then a {@link Slots.Multi}, otherwise the held object itself)
     * @return the group to store, the same object when nothing changed or a large group changed in
     *     place, or null when the group is empty
     */
    static Object without(Object group, String key, Object held, boolean several) {
        if (group == null) {
            return null;
        }
        if (group instanceof Object[] pairs) {
            int at = several ? find(pairs, key) : slotOf(pairs, held);
            if (at < 0 || Slots.held(pairs[at + 1]) != held) {
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
        LargeGroup large = (LargeGroup) group;
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
        return group instanceof Object[] pairs ? pairs.length / 2 : ((LargeGroup) group).size();
    }

    /**
     * Visits every entry, in no particular order: what a walk that does not need the order takes (a
     * large group is not sorted for it).
     *
     * @return false if the visitor stopped
     */
    static boolean forEachUnordered(Object group, Visitor visitor) {
        if (group instanceof Object[]) {
            return forEach(group, null, null, true, visitor);
        }
        return ((LargeGroup) group).forEach(visitor);
    }

    /**
     * Visits the entries in key order from {@code from} (all when null); a large group's order is
     * built on its first such walk and kept from then on.
     *
     * @param lock the lock of the index that holds the group (under which its writers change it)
     * @return false if the visitor stopped
     */
    static boolean forEach(Object group, Object lock, String from, boolean inclusive, Visitor visitor) {
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
        ConcurrentSkipListMap<String, Object> map = ((LargeGroup) group).sorted(lock);
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
        LargeGroup large = new LargeGroup(count);
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
