package dev.pikodb.benchmarks.workload;

import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Directories;
import dev.pikodb.benchmarks.GcMonitor;
import dev.pikodb.benchmarks.LatencyRow;
import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.Report;
import dev.pikodb.benchmarks.Sampler;
import dev.pikodb.benchmarks.UserProfile;
import dev.pikodb.benchmarks.store.KeyValueStore;
import dev.pikodb.benchmarks.store.StoreKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import dev.pikodb.benchmarks.LockWaits;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * W8: the latency of every single write of one writer overwriting keys spread over a pre-filled
 * table, default and durable, on every store in the same rounds. Each store's writes of all measured
 * repetitions go into one histogram; writes slower than 50 ms are checked against the garbage
 * collections that ran meanwhile, so that a stall of the store can be told from a pause of the JVM.
 */
public final class LatencyWorkload {

    private static final Logger LOG = LoggerFactory.getLogger(LatencyWorkload.class);
    private static final String TABLE = "latency";
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Lock waits of the writing thread at least this long are recorded. */
    static final long LOCK_WAIT_MS = 10;

    private final BenchConfig config;
    private final Profiles profiles;
    private final Report report;
    private final GcMonitor gc = GcMonitor.get();
    /** The table size each store's files already hold, so that the durable run reuses the default run's. */
    private final Map<StoreKind, Integer> filled = new EnumMap<>(StoreKind.class);

    /**
     * Creates the workload.
     *
     * @param config the run's configuration
     * @param profiles the values to write
     * @param report where the distributions go
     */
    public LatencyWorkload(BenchConfig config, Profiles profiles, Report report) {
        this.config = config;
        this.profiles = profiles;
        this.report = report;
    }

    /**
     * Row name of W8.
     *
     * @param durable the mode
     * @param tableSize records in the table
     * @return the row name
     */
    public static String name(boolean durable, int tableSize) {
        return String.format(Locale.ROOT, "W8 write latency%s, %,d-rec", durable ? " durable" : "", tableSize);
    }

    /**
     * Fills a table of {@code tableSize} records in a fresh store of every kind, measures the default
     * mode, reopens the same files in the durable mode and measures again, then deletes the files.
     *
     * @param root the directory to create the stores in
     * @param tableSize records pre-filled
     */
    public void run(Path root, int tableSize) {
        Map<StoreKind, Path> directories = new EnumMap<>(StoreKind.class);
        for (StoreKind kind : StoreKind.values()) {
            directories.put(kind, root.resolve("latency-" + kind.name().toLowerCase(Locale.ROOT) + "-" + tableSize));
        }
        try {
            for (boolean durable : new boolean[] {false, true}) {
                if (!config.includes(name(durable, tableSize))) {
                    continue;
                }
                Map<StoreKind, KeyValueStore> stores = new EnumMap<>(StoreKind.class);
                try {
                    directories.forEach((kind, directory) -> {
                        try {
                            KeyValueStore store = kind.open(directory, durable);
                            stores.put(kind, store);
                            fillOnce(kind, store, tableSize);
                        } catch (RuntimeException e) {
                            report.failed(name(durable, tableSize), kind.label(durable), e);
                            KeyValueStore failed = stores.remove(kind);
                            if (failed != null) {
                                failed.close();
                            }
                        }
                    });
                    measure(stores, durable, tableSize);
                } finally {
                    stores.values().forEach(KeyValueStore::close);
                }
            }
        } finally {
            directories.values().forEach(Directories::delete);
        }
    }

    /** Fills the table unless an earlier mode already did (the durable run reuses the files). */
    private void fillOnce(StoreKind kind, KeyValueStore store, int tableSize) {
        if (filled.getOrDefault(kind, -1) == tableSize) {
            return;
        }
        LOG.info("Filling {} with {} records for the latency workload", kind.label(false), tableSize);
        Map<String, UserProfile> batch = new LinkedHashMap<>();
        for (int i = 0; i < tableSize; i++) {
            batch.put(Profiles.key(i), profiles.value(i));
            if (batch.size() == 1_000 || i == tableSize - 1) {
                store.writeAll(TABLE, batch);
                batch.clear();
            }
        }
        store.flush();
        filled.put(kind, tableSize);
    }

