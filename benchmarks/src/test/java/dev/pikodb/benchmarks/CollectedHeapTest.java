package dev.pikodb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class CollectedHeapTest {

    @Test
    void aWrappedRepetitionRunsAfterACollectionAndReturnsItsOwnValue() {
        long before = collections();
        long[] seen = new long[1];

        double value = CollectedHeap.before(() -> {
            seen[0] = collections();
            return 42.5;
        }).getAsDouble();

        assertThat(value).isEqualTo(42.5);
        assertThat(seen[0]).isGreaterThan(before);
    }

    private static long collections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }
}
