package dev.pikodb.benchmarks;

import java.util.function.DoubleSupplier;

/**
 * Makes each repetition of a cell start on a collected heap: a full collection ({@link System#gc()},
 * stop-the-world under G1 unless {@code -XX:+ExplicitGCInvokesConcurrent} is set) runs before the
 * repetition, outside its timing. {@code -Dbench.collectBefore=false} turns it off, to see a row
 * measured without it.
 *
 * <p>Why: the participants of a round take turns in one JVM, so without it a repetition pays for what
 * the turn before it left in the heap. Two costs were seen in W13 (README, "W13's start and range
 * rows, repetition by repetition"): a young collection during the timed section that copies what the
 * repetition has made live so far (a start's table), its timing decided by how full the young
 * generation was when the repetition began (another store just closed, a background index build's
 * allocations); and the first touch of heap pages the young generation had just grown into (with
 * {@code -Xms} the heap is reserved, not yet backed by memory), tens of thousands of minor page
 * faults in one repetition and none in the next. After a full collection every participant starts
 * alike: the young generation is empty and, in the runs measured, almost always lies in pages already
 * touched. Collections that a repetition's own allocation provokes during its timed section are still
 * counted.
 */
public final class CollectedHeap {

    private static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("bench.collectBefore", "true"));

    private CollectedHeap() {
    }

    /**
     * Wraps a repetition so that a full collection precedes it.
     *
     * @param repetition one timed repetition
     * @return the same repetition, run after a full collection (unless {@code bench.collectBefore=false})
     */
    public static DoubleSupplier before(DoubleSupplier repetition) {
        if (!ENABLED) {
            return repetition;
        }
        return () -> {
            collect();
            return repetition.getAsDouble();
        };
    }

    /** Runs a full collection now, unless {@code bench.collectBefore=false}: for probes that time by hand. */
    public static void collect() {
        if (ENABLED) {
            System.gc();
        }
    }
}
