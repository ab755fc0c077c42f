package dev.pikodb.internal.index;

import dev.pikodb.spi.IndexValue;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes an index from what a build collected ({@link IndexReads.Collected}): the entries are put in
 * value order by counting, the distinct values are ordered once ({@link ValueNumbers#inOrder}), and
 * each value's group is made from its run of entries. Only the keys of a group that
 * {@link KeyGroup#ofSorted} keeps as an array (up to {@value KeyGroup#ARRAY_LIMIT}) are put in key
 * order, each group on its own; a larger group finds its keys by hash. The keys without a value are
 * put in key order.
 */
final class IndexAssembly {

    private IndexAssembly() {
    }

    /**
     * The index from what was collected, over the keys and held objects of the records by position.
     *
     * @param name the index name
     * @param path its path
     * @param collected what the runs of records collected, merged
     * @param keys the keys, by position
     * @param helds their held objects, by position
     * @param packed the keys' characters packed by {@link KeySort#packedPrefixes}, by position
     * @return the index
     */
    static SecondaryIndex index(String name, String path, IndexReads.Collected collected, String[] keys,
            Object[] helds, long[] packed) {
        ValueNumbers numbers = collected.numbers;
        int distinct = numbers.size();
        int entries = collected.entries;
        int[] valueOf = collected.valueOf;
        int[] recordOf = collected.recordOf;
        Object[] multiSlots = collected.multiSlots;
        int[] start = new int[distinct + 1];
        for (int e = 0; e < entries; e++) {
            start[valueOf[e] + 1]++;
        }
        for (int v = 0; v < distinct; v++) {
            start[v + 1] += start[v];
        }
        int[] next = new int[distinct];
        System.arraycopy(start, 0, next, 0, distinct);
        String[] groupKeys = new String[entries];
        Object[] groupSlots = new Object[entries];
        long[] groupPacked = new long[entries];
        for (int e = 0; e < entries; e++) {
            int at = next[valueOf[e]]++;
            int record = recordOf[e];
            groupKeys[at] = keys[record];
            groupPacked[at] = packed[record];
            Object multi = multiSlots == null ? null : multiSlots[e];
            groupSlots[at] = multi != null ? multi : helds[record];
        }
        collected.valueOf = null;
        collected.recordOf = null;
        collected.multiSlots = null;

        int[] order = numbers.inOrder();
        int kept = 0;
        for (int v : order) {
            if (start[v + 1] > start[v]) {
                kept++;
            }
        }
        // A value numbered for a record then read again by Jackson may have no entry: it is left out.
        Object[] values = new Object[kept];
        Object[] groups = new Object[kept];
        int out = 0;
        for (int v : order) {
            int from = start[v];
            int to = start[v + 1];
            if (to == from) {
                continue;
            }
            if (to - from <= KeyGroup.ARRAY_LIMIT) {
                sortSmall(groupKeys, groupSlots, groupPacked, from, to);
            }
            values[out] = numbers.value(v);
            groups[out++] = KeyGroup.ofSorted(groupKeys, groupSlots, from, to);
        }
        return new SecondaryIndex(name, path, values, groups, absent(collected, keys, helds));
    }

    /** The keys without a value, in key order, with their held objects. */
    private static List<Map.Entry<String, Object>> absent(IndexReads.Collected collected, String[] keys,
            Object[] helds) {
        int n = collected.absentCount;
        String[] absentKeys = new String[n];
        Object[] absentHelds = new Object[n];
        for (int i = 0; i < n; i++) {
            absentKeys[i] = keys[collected.absent[i]];
            absentHelds[i] = helds[collected.absent[i]];
        }
        collected.absent = null;
        KeySort.sortByKey(absentKeys, absentHelds, n);
        List<Map.Entry<String, Object>> absent = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            absent.add(new AbstractMap.SimpleImmutableEntry<>(absentKeys[i], absentHelds[i]));
        }
        return absent;
    }

    /**
     * Puts {@code keys[from, to)} in code point order, moving their slots and packed characters
     * along (insertion sort); the keys' strings are compared only where their packed characters are
     * equal.
     */
    private static void sortSmall(String[] keys, Object[] slots, long[] packed, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            String key = keys[i];
            long prefix = packed[i];
            if (compare(packed[i - 1], keys[i - 1], prefix, key) <= 0) {
                continue;
            }
            Object slot = slots[i];
            int j = i - 1;
            while (j >= from && compare(packed[j], keys[j], prefix, key) > 0) {
                keys[j + 1] = keys[j];
                slots[j + 1] = slots[j];
                packed[j + 1] = packed[j];
                j--;
            }
            keys[j + 1] = key;
            slots[j + 1] = slot;
            packed[j + 1] = prefix;
        }
    }

    private static int compare(long aPacked, String a, long bPacked, String b) {
        int order = Long.compareUnsigned(aPacked, bPacked);
        return order != 0 ? order : IndexValue.compareCodePoints(a, b);
    }
}
