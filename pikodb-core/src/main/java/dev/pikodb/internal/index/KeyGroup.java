package dev.pikodb.internal.index;

import dev.pikodb.spi.IndexValue;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The keys that have one value in an index, each with its slot, in code point order. A group of up
 * to {@value #ARRAY_LIMIT} keys is an array {@code [key0, slot0, key1, slot1, ...]}, replaced by a copy
 * when a key comes or goes (readers walk the keys of the array they got, unchanged), while the new slot
 * of a key already there is set in place (a reader sees the old slot or the new one, and checks either
 * against the live record); a larger group is a {@link ConcurrentSkipListMap} changed in place. The
 * keys are the records' own key strings.
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
                ConcurrentSkipListMap<String, Object> map = new ConcurrentSkipListMap<>(IndexValue::compareCodePoints);
                for (int i = 0; i < pairs.length; i += 2) {
                    map.put((String) pairs[i], pairs[i + 1]);
                }
                map.put(key, slot);
                return map;
            }
            Object[] grown = new Object[pairs.length + 2];
            System.arraycopy(pairs, 0, grown, 0, insert);
            grown[insert] = key;
            grown[insert + 1] = slot;
            System.arraycopy(pairs, insert, grown, insert + 2, pairs.length - insert);
            return grown;
        }
        map(group).put(key, slot);
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
        ConcurrentSkipListMap<String, Object> map = map(group);
        // One descent: the record's slot is equal to the one it was given (a Multi equals the Multi of its record).
        map.remove(key, several ? new SecondaryIndex.Multi(held, null, null) : held);
        return map.isEmpty() ? null : group;
    }

    /** The keys in a group. */
    static int size(Object group) {
        return group instanceof Object[] pairs ? pairs.length / 2 : map(group).size();
    }

    /**
     * Visits the entries in key order from {@code from} (all when null).
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
        ConcurrentSkipListMap<String, Object> map = map(group);
        for (Map.Entry<String, Object> entry : (from == null ? map : map.tailMap(from, inclusive)).entrySet()) {
            if (!visitor.visit(entry.getKey(), entry.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * A group built from entries already in key order.
     *
     * @param keys the keys, sorted, distinct
     * @param slots their slots
     * @param count how many of the arrays' elements to take
     */
    static Object ofSorted(String[] keys, Object[] slots, int count) {
        if (count <= ARRAY_LIMIT) {
            Object[] pairs = new Object[count * 2];
            for (int i = 0; i < count; i++) {
                pairs[2 * i] = keys[i];
                pairs[2 * i + 1] = slots[i];
            }
            return pairs;
        }
        List<Map.Entry<String, Object>> entries = new AbstractList<>() {
            @Override
            public Map.Entry<String, Object> get(int index) {
                return new AbstractMap.SimpleImmutableEntry<>(keys[index], slots[index]);
            }

            @Override
            public int size() {
                return count;
            }
        };
        return new ConcurrentSkipListMap<>(new SortedListView<>(entries, IndexValue::compareCodePoints));
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

    @SuppressWarnings("unchecked")
    private static ConcurrentSkipListMap<String, Object> map(Object group) {
        return (ConcurrentSkipListMap<String, Object>) group;
    }
}
