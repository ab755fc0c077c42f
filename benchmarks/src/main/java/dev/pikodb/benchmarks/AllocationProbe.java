package dev.pikodb.benchmarks;

import dev.pikodb.PikoDB;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * How many bytes of heap PikoDB allocates per operation, the figure that decides how often the
 * collector runs: per write (default mode, overwrites spread over a 100,000-record table), per
 * untyped point read, and per record loaded by {@code start()}. Counted by the JVM for the calling
 * thread ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}), which is where all of
 * this work runs (one table loads on the calling thread); the keys and values are built beforehand,
 * so only PikoDB's own allocations (and Jackson's, which it calls) are counted. A write's share of
 * the background compactions it causes runs on another thread and is printed apart: the bytes that
 * thread allocated during the writes, per write.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests -Pbench -Dbench.main=dev.pikodb.benchmarks.AllocationProbe
 * </pre>
 */
public final class AllocationProbe {

    private static final int RECORDS = 100_000;
    private static final int OPERATIONS = Integer.getInteger("bench.operations", 200_000);
    private static final int REPETITIONS = Integer.getInteger("bench.repetitions", 5);

    private AllocationProbe() {
    }

    /**
     * Runs the probe and prints its table.
     *
     * @param args unused
     * @throws IOException when a temporary directory cannot be made
     */
    public static void main(String[] args) throws IOException {
        Path work = Files.createDirectories(Path.of(System.getProperty("bench.workDir", "target/bench-work")));
        Path directory = work.resolve("allocation");
        Directories.delete(directory);
        Profiles profiles = new Profiles();
        String[] keys = new String[RECORDS];
        Object[] values = new Object[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            keys[i] = Profiles.key(i);
            values[i] = profiles.value(i);
        }
        try (PikoDB db = Profiles.startPikoDB(directory, false)) {
            for (int i = 0; i < RECORDS; i++) {
                db.write("users", keys[i], values[i]);
            }
        }
        double[] write = new double[REPETITIONS];
        double[] compaction = new double[REPETITIONS];
        double[] get = new double[REPETITIONS];
        double[] load = new double[REPETITIONS];
        long sink = 0;
        for (int repetition = -1; repetition < REPETITIONS; repetition++) {
            long before = allocated();
            PikoDB db = Profiles.startPikoDB(directory, false);
            long loaded = allocated() - before;
            try {
                long others = othersAllocated();
                before = allocated();
                for (int i = 0; i < OPERATIONS; i++) {
                    int index = (int) ((i * 7919L) % RECORDS);
                    sink += db.write("users", keys[index], values[(index + i) % RECORDS]);
                }
                long written = allocated() - before;
                long elsewhere = othersAllocated() - others;
                before = allocated();
                for (int i = 0; i < OPERATIONS; i++) {
                    sink += db.get("users", keys[(int) ((i * 104_729L) % RECORDS)]) == null ? 0 : 1;
                }
                long read = allocated() - before;
                if (repetition >= 0) {
                    load[repetition] = (double) loaded / RECORDS;
                    write[repetition] = (double) written / OPERATIONS;
                    compaction[repetition] = (double) elsewhere / OPERATIONS;
                    get[repetition] = (double) read / OPERATIONS;
                }
            } finally {
                db.close();
            }
        }
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "Heap allocated by PikoDB, bytes per operation (%,d-record table, %,d operations,"
                + " %d repetitions after a warm-up; Java %s)%n", RECORDS, OPERATIONS, REPETITIONS,
                System.getProperty("java.version"));
        row(out, "write (default mode), writer thread", write);
        row(out, "write: other threads (compaction)", compaction);
        row(out, "get -> Map", get);
        row(out, "record loaded by start()", load);
        if (sink == 42) {
            out.println();
        }
        Directories.delete(directory);
    }

    private static void row(PrintStream out, String label, double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        out.printf(Locale.ROOT, "  %-40s median %,8.0f B   range %,.0f-%,.0f%n", label, sorted[sorted.length / 2],
                sorted[0], sorted[sorted.length - 1]);
    }

    private static com.sun.management.ThreadMXBean threads() {
        return (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    }

    private static long allocated() {
        return threads().getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /** The bytes allocated so far by every other live thread. */
    private static long othersAllocated() {
        long self = Thread.currentThread().getId();
        long[] ids = Arrays.stream(threads().getAllThreadIds()).filter(id -> id != self).toArray();
        return Arrays.stream(threads().getThreadAllocatedBytes(ids)).filter(bytes -> bytes > 0).sum();
    }
}
