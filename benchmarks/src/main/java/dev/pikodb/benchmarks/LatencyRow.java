package dev.pikodb.benchmarks;

import java.util.Locale;

/**
 * The per-operation latency distribution of one workload on one store, over all its measured
 * repetitions, with the garbage collections that ran during them.
 *
 * @param workload the workload's row name
 * @param store the store's label
 * @param operations operations measured
 * @param p50 median latency, microseconds
 * @param p99 99th percentile, microseconds
 * @param p999 99.9th percentile, microseconds
 * @param p9999 99.99th percentile, microseconds
 * @param max the slowest operation, microseconds
 * @param over10ms operations slower than 10 ms
 * @param over50ms operations slower than 50 ms
 * @param over50msWithoutGc operations still slower than 50 ms once the garbage collections during them
 *        are subtracted
 * @param lockWaits times the writing thread waited at least 10 ms for a lock ({@link LockWaits})
 * @param longestLockWaitMs the longest of those waits, milliseconds
 * @param over50msWaiting operations slower than 50 ms during which the writing thread waited for a lock
 * @param gc the collections during the measured repetitions
 */
public record LatencyRow(String workload, String store, long operations, double p50, double p99, double p999,
                         double p9999, double max, long over10ms, long over50ms, long over50msWithoutGc,
                         long lockWaits, double longestLockWaitMs, long over50msWaiting, GcMonitor.Stats gc) {

    /** The header matching {@link #format}. */
    public static final String HEADER = String.format(Locale.ROOT,
            "%-40s %-24s %9s %8s %8s %9s %9s %9s %6s %6s %10s %8s %8s %10s  %s",
            "Workload (latency in us)", "Store", "ops", "p50", "p99", "p99.9", "p99.99", "max", ">10ms", ">50ms",
            ">50ms exGC", "waits", "max wait", ">50ms wait", "GC during the measured turns");

    /**
     * One line of the latency table.
     *
     * @param firstOfWorkload whether to print the workload's name
     * @return the line
     */
    public String format(boolean firstOfWorkload) {
        return String.format(Locale.ROOT,
                "%-40s %-24s %,9d %,8.0f %,8.0f %,9.0f %,9.0f %,9.0f %6d %6d %10d %8d %6.0fms %10d  %s",
                firstOfWorkload ? workload : "", store, operations, p50, p99, p999, p9999, max, over10ms, over50ms,
                over50msWithoutGc, lockWaits, longestLockWaitMs, over50msWaiting, gc);
    }
}
