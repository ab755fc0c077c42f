package dev.pikodb.benchmarks;

import dev.pikodb.PikoDB;
import dev.pikodb.benchmarks.workload.QueryWorkload;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The latency of each single write to a table with W13's 3 indexes ({@code /owner}, {@code /created},
 * {@code /tags}) next to the same writes to a table without indexes: the tails a throughput or a
 * median hides, such as the write that rebuilds the primitive base of the {@code /created} index.
 * Both tables are filled with the W13 notes, then take turns receiving the W13 overwrites from one
 * thread; each write is timed alone ({@link System#nanoTime}, into a preallocated array) and the
 * bytes the writing thread allocated during it are read, so that a write which copied the base of the
 * {@code /created} index (it allocates the base's {@code long[]} and {@code Object[]}: at least 12
 * bytes per value, 10 per record is the mark) is told from the others without looking inside the
 * store, as is a write that allocated over 1 MB for any other reason (the rebuild of a large group's
 * table, of the {@code /tags} index). Each turn prints the percentiles, the writes over 1 ms, the base
 * copies and the other large allocations with their durations and CPU times, the slow writes left and how many of
 * them overlapped a collection, the collections that ran during the turn (counts and times of the
 * collectors' beans), and the load average before and after, so that a spike can be told from a
 * collection or from the machine's load.
 *
 * <pre>
 * mvn -B -q -o -pl benchmarks -am package -DskipTests -Pbench -Dbench.main=dev.pikodb.benchmarks.IndexWriteLatencyProbe
 * </pre>
 *
 * <p>System properties (through {@code -Dbench.jvmArgs}): {@code probe.records} (1,000,000),
 * {@code probe.writes} per turn (200,000), {@code probe.turns} per table (2).
 */
public final class IndexWriteLatencyProbe {

    /** A write slower than this is counted and, when slow for no copy and no collection, listed. */
    private static final long SLOW_NANOS = 1_000_000;
    /** A write that allocated this much rebuilt some structure. */
    private static final long LARGE_BYTES = 1 << 20;

    private IndexWriteLatencyProbe() {
    }

    /**
     * Runs the probe and prints its table.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        int records = Integer.getInteger("probe.records", 1_000_000);
        int writes = Integer.getInteger("probe.writes", 200_000);
        int turns = Integer.getInteger("probe.turns", 2);
        Path indexedDirectory = Directories.fresh("index-latency-indexed");
        Path plainDirectory = Directories.fresh("index-latency-plain");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        GcMonitor.get();
        PrintStream out = System.out;
        PikoDB indexed = Profiles.startPikoDB(indexedDirectory, false);
        PikoDB plain = Profiles.startPikoDB(plainDirectory, false);
        try {
            QueryWorkload.createIndexes(indexed);
            long filling = System.nanoTime();
            fill(indexed, records);
            fill(plain, records);
            out.printf(Locale.ROOT, "filled 2 tables of %,d W13 notes in %.1f s; JVM %s, %d CPUs, max heap %,d MB%n",
                    records, (System.nanoTime() - filling) / 1e9, System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
            out.printf(Locale.ROOT, "%,d single-thread overwrites per turn; latency in us; a /created base copy is a"
                    + " write that allocated >= %,d bytes, a large one >= %,d%n", writes, copyBytes(records), LARGE_BYTES);
            out.printf(Locale.ROOT, "%-5s %-8s %7s %7s %7s %8s %8s %8s %6s %-28s %-28s %-18s %-20s %s%n", "turn",
                    "table", "p50", "p90", "p99", "p99.9", "p99.99", "max", ">1ms", "/created copies (ms/cpu ms, g=GC)",
                    "other large (ms each)",
                    ">1ms w/o copy, GC", "GCs (count, ms)", "load before -> after");
            long[] nanos = new long[writes];
            for (int turn = 0; turn < 2 * turns; turn++) {
                boolean withIndexes = turn % 2 == 0;
                long seed = 31L * (turn / 2) + 7;
                out.println(run(withIndexes ? indexed : plain, records, nanos, seed, threads,
                        (turn / 2 + 1) + "", withIndexes ? "indexed" : "plain"));
            }
        } finally {
            indexed.close();
            plain.close();
            Directories.delete(indexedDirectory);
            Directories.delete(plainDirectory);
        }
    }

    /** Fewer bytes than a copy of a base of {@code records} values allocates, more than any other write. */
    private static long copyBytes(int records) {
        return Math.max(LARGE_BYTES, 10L * records);
    }

    private static void fill(PikoDB db, int records) {
        for (int i = 0; i < records; i++) {
            db.write(QueryWorkload.TABLE, QueryWorkload.key(i), QueryWorkload.note(i, records));
        }
    }

    /** One turn of overwrites into one table: its line of the table. */
    private static String run(PikoDB db, int records, long[] nanos, long seed, com.sun.management.ThreadMXBean threads,
            String turn, String table) {
        SplittableRandom random = new SplittableRandom(seed);
        long copyBytes = copyBytes(records);
        List<double[]> copies = new ArrayList<>();
        List<double[]> large = new ArrayList<>();
        List<double[]> slowWindows = new ArrayList<>();
        GcMonitor monitor = GcMonitor.get();
        String loadBefore = LoadAverage.oneMinute();
        GcMonitor.Totals gcBefore = GcMonitor.totals();
        for (int i = 0; i < nanos.length; i++) {
            String key = QueryWorkload.key(random.nextInt(records));
            Map<String, Object> note = QueryWorkload.note(random.nextInt(records), records);
            long allocated = threads.getCurrentThreadAllocatedBytes();
            long cpu = threads.getCurrentThreadCpuTime();
            long started = System.nanoTime();
            db.write(QueryWorkload.TABLE, key, note);
            long took = System.nanoTime() - started;
            cpu = threads.getCurrentThreadCpuTime() - cpu;
            nanos[i] = took;
            allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
            if (allocated >= LARGE_BYTES || took > SLOW_NANOS) {
                double end = monitor.now();
                double[] window = {end - took / 1e6, end, cpu / 1e6};
                (allocated >= copyBytes ? copies : allocated >= LARGE_BYTES ? large : slowWindows).add(window);
            }
        }
        GcMonitor.Totals gcDuring = GcMonitor.totals().since(gcBefore);
        String loadAfter = LoadAverage.oneMinute();
        long over = Arrays.stream(nanos).filter(n -> n > SLOW_NANOS).count();
        // Collections are reported shortly after they end: wait for the last ones before matching.
        sleepQuietly();
        int slowDuringGc = 0;
        for (double[] window : slowWindows) {
            if (monitor.collectingDuring(window[0], window[1]) > 0) {
                slowDuringGc++;
            }
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%-5s %-8s %7.1f %7.1f %7.1f %8.1f %8.1f %8.1f %6d %-28s %-28s %-18s %-20s %s -> %s",
                turn, table, at(sorted, 0.5), at(sorted, 0.9), at(sorted, 0.99), at(sorted, 0.999), at(sorted, 0.9999),
                sorted[sorted.length - 1] / 1e3, over, list(copies, monitor), list(large, monitor),
                slowWindows.size() + " (" + slowDuringGc + " in GC)",
                gcDuring.count() + ", " + gcDuring.millis() + " ms", loadBefore, loadAfter);
    }

    /**
     * How many writes, and each one's duration in ms with the CPU time its thread used (after a
     * {@code /}), marked {@code g} when it overlapped a collection.
     */
    private static String list(List<double[]> windows, GcMonitor monitor) {
        StringBuilder text = new StringBuilder().append(windows.size());
        for (int i = 0; i < windows.size(); i++) {
            double[] window = windows.get(i);
            text.append(i == 0 ? " (" : " ").append(String.format(Locale.ROOT, "%.1f/%.1f", window[1] - window[0], window[2]));
            if (monitor.collectingDuring(window[0], window[1]) > 0) {
                text.append('g');
            }
        }
        return windows.isEmpty() ? text.toString() : text.append(')').toString();
    }

    /** The latency at a fraction of the sorted latencies, microseconds. */
    private static double at(long[] sorted, double fraction) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(fraction * sorted.length) - 1)] / 1e3;
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
