package dev.pikodb.benchmarks;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How much work one run does. {@code quick} is a smoke run (under two minutes on two cores),
 * {@code full} gives stable medians (under twenty minutes).
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
 */
public record BenchConfig(String mode, int warmups, int repetitions, int smallTable, int largeTable,
                          int sequentialWrites, int durableWrites, int pointReads, int threads,
                          int concurrentWritesPerThread, int concurrentDurableWritesPerThread,
                          Path workDirectory, List<String> only) {

    /**
     * Reads {@code bench.mode} ({@code quick}, the default, or {@code full}), {@code bench.workDir}
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
                    work, only);
            case "full" -> new BenchConfig(mode, 2, 7, 1_000, 100_000, 5_000, 1_000, 100_000, 8, 2_500, 250,
                    work, only);
            default -> throw new IllegalArgumentException("Unknown bench.mode '" + mode
                    + "'; use -Dbench.mode=quick or -Dbench.mode=full");
        };
    }

    /**
     * Whether a workload is to be run.
     *
     * @param workload the workload's row name, or a prefix of it such as {@code W5}
     * @return true when {@code bench.only} is unset or names a prefix of it
     */
    public boolean includes(String workload) {
        String name = workload.toUpperCase(Locale.ROOT);
        return only.isEmpty() || only.stream().anyMatch(name::startsWith);
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
