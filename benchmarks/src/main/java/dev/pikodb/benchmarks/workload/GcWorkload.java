package dev.pikodb.benchmarks.workload;

import dev.pikodb.PikoDB;
import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Directories;
import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.Report;
import dev.pikodb.benchmarks.Result;
import dev.pikodb.benchmarks.UserProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * W18: what garbage collection costs a writer. One writer overwrites keys spread over a table of
 * 1,000,000 records (loaded by {@code start()}, as an application finds it), 1,000,000 writes per
 * repetition after a warm-up of 200,000, default mode; the collector is the measuring JVM's own
 * ({@code -Dbench.jvmArgs}, and {@code -Dbench.java} for another JDK), named in the store column.
 *
 * <p>Rows: the collectors' pauses during the measured writes, summed and the longest (the
 * {@code jdk.GarbageCollection} events of a flight recording of this JVM, which give every
 * collector's pauses to the nanosecond: ZGC's are far below the millisecond that the management
 * beans round to), and the longest write (each write timed on its own). The note of each repetition
 * adds ZGC's allocation stalls (a thread made to wait, without a pause, while a cycle frees memory).
 */
public final class GcWorkload {

    /** Row: the longest collector pause during the measured writes. */
    public static final String LONGEST_PAUSE = "W18 longest GC pause, same writes";
    /** Row: the longest single write. */
    public static final String LONGEST_WRITE = "W18 longest write, same writes";

    private static final String TABLE = "users";

    private final BenchConfig config;
    private final Profiles profiles;
    private final Report report;

    /**
     * Creates the workload.
     *
     * @param config the run's configuration
     * @param profiles the values to write
     * @param report where results go
     */
    public GcWorkload(BenchConfig config, Profiles profiles, Report report) {
        this.config = config;
        this.profiles = profiles;
        this.report = report;
    }

    /**
     * Row: the collectors' pauses during the measured writes, summed.
     *
     * @param config the run's configuration (smoke mode has smaller sizes)
     * @return e.g. {@code W18 GC pauses, 1,000,000 writes, 1,000,000-rec}
     */
    public static String pausesName(BenchConfig config) {
        return String.format(Locale.ROOT, "W18 GC pauses, %,d writes, %,d-rec", writes(config), records(config));
    }

