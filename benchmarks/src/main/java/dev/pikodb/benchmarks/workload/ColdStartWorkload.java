package dev.pikodb.benchmarks.workload;

import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Directories;
import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.Sampler;
import dev.pikodb.benchmarks.UserProfile;
import dev.pikodb.benchmarks.store.KeyValueStore;
import dev.pikodb.benchmarks.store.StoreKind;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * W5: the time from opening a store over a large table until its data is usable: PikoDB's
 * {@code start()} (which loads every table), the peers' open plus reading and decoding every row.
 * Measured (a) after a clean close and (b) over a copy of the directory taken while the store was
 * open right after the writes, which is what a killed process leaves behind.
 */
public final class ColdStartWorkload {

    /** The one table of the start-up images. */
    public static final String TABLE = "profiles";

    private final BenchConfig config;
    private final Profiles profiles;
    private int copies;

    /**
     * The two directories a store is opened from.
     *
     * @param clean written, then closed cleanly
     * @param crashed copied while the store was open, never closed
     */
    public record Images(Path clean, Path crashed) {
    }

    /**
     * Creates the workload.
     *
     * @param config the run's configuration
     * @param profiles the values to write
     */
    public ColdStartWorkload(BenchConfig config, Profiles profiles) {
        this.config = config;
        this.profiles = profiles;
    }

    /**
     * Row name of W5.
     *
     * @param crashed after a kill rather than a clean close
     * @param tableSize records in the table
     * @return the row name
     */
    public static String name(boolean crashed, int tableSize) {
        return String.format(Locale.ROOT, "W5 open %,d-rec, %s", tableSize, crashed ? "after kill" : "clean close");
    }

    /**
     * Writes the large table into a fresh store (one write per record, default mode), copies the
     * directory while the store is still open, then closes it.
     *
     * @param kind the store
     * @param directory an empty directory for the two images
     * @return the images
     */
    public Images prepare(StoreKind kind, Path directory) {
        Path live = directory.resolve("clean");
        Path crashed = directory.resolve("crashed");
        try (KeyValueStore store = kind.open(live, false)) {
            int batch = 1_000;
            for (int from = 0; from < config.largeTable(); from += batch) {
                Map<String, UserProfile> values = new LinkedHashMap<>();
                for (int i = from; i < Math.min(config.largeTable(), from + batch); i++) {
                    values.put(Profiles.key(i), profiles.value(i));
                }
                store.writeAll(TABLE, values);
            }
            Directories.copyAsCrashed(live, crashed);
        }
        return new Images(live, crashed);
    }

    /**
     * One timed opening of the cleanly closed image, per call.
     *
     * @param kind the store
     * @param images its images
     * @return a repetition returning its milliseconds
     */
    public DoubleSupplier openClean(StoreKind kind, Images images) {
        return () -> timeOpen(kind, images.clean());
    }

    /**
     * One timed opening of a fresh copy of the crashed image (copied untimed), per call.
     *
     * @param kind the store
     * @param images its images
     * @return a repetition returning its milliseconds
     */
    public DoubleSupplier openCrashed(StoreKind kind, Images images) {
        return () -> {
            Path copy = images.crashed().resolveSibling("crashed-copy-" + copies++);
            Directories.copyAsCrashed(images.crashed(), copy);
            try {
                return timeOpen(kind, copy);
            } finally {
                Directories.delete(copy);
            }
        };
    }

    private double timeOpen(StoreKind kind, Path directory) {
        long start = System.nanoTime();
        try (KeyValueStore store = kind.open(directory, false)) {
            boolean loadsOnOpen = kind == StoreKind.PIKODB;
            int count = loadsOnOpen ? -1 : store.readAll(TABLE);
            double millis = Sampler.millisSince(start);
            if (loadsOnOpen) {
                count = store.readAll(TABLE);
            }
            if (count != config.largeTable()) {
                throw new IllegalStateException(kind.label(false) + " opened " + count + " records from "
                        + directory + ", expected " + config.largeTable());
            }
            return millis;
        }
    }
}
