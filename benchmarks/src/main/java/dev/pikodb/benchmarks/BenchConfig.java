package dev.pikodb.benchmarks;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How much work one run does. {@code quick} is a short run (a few minutes on two cores),
 * {@code full} gives stable medians (under twenty minutes), {@code smoke} only checks that every
 * workload runs (tiny sizes, one repetition; its figures mean nothing).
 *
 * @param mode {@code quick} or {@code full}
 * @param warmups unmeasured repetitions before the measured ones
 * @param repetitions measured repetitions per workload and store
 * @param smallTable records in the small table
 * @param largeTable records in the large table
 * @param sequentialWrites writes per repetition of W1 (half new keys, half overwrites)
 * @param durableWrites writes per repetition of W2, and appends per repetition of the append+force limit
 * @param pointReads reads per repetition of W3, and decodes per repetition of the Jackson limits
 * @param threads writer threads of W6
 * @param concurrentWritesPerThread writes per thread and repetition of W6 in the default mode
 * @param concurrentDurableWritesPerThread writes per thread and repetition of W6 in the durable mode
 * @param workDirectory where temporary databases are created (and deleted afterwards)
 * @param only prefixes of the workloads to run (e.g. {@code W3}, {@code Limit}); empty for all
 * @param sizes the sizes of the latency, many-tables, loading, mixed and compare-and-write workloads
 */
public record BenchConfig(String mode, int warmups, int repetitions, int smallTable, int largeTable,
                          int sequentialWrites, int durableWrites, int pointReads, int threads,
                          int concurrentWritesPerThread, int concurrentDurableWritesPerThread,
                          Path workDirectory, List<String> only, Sizes sizes) {

    /**
     * Sizes of W8 to W12, W16 and W17.
     *
     * @param latencyTables W8: records pre-filled in the tables whose write latency is measured
     * @param latencyWrites W8: overwrites per repetition and store in the default mode
     * @param latencyDurableWrites W8: overwrites per repetition and store in the durable mode
     * @param tableCounts W9: numbers of tables written, closed and reopened
     * @param recordsPerTable W9: records per table
     * @param loadRecords W10: records in the table loaded at start-up
     * @param mixedThreads W11: threads reading and writing at the same time
     * @param mixedOperationsPerThread W11: operations per thread and repetition
     * @param casThreads W12: threads incrementing the same counter
     * @param casIncrementsPerThread W12: increments per thread and repetition
     * @param sessions W16 and W17: sessions in each session store
     * @param sessionRequests W16: requests (one load and one save each) per repetition, embedded stores
     * @param sessionRequestsOnRedis W17: requests per repetition, stores on Redis (each costs round trips)
     */
    public record Sizes(List<Integer> latencyTables, int latencyWrites, int latencyDurableWrites,
                        List<Integer> tableCounts, int recordsPerTable, int loadRecords, int mixedThreads,
                        int mixedOperationsPerThread, int casThreads, int casIncrementsPerThread, int sessions,
                        int sessionRequests, int sessionRequestsOnRedis) {
    }

    /**
     * Reads {@code bench.mode} ({@code quick}, the default, {@code full}, or {@code smoke}: tiny sizes
     * that only show the harness works, figures meaningless), {@code bench.workDir}
     * (default: {@code java.io.tmpdir}) and {@code bench.only} (comma-separated workload prefixes such
     * as {@code W3,W4}, to profile a few workloads; default: all).
     *
     * @return the configuration
     * @throws IllegalArgumentException for an unknown mode
     */
    public static BenchConfig fromSystemProperties() {
        String mode = System.getProperty("bench.mode", "quick").trim().toLowerCase(Locale.ROOT);
        Path work = Path.of(System.getProperty("bench.workDir", System.getProperty("java.io.tmpdir")));
        List<String> only = Arrays.stream(System.getProperty("bench.only", "").split(","))
                .map(prefix -> prefix.trim().toUpperCase(Locale.ROOT))
                .filter(prefix -> !prefix.isEmpty())
                .toList();
        return switch (mode) {
            case "quick" -> new BenchConfig(mode, 1, 3, 1_000, 100_000, 2_000, 200, 20_000, 8, 500, 50,
                    work, only, new Sizes(List.of(100_000), 30_000, 300, List.of(10_000), 10, 100_000,
                            4, 5_000, 4, 100, 10_000, 5_000, 2_000));
            case "smoke" -> new BenchConfig(mode, 0, 1, 1_000, 5_000, 200, 20, 1_000, 8, 50, 5,
                    work, only, new Sizes(List.of(5_000), 2_000, 20, List.of(200), 10, 5_000, 4, 500, 4, 10,
                            500, 500, 200));
            case "full" -> new BenchConfig(mode, 2, 7, 1_000, 100_000, 5_000, 1_000, 100_000, 8, 2_500, 250,
                    work, only, new Sizes(List.of(100_000, 1_000_000), 120_000, 1_500, List.of(10_000, 100_000), 10,
                            1_000_000, 4, 25_000, 4, 100, 10_000, 20_000, 5_000));
            default -> throw new IllegalArgumentException("Unknown bench.mode '" + mode
                    + "'; use -Dbench.mode=quick, -Dbench.mode=full or -Dbench.mode=smoke");
        };
    }

    /**
     * Whether a workload is to be run.
     *
     * @param workload the workload's row name, or a prefix of it such as {@code W5}
     * @return true when {@code bench.only} is unset or names a prefix of it that does not stop in the
     *         middle of a number ({@code W1} selects {@code W1 write} but not {@code W10 load})
     */
    public boolean includes(String workload) {
        String name = workload.toUpperCase(Locale.ROOT);
        return only.isEmpty() || only.stream().anyMatch(prefix -> name.startsWith(prefix)
                && (name.length() == prefix.length() || !Character.isDigit(name.charAt(prefix.length()))
                        || !Character.isDigit(prefix.charAt(prefix.length() - 1))));
    }

    /** @return whether this is the full run rather than the quick smoke run */
    public boolean full() {
        return "full".equals(mode);
    }

    /**
     * Whether any of several workloads is to be run.
     *
     * @param workloads row names or prefixes
     * @return true when {@link #includes} holds for one of them
     */
    public boolean includesAny(String... workloads) {
        return Arrays.stream(workloads).anyMatch(this::includes);
    }
}
