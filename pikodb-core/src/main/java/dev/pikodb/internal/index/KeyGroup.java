package dev.pikodb.internal.index;

import dev.pikodb.spi.IndexValue;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The keys that have one value in an index, each with its slot. A group of up to {@value #ARRAY_LIMIT}
 * keys is an array {@code [key0, slot0, key1, slot1, ...]} in code point order, replaced by a copy when
 * a key comes or goes (readers walk the keys of the array they got, unchanged), while the new slot of
 * a key already there is set in place (a reader sees the old slot or the new one, and checks either
 * against the live record). A larger group is a {@link Large}: its keys in a hash map, changed in
 * place, so that a write finds its key by hash instead of comparing strings; the keys in order exist
 * only once a query walked the group in order (see {@link Large#sorted}). The keys are the records'
 * own key strings.
 *
 * <p>The static methods take and return the group object; the caller stores a returned group in
 * place of the one it passed, under the index's lock.
 */
final class KeyGroup {

    /** The most keys a group holds as an array. */
    static final int ARRAY_LIMIT = 32;

    /**
     * A group of more than {@value #ARRAY_LIMIT} keys: the keys and slots in a hash map, and the same
     * entries in code point order once a walk in order needed them. The ordered view is built under
     * this object's monitor on the first such walk and changed along with the map from then on, so a
     * group pays for its order once, and only if it is walked in order; changes are made under the
     * monitor too, so the view is built from a map that does not change meanwhile.
     */
    static final class Large {
        final ConcurrentHashMap<String, Object> members;
        private volatile ConcurrentSkipListMap<String, Object> sorted;

        Large(int expected) {
            members = new ConcurrentHashMap<>(expected + expected / 3 + 1);
        }

        synchronized void put(String key, Object slot) {
            members.put(key, slot);
            ConcurrentSkipListMap<String, Object> order = sorted;
            if (order != null) {
                order.put(key, slot);
            }
        }

        synchronized void remove(String key, Object slot) {
            if (members.remove(key, slot)) {
                ConcurrentSkipListMap<String, Object> order = sorted;
                if (order != null) {
                    order.remove(key, slot);
                }
            }
        }

        /** The entries in code point order of the keys, built on the first call. */
        ConcurrentSkipListMap<String, Object> sorted() {
            ConcurrentSkipListMap<String, Object> order = sorted;
            if (order != null) {
                return order;
            }
            synchronized (this) {
                if (sorted == null) {
                    sorted = new ConcurrentSkipListMap<>(new SortedListView<>(sortedEntries(members),
                            IndexValue::compareCodePoints));
                }
                return sorted;
            }
        }

        /** Whether the ordered view exists, for tests. */
        boolean hasOrder() {
            return sorted != null;
        }

        private static List<Map.Entry<String, Object>> sortedEntries(Map<String, Object> members) {
            List<Map.Entry<String, Object>> entries = new ArrayList<>(members.size());
            members.forEach((key, slot) -> entries.add(new AbstractMap.SimpleImmutableEntry<>(key, slot)));
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
            int at = find(pairs, key);
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
        // The record's slot is equal to the one it was given (a Multi equals the Multi of its record).
        large.remove(key, several ? new SecondaryIndex.Multi(held, null, null) : held);
        return large.members.isEmpty() ? null : group;
    }

    /** The keys in a group. */
    static int size(Object group) {
        return group instanceof Object[] pairs ? pairs.length / 2 : ((Large) group).members.size();
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
        for (Map.Entry<String, Object> entry : ((Large) group).members.entrySet()) {
            if (!visitor.visit(entry.getKey(), entry.getValue())) {
                return false;
            }
        }
        return true;
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
     * A group built from entries already in key order (a large one takes them into its hash map).
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
            large.members.put(keys[i], slots[i]);
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
