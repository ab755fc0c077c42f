package dev.pikodb.internal.index;

import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.IndexValue;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Builds indexes from a table's records in one pass (bulk loading, not entry by entry): the keys
 * are sorted once, each record's JSON is read once for every path, and each index numbers its
 * distinct values as they come and notes each entry as a value number and a record position. The
 * entries are then put in value order by counting (the records came in key order, so each value's
 * keys are in order already), the distinct values are sorted once, and each group is made from its
 * run of entries: no object per entry is made besides the groups themselves.
 */
final class IndexBuilder {

    /** The distinct values of one index, numbered in the order they first came (open addressing). */
    private static final class ValueNumbers {
        Object[] table = new Object[64];
        int[] numbers = new int[64];
        Object[] values = new Object[16];
        int size;

        /** The number of a value, given the next number when it is new. */
        int numberOf(Object value) {
            int mask = table.length - 1;
            int at = spread(value.hashCode()) & mask;
            for (Object there = table[at]; there != null; there = table[at]) {
                if (there.equals(value)) {
                    return numbers[at];
                }
                at = (at + 1) & mask;
            }
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size] = value;
            table[at] = value;
            numbers[at] = size;
            size++;
            if (size * 2 > table.length) {
                grow();
            }
            return size - 1;
        }

        private void grow() {
            Object[] oldTable = table;
            int[] oldNumbers = numbers;
            table = new Object[oldTable.length * 2];
            numbers = new int[oldTable.length * 2];
            int mask = table.length - 1;
            for (int i = 0; i < oldTable.length; i++) {
                if (oldTable[i] != null) {
                    int at = spread(oldTable[i].hashCode()) & mask;
                    while (table[at] != null) {
                        at = (at + 1) & mask;
                    }
                    table[at] = oldTable[i];
                    numbers[at] = oldNumbers[i];
                }
            }
        }

