package dev.pikodb.benchmarks;

import dev.pikodb.PikoDB;
import dev.pikodb.benchmarks.workload.QueryWorkload;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Shows what the 3 indexes of W13 add to a write, in isolation: the W13 notes table filled with and
 * without the indexes on {@code /owner}, {@code /created} and {@code /tags}, then the W13 overwrites
 * (each changes all 3 indexed fields) into both, in turns, printing the time per write and the bytes
 * the writing thread allocated and the CPU time it used per write (its {@code ThreadMXBean} counts:
 * guides that depend less on the machine's load than the elapsed time), and the indexed/plain ratios. The same pseudo-random overwrites go to both tables in a round.
 *
 * <pre>
 * mvn -B -q -o -pl benchmarks -am package -DskipTests -Pbench -Dbench.main=dev.pikodb.benchmarks.IndexWriteCostProbe
 * </pre>
 *
 * <p>System properties: {@code probe.records} (100,000), {@code probe.writes} per round and table
 * (20,000), {@code probe.rounds} (7, after one warm-up round), {@code probe.only=indexed} to write
 * only to the indexed table (for a profiler), {@code probe.indexes} the fields to index, separated by
 * commas ({@code owner,created,tags}: what each index costs apart).
 */
public final class IndexWriteCostProbe {

    private IndexWriteCostProbe() {
    }

    /**
     * Runs the probe and prints its table.
     *
     * @param args unused
     * @throws IOException when a temporary directory cannot be made
     */
    public static void main(String[] args) throws IOException {
        int records = Integer.getInteger("probe.records", 100_000);
        int writes = Integer.getInteger("probe.writes", 20_000);
        int rounds = Integer.getInteger("probe.rounds", 7);
        boolean indexedOnly = "indexed".equals(System.getProperty("probe.only"));
        Path work = Files.createDirectories(Path.of(System.getProperty("bench.workDir", "target/bench-work")));
        Path indexedDirectory = work.resolve("index-write-indexed");
        Path plainDirectory = work.resolve("index-write-plain");
        Directories.delete(indexedDirectory);
        Directories.delete(plainDirectory);
        PrintStream out = System.out;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        PikoDB indexed = Profiles.startPikoDB(indexedDirectory, false);
        PikoDB plain = indexedOnly ? null : Profiles.startPikoDB(plainDirectory, false);
        try {
            String indexes = System.getProperty("probe.indexes", "owner,created,tags");
            for (String field : indexes.split(",")) {
                indexed.createIndex(QueryWorkload.TABLE, field, "/" + field);
            }
            fill(indexed, records);
            if (plain != null) {
                fill(plain, records);
            }
            out.printf(Locale.ROOT, "W13 overwrites into %,d notes indexed on %s, %,d writes per round and table, %d rounds after a warm-up%n",
                    records, indexes, writes, rounds);
            out.printf(Locale.ROOT, "%-6s %14s %14s %14s %14s %14s %14s%n", "round", "indexed us/w", "plain us/w",
                    "indexed B/w", "plain B/w", "indexed cpu us", "plain cpu us");
            double[][] figures = new double[6][rounds];
            for (int round = 0; round <= rounds; round++) {
                long seed = 31L * round + 7;
                boolean indexedFirst = round % 2 == 0;
                double[] first = run(indexedFirst ? indexed : plain, records, writes, seed, threads);
                double[] second = run(indexedFirst ? plain : indexed, records, writes, seed, threads);
                double[] withIndexes = indexedFirst ? first : second;
                double[] without = indexedFirst ? second : first;
                out.printf(Locale.ROOT, "%-6s %14.2f %14.2f %14.0f %14.0f %14.2f %14.2f%n",
                        round == 0 ? "warm" : String.valueOf(round),
                        withIndexes[0], without[0], withIndexes[1], without[1], withIndexes[2], without[2]);
                if (round > 0) {
                    figures[0][round - 1] = withIndexes[0];
                    figures[1][round - 1] = without[0];
                    figures[2][round - 1] = withIndexes[1];
                    figures[3][round - 1] = without[1];
                    figures[4][round - 1] = withIndexes[2];
                    figures[5][round - 1] = without[2];
                }
            }
            double[] medians = new double[6];
            for (int i = 0; i < 6; i++) {
                double[] sorted = figures[i].clone();
                Arrays.sort(sorted);
                medians[i] = sorted[rounds / 2];
            }
            out.printf(Locale.ROOT, "%-6s %14.2f %14.2f %14.0f %14.0f %14.2f %14.2f%n", "median", medians[0], medians[1],
                    medians[2], medians[3], medians[4], medians[5]);
            if (plain != null) {
                out.printf(Locale.ROOT, "writes/s indexed / plain: %.2fx (target >= 0.60x); index upkeep %.2f us and %.0f B per write%n",
                        medians[1] / medians[0], medians[0] - medians[1], medians[2] - medians[3]);
                out.printf(Locale.ROOT, "CPU time of the writing thread, plain / indexed: %.2fx; index upkeep %.2f us of CPU per write%n",
                        medians[5] / medians[4], medians[4] - medians[5]);
            }
        } finally {
            indexed.close();
            if (plain != null) {
                plain.close();
            }
            Directories.delete(indexedDirectory);
            Directories.delete(plainDirectory);
        }
    }

    private static void fill(PikoDB db, int records) {
        for (int i = 0; i < records; i++) {
            db.write(QueryWorkload.TABLE, QueryWorkload.key(i), QueryWorkload.note(i, records));
        }
    }

    /** The W13 overwrites: microseconds, allocated bytes and CPU microseconds per write (zeros for no table). */
    private static double[] run(PikoDB db, int records, int writes, long seed, com.sun.management.ThreadMXBean threads) {
        if (db == null) {
            return new double[3];
        }
        SplittableRandom random = new SplittableRandom(seed);
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        long started = System.nanoTime();
        for (int i = 0; i < writes; i++) {
            int target = random.nextInt(records);
            db.write(QueryWorkload.TABLE, QueryWorkload.key(target), QueryWorkload.note(random.nextInt(records), records));
        }
        long nanos = System.nanoTime() - started;
        long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        return new double[] {nanos / 1e3 / writes, (double) allocated / writes, cpu / 1e3 / writes};
    }
}
