package dev.pikodb.benchmarks.workload;

import dev.pikodb.PikoDB;
import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Directories;
import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.Report;
import dev.pikodb.benchmarks.Result;
import dev.pikodb.benchmarks.Round;
import dev.pikodb.benchmarks.Sampler;
import dev.pikodb.benchmarks.UserProfile;
import dev.pikodb.benchmarks.store.KeyValueStore;
import dev.pikodb.benchmarks.store.PikoDbStore;
import dev.pikodb.benchmarks.store.StoreKind;
import dev.pikodb.spring.observation.PikoDBObservations;
import io.micrometer.observation.ObservationRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * W15: what observing costs when nothing listens. W1's single writer, default mode, on two PikoDBs:
 * one with no observer, one observed through {@link PikoDBObservations} with an
 * {@link ObservationRegistry} that has no handlers (what an application gets with Micrometer on the
 * classpath and no tracing or metrics configured).
 *
 * <p>The difference to measure is a few percent, less than what the machine's load and the disk
 * change between two repetitions a few seconds apart. So the stores do not take turns by repetition:
 * within each repetition they take turns every {@value #BLOCK} writes (in the order AB, BA, AB, ...),
 * and each store's time is the sum of its blocks. Both stores thus see the same moments of the
 * machine, and what is left between their rates is what observing costs.
 */
public final class ObservationWorkload {

    /** The label of the observed store. */
    public static final String OBSERVED = StoreKind.PIKODB.label(false) + " observed, no handler";

    private static final String TABLE = "observed";
    /** Writes per store per repetition, times W1's. */
    private static final int LENGTH_FACTOR = 40;
    /** Writes a store does before the other takes its turn. */
    static final int BLOCK = 500;

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
    public ObservationWorkload(BenchConfig config, Profiles profiles, Report report) {
        this.config = config;
        this.profiles = profiles;
        this.report = report;
    }

    /**
     * The row name.
     *
     * @param tableSize records in the table
     * @return the row name
     */
    public static String name(int tableSize) {
        return String.format(Locale.ROOT, "W15 write, %,d-rec table, observed", tableSize);
    }

    /**
     * Measures both stores side by side, in directories under {@code root} deleted afterwards.
     *
     * @param root the run's work directory
     */
    public void run(Path root) {
        int tableSize = config.smallTable();
        String name = name(tableSize);
        Path plainDirectory = root.resolve("observation-off");
        Path observedDirectory = root.resolve("observation-noop");
        KeyValueStore plain = new PikoDbStore(Profiles.startPikoDB(plainDirectory, false));
        KeyValueStore observed = null;
        try {
            PikoDB observedDb = Profiles.startPikoDB(observedDirectory, false,
                    new PikoDBObservations(ObservationRegistry.create()));
            observed = new PikoDbStore(observedDb);
            fill(plain, tableSize);
            fill(observed, tableSize);
            Interleaved pair = new Interleaved(plain, observed, tableSize,
                    config.sequentialWrites() * LENGTH_FACTOR);
            new Round(config, report)
                    .add(new Round.Cell(name, StoreKind.PIKODB.label(false), Result.Unit.OPS_PER_SECOND), name,
                            () -> pair.rate(0))
                    .add(new Round.Cell(name, OBSERVED, Result.Unit.OPS_PER_SECOND), name, () -> pair.rate(1))
                    .measure(new Sampler(config.warmups(), config.repetitions()));
        } catch (RuntimeException e) {
            report.failed(name, OBSERVED, e);
        } finally {
            plain.close();
            if (observed != null) {
                observed.close();
            }
            Directories.delete(plainDirectory);
            Directories.delete(observedDirectory);
        }
    }

    /**
     * One repetition writes to both stores in alternating blocks and yields both rates; the sampler
     * asks for them one at a time (in either order), so the first ask of a round runs the repetition
     * and the second takes the other store's rate from it.
     */
    private final class Interleaved {

        private final KeyValueStore[] stores;
        private final int tableSize;
        private final int writes;
        private final double[] rates = new double[2];
        private final boolean[] unread = new boolean[2];
        private int repetition;

        Interleaved(KeyValueStore first, KeyValueStore second, int tableSize, int writes) {
            this.stores = new KeyValueStore[] {first, second};
            this.tableSize = tableSize;
            this.writes = writes;
        }

        double rate(int store) {
            if (!unread[store]) {
                run();
                unread[0] = true;
                unread[1] = true;
            }
            unread[store] = false;
            return rates[store];
        }

        /** Half the writes insert new keys, half overwrite existing ones, as in W1. */
        private void run() {
            int r = repetition++;
            int inserts = writes / 2;
            List<String> newKeys = new ArrayList<>(inserts);
            for (int i = 0; i < inserts; i++) {
                newKeys.add(Profiles.key(tableSize + i));
            }
            String[] keys = new String[writes];
            for (int i = 0; i < writes; i++) {
                keys[i] = i < inserts ? newKeys.get(i) : Profiles.key((r * (writes - inserts) + i - inserts) % tableSize);
            }
            int valueBase = r * writes;
            long[] nanos = new long[2];
            for (int from = 0, block = 0; from < writes; from += BLOCK, block++) {
                int to = Math.min(writes, from + BLOCK);
                for (int turn = 0; turn < 2; turn++) {
                    int store = (block + turn) % 2;
                    KeyValueStore target = stores[store];
                    long start = System.nanoTime();
                    for (int i = from; i < to; i++) {
                        target.write(TABLE, keys[i], profiles.value(valueBase + i));
                    }
                    nanos[store] += System.nanoTime() - start;
                }
            }
            for (int store = 0; store < 2; store++) {
                rates[store] = writes * 1e9 / Math.max(1, nanos[store]);
                stores[store].deleteAll(TABLE, newKeys);
            }
        }
    }

    private void fill(KeyValueStore store, int records) {
        Map<String, UserProfile> batch = new LinkedHashMap<>();
        for (int i = 0; i < records; i++) {
            batch.put(Profiles.key(i), profiles.value(i));
        }
        store.writeAll(TABLE, batch);
    }
}