        private static int spread(int hash) {
            return hash ^ (hash >>> 16) ^ (hash >>> 7);
        }
    }

    /** What one index collects: per entry the number of its value, its record's position and, for a record of several values, its slot. */
    private static final class Collected {
        final ValueNumbers numbers = new ValueNumbers();
        int[] valueOf;
        int[] recordOf;
        Object[] multiSlots;
        int entries;
        final List<Map.Entry<String, Object>> absent = new ArrayList<>();

        Collected(int expected) {
            valueOf = new int[expected];
            recordOf = new int[expected];
        }

        void add(int value, int record, Object multiSlot) {
            if (entries == valueOf.length) {
                valueOf = Arrays.copyOf(valueOf, entries * 2);
                recordOf = Arrays.copyOf(recordOf, entries * 2);
                if (multiSlots != null) {
                    multiSlots = Arrays.copyOf(multiSlots, entries * 2);
                }
            }
            if (multiSlot != null) {
                if (multiSlots == null) {
                    multiSlots = new Object[valueOf.length];
                }
                multiSlots[entries] = multiSlot;
            }
            valueOf[entries] = value;
            recordOf[entries] = record;
            entries++;
        }

        /** The index from what was collected, over the keys and held objects in key order. */
        SecondaryIndex index(String name, String path, String[] keys, Object[] helds) {
            int distinct = numbers.size;
            int[] start = new int[distinct + 1];
            for (int e = 0; e < entries; e++) {
                start[valueOf[e] + 1]++;
            }
            for (int v = 0; v < distinct; v++) {
                start[v + 1] += start[v];
            }
            int[] next = Arrays.copyOf(start, distinct);
            String[] groupKeys = new String[entries];
            Object[] groupSlots = new Object[entries];
            for (int e = 0; e < entries; e++) {
                int at = next[valueOf[e]]++;
                groupKeys[at] = keys[recordOf[e]];
                Object multi = multiSlots == null ? null : multiSlots[e];
                groupSlots[at] = multi != null ? multi : helds[recordOf[e]];
            }
            valueOf = null;
            recordOf = null;
            multiSlots = null;
            Object[] values = Arrays.copyOf(numbers.values, distinct);
            Arrays.sort(values, CompactValue.ORDER);
            Object[] groups = new Object[distinct];
            for (int i = 0; i < distinct; i++) {
                int v = numbers.numberOf(values[i]);
                groups[i] = KeyGroup.ofSorted(groupKeys, groupSlots, start[v], start[v + 1]);
            }
            return new SecondaryIndex(name, path, values, groups, absent);
        }
    }

    private IndexBuilder() {
    }

    /**
     * Builds indexes from every held record that is not expired at {@code now}.
     *
     * @param records the table's records (their writes paused, or not shared yet)
     * @param names the index names
     * @param paths their paths, in the same order
     * @param values reads the paths from a record
     * @param now the current time, epoch milliseconds
     * @return the indexes, in the order of the names
     */
    static List<SecondaryIndex> build(IndexedRecords records, List<String> names, List<String> paths,
            TableIndexes.Reader values, long now) {
        int expected = Math.max(16, records.size());
        String[] keys = new String[expected];
        Object[] helds = new Object[expected];
        int[] count = {0};
        String[][] keyArray = {keys};
        Object[][] heldArray = {helds};
        records.forEachHeld((key, held) -> {
            int n = count[0];
            if (n == keyArray[0].length) {
                keyArray[0] = Arrays.copyOf(keyArray[0], n * 2);
                heldArray[0] = Arrays.copyOf(heldArray[0], n * 2);
            }
            keyArray[0][n] = key;
            heldArray[0][n] = held;
            count[0] = n + 1;
        });
        keys = keyArray[0];
        helds = heldArray[0];
        int n = count[0];
        sortByKey(keys, helds, n);

        List<Collected> collected = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            collected.add(new Collected(Math.max(16, n)));
        }
        for (int r = 0; r < n; r++) {
            EngineRecord record = records.record(helds[r]);
            Long expiration = record.expiration();
            if (expiration != null && now > expiration) {
                continue;
            }
            List<Collection<Object>> recordValues = values.read(record);
            for (int i = 0; i < collected.size(); i++) {
                Collection<Object> at = recordValues.get(i);
                Collected into = collected.get(i);
                if (at.isEmpty()) {
                    into.absent.add(new AbstractMap.SimpleImmutableEntry<>(keys[r], helds[r]));
                    continue;
                }
                if (at.size() == 1) {
                    into.add(into.numbers.numberOf(at.iterator().next()), r, null);
                    continue;
                }
                // The slot's extremes are the index's own value objects, not this record's copies.
                int[] numbers = new int[at.size()];
                List<Object> shared = new ArrayList<>(at.size());
                int k = 0;
                for (Object value : at) {
                    numbers[k] = into.numbers.numberOf(value);
                    shared.add(into.numbers.values[numbers[k]]);
                    k++;
                }
                Object slot = SecondaryIndex.slot(shared, helds[r]);
                for (int number : numbers) {
                    into.add(number, r, slot);
                }
            }
        }

        List<SecondaryIndex> built = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            built.add(collected.get(i).index(names.get(i), paths.get(i), keys, helds));
            collected.set(i, null);
        }
        return built;
    }

    /**
     * Sorts the first {@code n} keys in code point order, moving their held objects along (merge sort).
     * The keys are compared first by the 8 characters that follow the prefix every key shares, packed
     * into two longs that lie next to each other in one array, and by their strings only when those
     * are equal: the strings are spread over the heap, so comparing them is mostly waiting for memory.
     */
    static void sortByKey(String[] keys, Object[] helds, int n) {
        if (n < 2) {
            return;
        }
        int common = commonPrefix(keys, n);
        long[] packed = new long[2 * n];
        for (int i = 0; i < n; i++) {
            packed[2 * i] = pack(keys[i], common);
            packed[2 * i + 1] = pack(keys[i], common + 4);
        }
        String[] keyBuffer = new String[n];
        Object[] heldBuffer = new Object[n];
        long[] packedBuffer = new long[2 * n];
        for (int width = 1; width < n; width *= 2) {
            for (int low = 0; low < n - width; low += 2 * width) {
                int middle = low + width;
                int high = Math.min(low + 2 * width, n);
                if (compare(keys, packed, middle - 1, keys, packed, middle) <= 0) {
                    continue;
                }
                System.arraycopy(keys, low, keyBuffer, low, high - low);
                System.arraycopy(helds, low, heldBuffer, low, high - low);
                System.arraycopy(packed, 2 * low, packedBuffer, 2 * low, 2 * (high - low));
                int left = low;
                int right = middle;
                for (int out = low; out < high; out++) {
                    int from;
                    if (right >= high || left < middle
                            && compare(keyBuffer, packedBuffer, left, keyBuffer, packedBuffer, right) <= 0) {
                        from = left++;
                    } else {
                        from = right++;
                    }
                    keys[out] = keyBuffer[from];
                    helds[out] = heldBuffer[from];
                    packed[2 * out] = packedBuffer[2 * from];
                    packed[2 * out + 1] = packedBuffer[2 * from + 1];
                }
            }
        }
    }

    /** The code point order of two keys, from their packed characters when these differ. */
    private static int compare(String[] aKeys, long[] aPacked, int a, String[] bKeys, long[] bPacked, int b) {
        int order = Long.compareUnsigned(aPacked[2 * a], bPacked[2 * b]);
        if (order == 0) {
            order = Long.compareUnsigned(aPacked[2 * a + 1], bPacked[2 * b + 1]);
        }
        return order != 0 ? order : IndexValue.compareCodePoints(aKeys[a], bKeys[b]);
    }

    /** The length of the prefix that the first {@code n} keys share. */
    private static int commonPrefix(String[] keys, int n) {
        String first = keys[0];
        int common = first.length();
        for (int i = 1; i < n && common > 0; i++) {
            String key = keys[i];
            int length = Math.min(common, key.length());
            int at = 0;
            while (at < length && key.charAt(at) == first.charAt(at)) {
                at++;
            }
            common = at;
        }
        return common;
    }

    /**
     * Four characters of a key from {@code from}, 16 bits each, as an unsigned number that orders
     * as the characters do in code point order (a surrogate above every other character); a missing
     * character counts as 0, below or equal to every character, so that equal numbers leave the
     * order to the strings.
     */
    static long pack(String key, int from) {
        long packed = 0;
        for (int i = from; i < from + 4; i++) {
            int unit = 0;
            if (i < key.length()) {
                char c = key.charAt(i);
                unit = c < 0xD800 ? c : c < 0xE000 ? c + 0x2000 : c - 0x800;
            }
            packed = packed << 16 | unit;
        }
        return packed;
    }
}
