package dev.pikodb.benchmarks;

import dev.pikodb.PikoDB;
import dev.pikodb.Query;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Shows what a table size costs on the directory engine: {@code getTableSize} and
 * {@code count(Query.all())} on a table of {@code probe.records} records (half of them expiring
 * later, none due), and the CPU time per write of plain and of expiring records while the table is
 * filled (an expiring record is also entered in the table's order of expirations), and the time to
 * open the database again (loading the table enters its expiring records in that order too). Each figure is
 * the median of the rounds, in microseconds of the calling thread's CPU time ({@code ThreadMXBean},
 * less sensitive to the machine's load than elapsed time) and of elapsed time.
 *
 * <pre>
 * mvn -B -q -o -pl benchmarks -am package -DskipTests -Pbench -Dbench.main=dev.pikodb.benchmarks.TableSizeProbe
 * </pre>
 *
 * <p>System properties: {@code probe.records} (100,000), {@code probe.calls} per round (200),
 * {@code probe.rounds} (7, after one warm-up round).
 */
public final class TableSizeProbe {

    private static final String TABLE = "sized";

    private TableSizeProbe() {
    }

    /**
     * Runs the probe and prints its figures.
     *
     * @param args unused
     * @throws IOException when a temporary directory cannot be made
     */
    public static void main(String[] args) throws IOException {
        int records = Integer.getInteger("probe.records", 100_000);
        int calls = Integer.getInteger("probe.calls", 200);
        int rounds = Integer.getInteger("probe.rounds", 7);
        Path work = Files.createDirectories(Path.of(System.getProperty("bench.workDir", "target/bench-work")));
        Path directory = work.resolve("table-size");
        Directories.delete(directory);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        PrintStream out = System.out;
        PikoDB db = Profiles.startPikoDB(directory, false);
        double[] starts = new double[5];
        double[] processCpus = new double[starts.length];
        try {
            long later = db.clock().millis() + 86_400_000L;
            Map<String, Object> value = Map.of("name", "Alice", "visits", 12, "city", "Lisbon");
            long cpu = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < records; i += 2) {
                db.write(TABLE, "plain" + i, value);
            }
            double plainWrite = (threads.getCurrentThreadCpuTime() - cpu) / 1_000.0 / ((records + 1) / 2);
            cpu = threads.getCurrentThreadCpuTime();
            for (int i = 1; i < records; i += 2) {
                db.write(TABLE, "expiring" + i, value, later);
            }
            double expiringWrite = (threads.getCurrentThreadCpuTime() - cpu) / 1_000.0 / (records / 2);
            out.printf(Locale.ROOT, "Table of %,d records (half expiring in a day); CPU us per write while filling:"
                    + " plain %.2f, expiring %.2f%n", records, plainWrite, expiringWrite);
            out.printf(Locale.ROOT, "%-6s %16s %16s %16s %16s%n", "round", "size cpu us", "size us",
                    "count cpu us", "count us");
            double[][] figures = new double[4][rounds];
            PikoDB filled = db;
            for (int round = 0; round <= rounds; round++) {
                double[] size = time(calls, threads, () -> check(filled.getTableSize(TABLE), records));
                double[] count = time(calls, threads, () -> check(filled.count(TABLE, Query.all()), records));
                out.printf(Locale.ROOT, "%-6s %16.2f %16.2f %16.2f %16.2f%n", round == 0 ? "warm" : String.valueOf(round),
                        size[0], size[1], count[0], count[1]);
                if (round > 0) {
                    figures[0][round - 1] = size[0];
                    figures[1][round - 1] = size[1];
                    figures[2][round - 1] = count[0];
                    figures[3][round - 1] = count[1];
                }
            }
            out.printf(Locale.ROOT, "%-6s %16.2f %16.2f %16.2f %16.2f%n", "median", median(figures[0]),
                    median(figures[1]), median(figures[2]), median(figures[3]));
            com.sun.management.OperatingSystemMXBean system =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            for (int i = 0; i < starts.length; i++) {
                db.close();
                System.gc();
                long start = System.nanoTime();
                long processCpu = system.getProcessCpuTime();
                db = Profiles.startPikoDB(directory, false);
                starts[i] = (System.nanoTime() - start) / 1_000_000.0;
                processCpus[i] = (system.getProcessCpuTime() - processCpu) / 1_000_000.0;
                check(db.getTableSize(TABLE), records);
            }
            out.printf(Locale.ROOT, "Opening the database again: median %.1f ms, %.1f ms of the process's CPU time"
                    + " (%d times)%n", median(starts), median(processCpus), starts.length);
        } finally {
            db.close();
            Directories.delete(directory);
        }
    }

    private static void check(long size, int expected) {
        if (size != expected) {
            throw new IllegalStateException("Table '" + TABLE + "' counted " + size + " records, expected " + expected);
        }
    }

    /** CPU and elapsed microseconds per call of {@code call}. */
    private static double[] time(int calls, ThreadMXBean threads, Runnable call) {
        long cpu = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            call.run();
        }
        return new double[] {(threads.getCurrentThreadCpuTime() - cpu) / 1_000.0 / calls,
                (System.nanoTime() - start) / 1_000.0 / calls};
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
