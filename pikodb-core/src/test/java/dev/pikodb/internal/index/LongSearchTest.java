package dev.pikodb.internal.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link LongSearch} against the search it stands in for, {@link Arrays#binarySearch(long[], long)}:
 * the same answer (the place of a value held, or minus one minus its insertion point) for arrays of
 * distinct values spread evenly, in clusters far apart, by powers of two and at the extremes of
 * {@code long}, and for values held, between them, before the first and after the last.
 */
class LongSearchTest {

    /** A sorted array of distinct values and the values to look up in it. */
    record Case(long[] values, List<Long> probes) {
    }

    @Property(tries = 400)
    void findsWhatArraysBinarySearchFinds(@ForAll("cases") Case c) {
        for (long probe : c.probes()) {
            assertThat(LongSearch.search(c.values(), probe)).as("search of %d in %s", probe, Arrays.toString(c.values()))
                    .isEqualTo(Arrays.binarySearch(c.values(), probe));
        }
    }

    @Property(tries = 200)
    void looksOnlyAtTheFirstSizeValuesOfAnArray(@ForAll("cases") Case c) {
        long[] values = c.values();
        int size = values.length / 2;
        // The places past the size hold values out of order, as the unused end of a base may.
        long[] used = Arrays.copyOf(values, values.length);
        for (int i = size; i < used.length; i++) {
            used[i] = i % 2 == 0 ? Long.MIN_VALUE : 0;
        }
        for (long probe : c.probes()) {
            assertThat(LongSearch.search(used, size, probe)).as("search of %d in the first %d of %s", probe, size,
                    Arrays.toString(used)).isEqualTo(Arrays.binarySearch(values, 0, size, probe));
        }
    }

    @Test
    void findsEveryValueAndEveryGapOfEvenlySpreadAndClusteredArrays() {
        long[][] arrays = {
            {},
            {5},
            {Long.MIN_VALUE, Long.MAX_VALUE},
            evenly(100_000, 1_700_000_000_000L, 1_000),
            clustered(),
        };
        for (long[] values : arrays) {
            for (int i = 0; i < values.length; i++) {
                assertThat(LongSearch.search(values, values[i])).isEqualTo(i);
                if (values[i] != Long.MAX_VALUE) {
                    assertThat(LongSearch.search(values, values[i] + 1))
                            .isEqualTo(Arrays.binarySearch(values, values[i] + 1));
                }
            }
            assertThat(LongSearch.search(values, Long.MIN_VALUE)).isEqualTo(Arrays.binarySearch(values, Long.MIN_VALUE));
            assertThat(LongSearch.search(values, Long.MAX_VALUE)).isEqualTo(Arrays.binarySearch(values, Long.MAX_VALUE));
        }
    }

    private static long[] evenly(int count, long first, long step) {
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
            values[i] = first + i * step;
        }
        return values;
    }

    /** Runs of consecutive values far apart, where interpolation guesses land far from the value. */
    private static long[] clustered() {
        TreeSet<Long> values = new TreeSet<>();
        for (int run = 0; run < 20; run++) {
            long start = (long) run * run * run * 1_000_000_007L;
            for (int i = 0; i < 1 + run * 50; i++) {
                values.add(start + i);
            }
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Long> anyLong = Arbitraries.longs();
        Arbitrary<Long> small = Arbitraries.longs().between(-1_000, 1_000);
        Arbitrary<Long> powers = Arbitraries.integers().between(0, 62).map(bit -> 1L << bit);
        Arbitrary<Long> values = Arbitraries.oneOf(anyLong, small, powers,
                Arbitraries.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, -1L, 0L, 1L, Long.MAX_VALUE - 1, Long.MAX_VALUE));
        Arbitrary<long[]> arrays = values.set().ofMaxSize(300)
                .map(set -> set.stream().mapToLong(Long::longValue).sorted().toArray());
        return Combinators.combine(arrays, values.list().ofMaxSize(40)).as((array, extra) -> {
            List<Long> probes = new java.util.ArrayList<>(extra);
            for (long held : array) {
                probes.add(held);
                if (held != Long.MAX_VALUE) {
                    probes.add(held + 1);
                }
                if (held != Long.MIN_VALUE) {
                    probes.add(held - 1);
                }
            }
            return new Case(array, probes);
        });
    }
}