    private void measure(Map<StoreKind, KeyValueStore> stores, boolean durable, int tableSize) {
        String workload = name(durable, tableSize);
        int writes = durable ? config.sizes().latencyDurableWrites() : config.sizes().latencyWrites();
        Map<StoreKind, Recording> recordings = new LinkedHashMap<>();
        Map<StoreKind, DoubleSupplier> runs = new LinkedHashMap<>();
        stores.forEach((kind, store) -> {
            Recording recording = new Recording();
            recordings.put(kind, recording);
            runs.put(kind, () -> recording.repetition(store, writes, tableSize));
        });
        LOG.info("Measuring side by side: {}", workload);
        try (LockWaits locks = new LockWaits(Duration.ofMillis(LOCK_WAIT_MS))) {
            Sampler.Outcome<StoreKind> outcome = new Sampler(config.warmups(), config.repetitions()).compare(runs);
            locks.stop();
            outcome.failures().forEach((kind, error) -> report.failed(workload, kind.label(durable), error));
            outcome.samples().keySet().forEach(kind -> report.addLatency(recordings.get(kind).row(workload,
                    kind.label(durable), locks)));
        }
    }

    /** One store's writes in one mode: a histogram over the measured repetitions. */
    private final class Recording {
        private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
        private final List<double[]> windows = new ArrayList<>();
        private final List<double[]> slow = new ArrayList<>();
        private final List<Instant[]> turns = new ArrayList<>();
        private final List<Instant[]> slowSpans = new ArrayList<>();
        private long writerThread;
        private int calls;
        private int next;

        double repetition(KeyValueStore store, int writes, int tableSize) {
            if (calls++ == config.warmups()) {
                histogram.reset();
                windows.clear();
                slow.clear();
                turns.clear();
                slowSpans.clear();
            }
            writerThread = Thread.currentThread().getId();
            Instant turnStart = Instant.now();
            double windowStart = gc.now();
            long first = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                int n = next++;
                String key = Profiles.key((int) ((n * 7919L) % tableSize));
                UserProfile value = profiles.value(n);
                long start = System.nanoTime();
                store.write(TABLE, key, value);
                long nanos = System.nanoTime() - start;
                histogram.recordValue(Math.min(nanos, histogram.getHighestTrackableValue()));
                if (nanos > 50 * MS) {
                    double end = gc.now();
                    slow.add(new double[] {end - nanos / 1e6, end});
                    Instant ended = Instant.now();
                    slowSpans.add(new Instant[] {ended.minusNanos(nanos), ended});
                }
            }
            double perSecond = Sampler.perSecond(writes, first);
            windows.add(new double[] {windowStart, gc.now()});
            turns.add(new Instant[] {turnStart, Instant.now()});
            return perSecond;
        }

        LatencyRow row(String workload, String store, LockWaits locks) {
            long withoutGc = slow.stream()
                    .filter(span -> span[1] - span[0] - gc.collectingDuring(span[0], span[1]) > 50)
                    .count();
            List<LockWaits.Wait> waits = turns.stream()
                    .flatMap(turn -> locks.of(writerThread, turn[0], turn[1]).stream()).distinct().toList();
            long slowWaiting = slowSpans.stream()
                    .filter(span -> !locks.of(writerThread, span[0], span[1]).isEmpty()).count();
            double longestWait = waits.stream().mapToDouble(w -> w.duration().toNanos() / 1e6).max().orElse(0);
            return new LatencyRow(workload, store, histogram.getTotalCount(),
                    micros(histogram.getValueAtPercentile(50)), micros(histogram.getValueAtPercentile(99)),
                    micros(histogram.getValueAtPercentile(99.9)), micros(histogram.getValueAtPercentile(99.99)),
                    micros(histogram.getMaxValue()), countAbove(10 * MS), countAbove(50 * MS), withoutGc,
                    waits.size(), longestWait, slowWaiting, gc.during(windows));
        }

        private long countAbove(long nanos) {
            return histogram.getTotalCount() - histogram.getCountBetweenValues(0, nanos);
        }

        private double micros(long nanos) {
            return nanos / 1e3;
        }
    }
}
