package dev.pikodb.benchmarks;

import dev.pikodb.CopySummary;
import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The figures of backup and copy on a database of {@code bench.records} records (default 1,000,000)
 * in 10 tables: the time of an online backup while four threads write, with the longest of those
 * writes during the backup next to the longest before it; and the time and heap of a
 * {@code copyTo} into another directory database.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests -Pbench -Dbench.main=dev.pikodb.benchmarks.BackupCopyProbe
 * </pre>
 */
public final class BackupCopyProbe {

    private static final int TABLES = 10;
    private static final int WRITERS = 4;

    private BackupCopyProbe() {
    }

    /**
     * Runs the probe and prints its figures.
     *
     * @param args unused
     * @throws Exception when a directory cannot be made or a writer fails
     */
    public static void main(String[] args) throws Exception {
        int records = Integer.getInteger("bench.records", 1_000_000);
        Path work = Files.createDirectories(Path.of(System.getProperty("bench.workDir", "target/bench-work")))
                .resolve("backup-copy-" + System.nanoTime());
        PrintStream out = System.out;
        try (PikoDB db = open(work.resolve("source"))) {
            long started = System.nanoTime();
            for (int i = 0; i < records; i++) {
                db.write("t" + (i % TABLES), "key-" + i, Map.of("id", i, "name", "user " + i, "score", i * 0.5));
            }
            out.printf(Locale.ROOT, "filled %,d records in %d tables in %.1f s%n", records, TABLES, seconds(started));

            AtomicBoolean backingUp = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong longestDuring = new AtomicLong();
            AtomicLong longestBefore = new AtomicLong();
            AtomicLong writesDuring = new AtomicLong();
            Thread[] writers = new Thread[WRITERS];
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers[w] = new Thread(() -> {
                    for (long i = 0; !stop.get(); i++) {
                        long t0 = System.nanoTime();
                        db.write("t" + (i % TABLES), "live-" + writer + "-" + (i % 10_000), Map.of("i", i));
                        long took = System.nanoTime() - t0;
                        if (backingUp.get()) {
                            longestDuring.accumulateAndGet(took, Math::max);
                            writesDuring.incrementAndGet();
                        } else {
                            longestBefore.accumulateAndGet(took, Math::max);
                        }
                    }
                });
                writers[w].start();
            }
            Thread.sleep(2_000);
            long gcBefore = gcMillis();
            backingUp.set(true);
            started = System.nanoTime();
            CopySummary backup = db.backup(work.resolve("backup"), (done, bytes, expected) -> { });
            double backupSeconds = seconds(started);
            backingUp.set(false);
            long gcDuring = gcMillis() - gcBefore;
            Thread.sleep(500);
            stop.set(true);
            for (Thread writer : writers) {
                writer.join();
            }
            out.printf(Locale.ROOT, "backup: %,d records, %d tables, %,d bytes of values in %.2f s (%,.0f records/s)%n",
                    backup.records(), backup.tables(), backup.bytes(), backupSeconds, backup.records() / backupSeconds);
            out.printf(Locale.ROOT, "writes during the backup: %,d by %d threads; longest %.2f ms"
                    + " (longest in the 2 s before: %.2f ms)%n", writesDuring.get(), WRITERS,
                    longestDuring.get() / 1e6, longestBefore.get() / 1e6);
            out.printf(Locale.ROOT, "garbage collection during the backup: %,d ms in total; machine load average %.1f"
                    + " on %d processors%n", gcDuring, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    Runtime.getRuntime().availableProcessors());

            System.gc();
            long before = heapUsed();
            resetPeaks();
            try (PikoDB target = open(work.resolve("copy"))) {
                started = System.nanoTime();
                CopySummary copy = db.copyTo(target, (done, bytes, expected) -> { });
                double copySeconds = seconds(started);
                long peak = heapPeak();
                System.gc();
                long after = heapUsed();
                out.printf(Locale.ROOT, "copyTo (directory -> directory): %,d records in %.2f s (%,.0f records/s)%n",
                        copy.records(), copySeconds, copy.records() / copySeconds);
                out.printf(Locale.ROOT, "heap: %,d MB before, peak %,d MB during, %,d MB after (the target holds"
                        + " its records in memory: %,d MB)%n", before >> 20, peak >> 20, after >> 20,
                        (after - before) >> 20);
            }
        }
    }

    private static PikoDB open(Path directory) {
        PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).build());
        db.start();
        return db;
    }

    private static long gcMillis() {
        return GcMonitor.totals().millis();
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** The sum of the heap pools' peaks since {@link #resetPeaks()}: an upper bound of the peak heap. */
    private static long heapPeak() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    }
}
