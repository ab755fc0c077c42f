package dev.pikodb.benchmarks;

import dev.pikodb.PikoDB;
import dev.pikodb.Query;
import dev.pikodb.benchmarks.workload.QueryWorkload;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Shows what the 3 indexes of W13 add to a start: the W13 table (100,000 notes in quick mode) is
 * written once with its indexes, copied without their definitions, and both directories are started
 * in turns; each start is followed by a query that the indexes answer. Prints the wall time and the
 * CPU time of the process (its helper threads, the
 * compiler and the collector included), the heap allocated by all threads (on a JVM that counts it,
 * 21 and later), and the collections and their pause time, median and range: the allocation and the
 * collections do not depend on the load of the machine. Each start begins on a collected heap, as
 * W13's start row does ({@link CollectedHeap}; {@code -Dbench.collectBefore=false} in
 * {@code bench.jvmArgs} to start without).
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests -Pbench -Dbench.main=dev.pikodb.benchmarks.IndexStartProbe
 * </pre>
 */
public final class IndexStartProbe {

    private static final int REPETITIONS = Integer.getInteger("probe.repetitions", 15);

    private IndexStartProbe() {
    }

    /**
     * Runs the probe and prints its table.
     *
     * @param args unused
     * @throws IOException when a directory cannot be made
     */
    public static void main(String[] args) throws IOException {
        BenchConfig config = BenchConfig.fromSystemProperties();
        Path work = Files.createDirectories(config.workDirectory().resolve("index-start"));
        Path indexed = work.resolve("indexed");
        Path plain = work.resolve("plain");
        QueryWorkload workload = new QueryWorkload(config);
        if (!Files.exists(plain)) {
            PikoDB db = workload.openPikoDB(indexed, true);
            workload.fill(db);
            db.close();
            QueryWorkload.copyWithoutIndexes(indexed, plain);
        }
        com.sun.management.OperatingSystemMXBean system =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        java.lang.management.ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
        java.lang.reflect.Method totalAllocated = allocationCounter(threadBean);
        double[][] wall = new double[2][REPETITIONS];
        double[][] cpu = new double[2][REPETITIONS];
        double[][] allocated = new double[2][REPETITIONS];
        double[][] collections = new double[2][REPETITIONS];
        double[][] pauses = new double[2][REPETITIONS];
        long sink = 0;
        for (int repetition = -3; repetition < REPETITIONS; repetition++) {
            for (int turn = 0; turn < 2; turn++) {
                int which = (repetition + turn) & 1;
                CollectedHeap.collect();
                long allocatedBefore = allocated(totalAllocated, threadBean);
                GcMonitor.Totals collectionsBefore = GcMonitor.totals();
                long cpuStarted = system.getProcessCpuTime();
                long started = System.nanoTime();
                PikoDB db = Profiles.startPikoDB(which == 0 ? indexed : plain, false);
                double millis = (System.nanoTime() - started) / 1e6;
                double cpuMillis = (system.getProcessCpuTime() - cpuStarted) / 1e6;
                double megabytes = (allocated(totalAllocated, threadBean) - allocatedBefore) / 1e6;
                GcMonitor.Totals during = GcMonitor.totals().since(collectionsBefore);
                if (which == 0) {
                    sink += db.count(QueryWorkload.TABLE, Query.eq("/owner", "user1"));
                }
                db.close();
                if (repetition >= 0) {
                    wall[which][repetition] = millis;
                    cpu[which][repetition] = cpuMillis;
                    allocated[which][repetition] = megabytes;
                    collections[which][repetition] = during.count();
                    pauses[which][repetition] = during.millis();
                }
            }
        }
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "start of W13's table (%d repetitions in turns; ms): median [min, max]%n", REPETITIONS);
        String[] labels = {"3 indexes", "no index"};
        for (int which = 0; which < 2; which++) {
            out.printf(Locale.ROOT, "%-10s wall %s  process cpu %s%n", labels[which], summary(wall[which]),
                    summary(cpu[which]));
            out.printf(Locale.ROOT, "%-10s allocated MB %s  collections %s  collection ms %s%n", "",
                    totalAllocated == null ? "(not counted before Java 21)" : summary(allocated[which]),
                    summary(collections[which]), summary(pauses[which]));
        }
        out.printf(Locale.ROOT, "ratio of medians: wall %.2fx, process cpu %.2fx (count check %d)%n",
                median(wall[0]) / median(wall[1]), median(cpu[0]) / median(cpu[1]), sink / (REPETITIONS + 3));
    }

    /** ThreadMXBean#getTotalThreadAllocatedBytes (Java 21 and later), or null. */
    private static java.lang.reflect.Method allocationCounter(java.lang.management.ThreadMXBean threads) {
        try {
            java.lang.reflect.Method method = Class.forName("com.sun.management.ThreadMXBean")
                    .getMethod("getTotalThreadAllocatedBytes");
            return (long) method.invoke(threads) >= 0 ? method : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static long allocated(java.lang.reflect.Method counter, java.lang.management.ThreadMXBean threads) {
        if (counter == null) {
            return 0;
        }
        try {
            return (long) counter.invoke(threads);
        } catch (ReflectiveOperationException e) {
            return 0;
        }
    }

    private static String summary(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%7.1f [%6.1f, %6.1f]", median(values), sorted[0], sorted[sorted.length - 1]);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
