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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * W15: what observing costs when nothing listens. W1's single writer, default mode, on two PikoDBs
 * taking turns: one with no observer, one observed through {@link PikoDBObservations} with an
 * {@link ObservationRegistry} that has no handlers (what an application gets with Micrometer on the
 * classpath and no tracing or metrics configured).
 */
public final class ObservationWorkload {

    /** The label of the observed store. */
    public static final String OBSERVED = StoreKind.PIKODB.label(false) + " observed, no handler";

    private static final String TABLE = "observed";
    /**
     * W1's writes per repetition times this: the difference measured is a few percent, so each
     * repetition must be long (full mode: 200,000 writes, a few seconds) for it to stand out of the
     * repetitions' spread.
     */
    private static final int LENGTH_FACTOR = 40;

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
            WriteWorkloads writes = new WriteWorkloads(config, profiles);
            new Round(config, report)
                    .add(new Round.Cell(name, StoreKind.PIKODB.label(false), Result.Unit.OPS_PER_SECOND), name,
                            writes.sequential(plain, TABLE, tableSize, config.sequentialWrites() * LENGTH_FACTOR))
                    .add(new Round.Cell(name, OBSERVED, Result.Unit.OPS_PER_SECOND), name,
                            writes.sequential(observed, TABLE, tableSize, config.sequentialWrites() * LENGTH_FACTOR))
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

    private void fill(KeyValueStore store, int records) {
        Map<String, UserProfile> batch = new LinkedHashMap<>();
        for (int i = 0; i < records; i++) {
            batch.put(Profiles.key(i), profiles.value(i));
        }
        store.writeAll(TABLE, batch);
    }
}
