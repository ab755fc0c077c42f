package dev.pikodb.internal.index;

import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.IndexValue;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds indexes from a table's records in one pass (bulk loading, not entry by entry): the keys
 * are sorted once, each record's JSON is read once for every path, so each distinct value collects
 * its keys already in order, and each index is made from its distinct values, sorted once.
 */
final class IndexBuilder {

    /** The keys of one value, in the order they came. */
    private static final class Bucket {
        final Object value;
        String[] keys = new String[1];
        Object[] slots = new Object[1];
        int count;

        Bucket(Object value) {
            this.value = value;
        }

        void add(String key, Object slot) {
            if (count == keys.length) {
                keys = Arrays.copyOf(keys, count * 2);
                slots = Arrays.copyOf(slots, count * 2);
            }
            keys[count] = key;
            slots[count] = slot;
            count++;
        }
    }

    /** What one index collects. */
    private static final class Collected {
        final Map<Object, Bucket> buckets = new HashMap<>();
        final List<Map.Entry<String, Object>> absent = new ArrayList<>();
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
            collected.add(new Collected());
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
                    into.buckets.computeIfAbsent(at.iterator().next(), Bucket::new).add(keys[r], helds[r]);
                    continue;
                }
                // The slot's extremes are the index's own value objects, not this record's copies.
                List<Bucket> buckets = new ArrayList<>(at.size());
                List<Object> shared = new ArrayList<>(at.size());
                for (Object value : at) {
                    Bucket bucket = into.buckets.computeIfAbsent(value, Bucket::new);
                    buckets.add(bucket);
                    shared.add(bucket.value);
                }
                Object slot = SecondaryIndex.slot(shared, helds[r]);
                for (Bucket bucket : buckets) {
                    bucket.add(keys[r], slot);
                }
            }
        }

        List<SecondaryIndex> built = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            Collected each = collected.get(i);
            Object[] distinct = each.buckets.keySet().toArray();
            // The map's keys are the buckets' values: the objects the slots refer to.
            Arrays.sort(distinct, CompactValue.ORDER);
            List<Map.Entry<Object, Object>> groups = new ArrayList<>(distinct.length);
            for (Object value : distinct) {
                Bucket bucket = each.buckets.get(value);
                groups.add(SecondaryIndex.entry(value, KeyGroup.ofSorted(bucket.keys, bucket.slots, bucket.count)));
            }
            each.buckets.clear();
            built.add(new SecondaryIndex(names.get(i), paths.get(i), groups, each.absent));
        }
        return built;
    }

    /** Sorts the first {@code n} keys in code point order, moving their held objects along (merge sort). */
    static void sortByKey(String[] keys, Object[] helds, int n) {
        String[] keyBuffer = new String[n];
        Object[] heldBuffer = new Object[n];
        for (int width = 1; width < n; width *= 2) {
            for (int low = 0; low < n - width; low += 2 * width) {
                int middle = low + width;
                int high = Math.min(low + 2 * width, n);
                if (IndexValue.compareCodePoints(keys[middle - 1], keys[middle]) <= 0) {
                    continue;
                }
                System.arraycopy(keys, low, keyBuffer, low, high - low);
                System.arraycopy(helds, low, heldBuffer, low, high - low);
                int left = low;
                int right = middle;
                for (int out = low; out < high; out++) {
                    if (right >= high || left < middle
                            && IndexValue.compareCodePoints(keyBuffer[left], keyBuffer[right]) <= 0) {
                        keys[out] = keyBuffer[left];
                        helds[out] = heldBuffer[left++];
                    } else {
                        keys[out] = keyBuffer[right];
                        helds[out] = heldBuffer[right++];
                    }
                }
            }
        }
    }
}
