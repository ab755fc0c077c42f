package dev.pikodb.internal.index;

import dev.pikodb.internal.directory.io.HelperThreads;
import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.IndexValue;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds indexes from a table's records in one pass (bulk loading, not entry by entry): the keys are
 * sorted once, each record's JSON is read once for every path, and each index numbers its distinct
 * values as they come and notes each entry as a value number and a record position. A large table is
 * read in consecutive runs of records on a few threads at once, whose numbers are then merged, run
 * after run; its indexes are then built each on one of those threads. The entries are put in value
 * order by counting (the records came in key order, so each value's keys are in order already), the
 * distinct values are sorted once, and each group is made from its run of entries: no object per
 * entry is made besides the groups themselves.
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

    /**
     * What one index collects from a run of records: per entry the number of its value, its record's
     * position and, for a record of several values, its slot.
     */
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

        /**
         * Takes in what the next run of records collected: its values are numbered here, and its
         * entries follow these (their record positions are the table's, so they stay as they are; the
         * runs follow each other in key order, so each value's entries stay in key order).
         */
        void merge(Collected other) {
            int[] renumber = new int[other.numbers.size];
            for (int v = 0; v < renumber.length; v++) {
                renumber[v] = numbers.numberOf(other.numbers.values[v]);
            }
            int total = entries + other.entries;
            if (total > valueOf.length) {
                valueOf = Arrays.copyOf(valueOf, total);
                recordOf = Arrays.copyOf(recordOf, total);
                if (multiSlots != null) {
                    multiSlots = Arrays.copyOf(multiSlots, total);
                }
            }
            if (other.multiSlots != null) {
                if (multiSlots == null) {
                    multiSlots = new Object[valueOf.length];
                }
                System.arraycopy(other.multiSlots, 0, multiSlots, entries, other.entries);
            }
            for (int e = 0; e < other.entries; e++) {
                valueOf[entries + e] = renumber[other.valueOf[e]];
            }
            System.arraycopy(other.recordOf, 0, recordOf, entries, other.entries);
            entries = total;
            absent.addAll(other.absent);
        }

        /**
         * The index from what was collected, over the keys and held objects of the records in key
         * order. The entries are put in value order by counting, which keeps each value's keys in order.
         */
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

    /** Tables of fewer records are indexed on the calling thread alone. */
    static final int PARALLEL_FROM = 16_384;
    /** The most threads one build uses (the caller's included). */
    static final int MAX_THREADS = 4;

    private IndexBuilder() {
    }

    /**
     * Builds indexes from every held record that is not expired at {@code now}. A large table is
     * read in runs of records on a few threads at once (the caller's and short-lived helpers), and
     * its indexes are then built each on one of them; every helper has ended when this returns.
     *
     * @param records the table's records (their writes paused, or not shared yet)
     * @param names the index names
     * @param paths their paths, in the same order
     * @param values reads the paths from a record (from any thread)
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
        String[] allKeys = keyArray[0];
        Object[] allHelds = heldArray[0];
        int n = count[0];
        // In key order, the records are read about in the order they were loaded (their bytes lie
        // close together), and each value's entries come in key order.
        sortByKey(allKeys, allHelds, n);
        int threads = n < PARALLEL_FROM ? 1 : Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors());

        // The runs of records, read at once: each numbers its own values.
        int runs = Math.max(1, threads);
        List<List<Collected>> collected = new ArrayList<>(runs);
        for (int c = 0; c < runs; c++) {
            collected.add(null);
        }
        inParallel(runs, threads, run -> {
            int from = (int) ((long) n * run / runs);
            int to = (int) ((long) n * (run + 1) / runs);
            collected.set(run, read(records, names.size(), values, allKeys, allHelds, from, to, now));
        });

        // Each index from the runs' collections, the index with the most entries first.
        Integer[] order = new Integer[names.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        long[] entries = new long[names.size()];
        for (List<Collected> run : collected) {
            for (int i = 0; i < entries.length; i++) {
                entries[i] += run.get(i).entries;
            }
        }
        Arrays.sort(order, (a, b) -> Long.compare(entries[b], entries[a]));
        SecondaryIndex[] built = new SecondaryIndex[names.size()];
        inParallel(names.size(), threads, task -> {
            int i = order[task];
            Collected into = collected.get(0).get(i);
            for (int c = 1; c < runs; c++) {
                into.merge(collected.get(c).get(i));
                collected.get(c).set(i, null);
            }
            collected.get(0).set(i, null);
            built[i] = into.index(names.get(i), paths.get(i), allKeys, allHelds);
        });
        return List.of(built);
    }

    /** Reads the records {@code [from, to)} of the table's, collecting each index's entries. */
    private static List<Collected> read(IndexedRecords records, int indexes, TableIndexes.Reader values,
            String[] keys, Object[] helds, int from, int to, long now) {
        List<Collected> collected = new ArrayList<>(indexes);
        for (int i = 0; i < indexes; i++) {
            collected.add(new Collected(Math.max(16, to - from)));
        }
        for (int r = from; r < to; r++) {
            EngineRecord record = records.record(helds[r]);
            Long expiration = record.expiration();
            if (expiration != null && now > expiration) {
                continue;
            }
            List<Collection<Object>> recordValues = values.read(record);
            for (int i = 0; i < indexes; i++) {
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
                // The slot's extremes are the run's own value objects, not this record's copies.
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
        return collected;
    }

    /** A task of a build, by number. */
    @FunctionalInterface
    private interface Task {
        void run(int task);
    }

    /**
     * Runs {@code tasks} tasks on {@code threads} threads (the caller's and helpers that have ended
     * when this returns); the first failure stops the others from taking tasks and is thrown.
     */
    private static void inParallel(int tasks, int threads, Task task) {
        if (threads <= 1 || tasks <= 1) {
            for (int t = 0; t < tasks; t++) {
                task.run(t);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        HelperThreads.run(() -> {
            for (int t = next.getAndIncrement(); t < tasks && failure.get() == null; t = next.getAndIncrement()) {
                try {
                    task.run(t);
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                }
            }
        }, Math.min(tasks, threads) - 1, "pikodb-index-build");
        Throwable failed = failure.get();
        if (failed instanceof RuntimeException e) {
            throw e;
        }
        if (failed instanceof Error e) {
            throw e;
        }
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