    /** @return the store column of this JVM's rows, e.g. {@code PikoDB, G1, Java 17} */
    public static String storeLabel() {
        String collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName)
                .map(name -> name.startsWith("G1") ? "G1" : name.startsWith("ZGC") ? "ZGC"
                        : name.startsWith("Shenandoah") ? "Shenandoah" : name)
                .distinct()
                .collect(Collectors.joining("+"));
        return "PikoDB, " + collectors + ", Java " + Runtime.version().feature();
    }

    private static int records(BenchConfig config) {
        return "smoke".equals(config.mode()) ? 5_000 : 1_000_000;
    }

    private static int writes(BenchConfig config) {
        return "smoke".equals(config.mode()) ? 5_000 : 1_000_000;
    }

    private int records() {
        return records(config);
    }

    private int writes() {
        return writes(config);
    }

    private int warmupWrites() {
        return writes() / 5;
    }

    private int repetitions() {
        return config.full() ? 3 : 1;
    }

    /**
     * Fills the table, then measures each repetition on a freshly started store.
     *
     * @param root the run's directory
     */
    public void run(Path root) {
        Path directory = root.resolve("w16");
        int records = records();
        String[] keys = new String[records];
        for (int i = 0; i < records; i++) {
            keys[i] = Profiles.key(i);
        }
        try (PikoDB db = Profiles.startPikoDB(directory, false)) {
            for (int i = 0; i < records; i++) {
                db.write(TABLE, keys[i], profiles.value(i));
            }
        }
        int repetitions = repetitions();
        double[] pauses = new double[repetitions];
        double[] longestPause = new double[repetitions];
        double[] longestWrite = new double[repetitions];
        String store = storeLabel();
        try {
            for (int repetition = 0; repetition < repetitions; repetition++) {
                Measured measured = measure(directory, keys);
                pauses[repetition] = measured.pauseNanos / 1e6;
                longestPause[repetition] = measured.longestPauseNanos / 1e6;
                longestWrite[repetition] = measured.longestWriteNanos / 1e6;
                report.note(String.format(Locale.ROOT, "W18 %s, repetition %d: %,d collections with %.1f ms of"
                        + " pauses (longest %.1f ms); longest write %.1f ms; %d writes over 10 ms, %d over 50 ms;"
                        + " %,.0f writes/s; allocation stalls (ZGC) %.1f ms in all, longest %.1f ms", store,
                        repetition + 1, measured.collections, pauses[repetition], longestPause[repetition],
                        longestWrite[repetition], measured.over10ms, measured.over50ms, measured.writesPerSecond,
                        measured.stallNanos / 1e6, measured.longestStallNanos / 1e6));
            }
        } finally {
            Directories.delete(directory);
        }
        report.add(new Result(pausesName(config), store, Result.Unit.MILLISECONDS, pauses));
        report.add(new Result(LONGEST_PAUSE, store, Result.Unit.MILLISECONDS, longestPause));
        report.add(new Result(LONGEST_WRITE, store, Result.Unit.MILLISECONDS, longestWrite));
    }

    private record Measured(long pauseNanos, long longestPauseNanos, int collections, long longestWriteNanos,
                            int over10ms, int over50ms, double writesPerSecond, long stallNanos,
                            long longestStallNanos) {
    }

    private Measured measure(Path directory, String[] keys) {
        int records = keys.length;
        UserProfile[] values = new UserProfile[1024];
        for (int i = 0; i < values.length; i++) {
            values[i] = profiles.value(i + 7);
        }
        try (PikoDB db = Profiles.startPikoDB(directory, false)) {
            long position = 0;
            for (int i = 0; i < warmupWrites(); i++, position++) {
                db.write(TABLE, keys[(int) ((position * 7919L) % records)], values[(int) (position & 1023)]);
            }
            System.gc();
            Path file = Files.createTempFile(directory.getParent(), "w16-", ".jfr");
            try (Recording recording = new Recording()) {
                recording.enable("jdk.GarbageCollection");
                // ZGC makes a thread wait, without a pause, when it allocates faster than a cycle frees.
                recording.enable("jdk.ZAllocationStall").withThreshold(java.time.Duration.ZERO);
                recording.setToDisk(true);
                recording.start();
                Instant from = Instant.now();
                long longest = 0;
                int over10 = 0;
                int over50 = 0;
                long started = System.nanoTime();
                for (int i = 0; i < writes(); i++, position++) {
                    long before = System.nanoTime();
                    db.write(TABLE, keys[(int) ((position * 7919L) % records)], values[(int) (position & 1023)]);
                    long took = System.nanoTime() - before;
                    if (took > longest) {
                        longest = took;
                    }
                    if (took > 10_000_000L) {
                        over10++;
                        if (took > 50_000_000L) {
                            over50++;
                        }
                    }
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                Instant to = Instant.now();
                recording.stop();
                recording.dump(file);
                long pauses = 0;
                long longestPause = 0;
                int collections = 0;
                long stalls = 0;
                long longestStall = 0;
                for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
                    if (event.getStartTime().isBefore(from) || event.getStartTime().isAfter(to)) {
                        continue;
                    }
                    if (event.getEventType().getName().equals("jdk.ZAllocationStall")) {
                        stalls += event.getDuration().toNanos();
                        longestStall = Math.max(longestStall, event.getDuration().toNanos());
                        continue;
                    }
                    collections++;
                    pauses += event.getDuration("sumOfPauses").toNanos();
                    longestPause = Math.max(longestPause, event.getDuration("longestPause").toNanos());
                }
                return new Measured(pauses, longestPause, collections, longest, over10, over50,
                        writes() / seconds, stalls, longestStall);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
