package dev.pikodb.internal.index;

import dev.pikodb.spi.EngineRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Reads the indexed values of a run of records, for a build: each record's JSON is scanned once for
 * every path ({@link JsonPathScanner}), each value is numbered as it comes ({@link ValueNumbers}),
 * and each entry is noted as its value number and its record's position, in primitive arrays. No
 * object is made per record or per entry, besides a new distinct value and the slot of a record of
 * several values. Records that use a dictionary, or whose JSON the scanner leaves to Jackson, are
 * read by {@link PathValues#read}.
 */
final class IndexReads implements JsonPathScanner.Sink {

    /**
     * What one index collects from a run of records: per entry the number of its value, its record's
     * position and, for a record of several values, its slot; and the positions of the records
     * without a value.
     */
    static final class Collected {
        final ValueNumbers numbers;
        int[] valueOf;
        int[] recordOf;
        Object[] multiSlots;
        int entries;
        int[] absent = new int[16];
        int absentCount;

        Collected(int expected) {
            numbers = new ValueNumbers(expected);
            valueOf = new int[expected];
            recordOf = new int[expected];
        }

        void add(int value, int record, Object multiSlot) {
            if (entries == valueOf.length) {
                grow(entries * 2);
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

        void addAbsent(int record) {
            if (absentCount == absent.length) {
                absent = Arrays.copyOf(absent, absentCount * 2);
            }
            absent[absentCount++] = record;
        }

        private void grow(int capacity) {
            valueOf = Arrays.copyOf(valueOf, capacity);
            recordOf = Arrays.copyOf(recordOf, capacity);
            if (multiSlots != null) {
                multiSlots = Arrays.copyOf(multiSlots, capacity);
            }
        }

        /**
         * Takes in what another run of records collected: its values are numbered here, and its
         * entries follow these (their record positions are the table's, so they stay as they are).
         */
        void merge(Collected other) {
            numbers.reserve(other.numbers.size());
            int[] renumber = new int[other.numbers.size()];
            for (int v = 0; v < renumber.length; v++) {
                renumber[v] = numbers.number(other.numbers.value(v));
            }
            int total = entries + other.entries;
            if (total > valueOf.length) {
                grow(total);
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
            if (absentCount + other.absentCount > absent.length) {
                absent = Arrays.copyOf(absent, absentCount + other.absentCount);
            }
            System.arraycopy(other.absent, 0, absent, absentCount, other.absentCount);
            absentCount += other.absentCount;
        }
    }

    /** The most values of one record at one path noted before their repeats are removed. */
    private static final int FEW = 8;

    private final Collected[] collected;
    /** The value numbers of the record being read, per path, repeats included until it is taken. */
    private final int[][] staged;
    private final int[] stagedCount;
    /** The values of a record of several values, while its slot is made. */
    private final List<Object> shared = new ArrayList<>();
    private final JsonPathScanner scanner = new JsonPathScanner();

    private IndexReads(int indexes, int expected) {
        this.collected = new Collected[indexes];
        this.staged = new int[indexes][FEW];
        this.stagedCount = new int[indexes];
        for (int i = 0; i < indexes; i++) {
            collected[i] = new Collected(Math.max(16, expected));
        }
    }

    /**
     * Reads the records {@code [from, to)} of the table's, collecting each index's entries; records
     * expired at {@code now} are left out.
     *
     * @param records the table's records
     * @param paths the indexes' paths
     * @param fallback reads a record the scanner does not take, in the order of the paths
     * @param keys the keys, by position
     * @param helds their held objects, by position
     * @return what each index collected, in the order of the paths
     */
    static Collected[] read(IndexedRecords records, PathValues paths, TableIndexes.Reader fallback, int indexes,
            String[] keys, Object[] helds, int from, int to, long now) {
        IndexReads reads = new IndexReads(indexes, to - from);
        PathValues.Node tree = paths.plainTree();
        int plainFrom = records.plainJsonOffset();
        for (int r = from; r < to; r++) {
            Object held = helds[r];
            byte[] plain = records.plainJson(held);
            EngineRecord record = null;
            boolean scanned;
            if (plain != null) {
                scanned = reads.scanner.scan(plain, plainFrom, plain.length, tree, reads);
            } else {
                record = records.record(held);
                Long expiration = record.expiration();
                if (expiration != null && now > expiration) {
                    continue;
                }
                scanned = record.dictionaryName() == null && reads.scanner.scan(record.jsonArray(),
                        record.jsonOffset(), record.jsonOffset() + record.jsonLength(), tree, reads);
            }
            if (!scanned) {
                reads.clearStaged();
                reads.stage(fallback.read(record != null ? record : records.record(held)));
            }
            reads.take(r, held);
        }
        return reads.collected;
    }

    @Override
    public void string(int path, byte[] json, int from, int to, boolean element) {
        note(path, collected[path].numbers.number(json, from, to), element);
    }

    @Override
    public void integer(int path, long value, boolean element) {
        note(path, collected[path].numbers.number(value), element);
    }

    @Override
    public void value(int path, Object value, boolean element) {
        note(path, collected[path].numbers.number(value), element);
    }

    private void note(int path, int number, boolean element) {
        if (!element) {
            staged[path][0] = number;
            stagedCount[path] = 1;
            return;
        }
        int count = stagedCount[path];
        if (count == staged[path].length) {
            staged[path] = Arrays.copyOf(staged[path], count * 2);
        }
        staged[path][count] = number;
        stagedCount[path] = count + 1;
    }

    private void clearStaged() {
        Arrays.fill(stagedCount, 0);
    }

    /** Stages what {@link PathValues#read} gave for a record (distinct values per path). */
    private void stage(List<Collection<Object>> values) {
        for (int i = 0; i < values.size(); i++) {
            for (Object value : values.get(i)) {
                note(i, collected[i].numbers.number(value), true);
            }
        }
    }

    /** Turns the staged values of the record at position {@code record} into its entries. */
    private void take(int record, Object held) {
        for (int i = 0; i < collected.length; i++) {
            Collected into = collected[i];
            int count = distinct(staged[i], stagedCount[i]);
            stagedCount[i] = 0;
            if (count == 0) {
                into.addAbsent(record);
            } else if (count == 1) {
                into.add(staged[i][0], record, null);
            } else {
                // The slot's extremes are the run's own value objects.
                shared.clear();
                for (int k = 0; k < count; k++) {
                    shared.add(into.numbers.value(staged[i][k]));
                }
                Object slot = Slots.of(shared, held);
                for (int k = 0; k < count; k++) {
                    into.add(staged[i][k], record, slot);
                }
            }
        }
    }

    /** Removes repeated numbers from {@code numbers[0, count)}; returns how many are left. */
    private static int distinct(int[] numbers, int count) {
        if (count < 2) {
            return count;
        }
        if (count > FEW) {
            Arrays.sort(numbers, 0, count);
            int kept = 1;
            for (int k = 1; k < count; k++) {
                if (numbers[k] != numbers[kept - 1]) {
                    numbers[kept++] = numbers[k];
                }
            }
            return kept;
        }
        int kept = 0;
        outer:
        for (int k = 0; k < count; k++) {
            for (int j = 0; j < kept; j++) {
                if (numbers[j] == numbers[k]) {
                    continue outer;
                }
            }
            numbers[kept++] = numbers[k];
        }
        return kept;
    }
}
