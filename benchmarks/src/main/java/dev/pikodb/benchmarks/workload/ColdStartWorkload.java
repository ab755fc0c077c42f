package dev.pikodb.benchmarks.workload;

import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Directories;
import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.Result;
import dev.pikodb.benchmarks.Sampler;
import dev.pikodb.benchmarks.UserProfile;
import dev.pikodb.benchmarks.store.KeyValueStore;
import dev.pikodb.benchmarks.store.StoreKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * W5: the time from opening a store over a large table until its data is usable: PikoDB's
 * {@code start()} (which loads every table), the peers' open plus reading and decoding every row.
 * Measured (a) after a clean close and (b) over a copy of the directory taken while the store was
 * open right after the writes, which is what a killed process leaves behind.
 *
 * <p>{@code start()} keeps each record's JSON bytes and decodes a value when it is read, while the
 * peers' figure includes decoding every row. So the same opening also gives, as rows of their own,
 * the time until every record has been read and decoded (PikoDB: {@code start()} then
 * {@code get(table)}; the peers: the same figure as their open row) and the time to the first read
 * (open, then read and decode one record), for every store.
 */
public final class ColdStartWorkload {

    /** The one table of the start-up images. */
    public static final String TABLE = "profiles";

    private final BenchConfig config;
    private final Profiles profiles;
    private final Map<String, Map<StoreKind, List<Double>>> alongside = new LinkedHashMap<>();
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
     * Row name of the time from opening until every record has been read and decoded.
     *
     * @param crashed after a kill rather than a clean close
     * @param tableSize records in the table
     * @return the row name
     */
    public static String decodedName(boolean crashed, int tableSize) {
        return String.format(Locale.ROOT, "W5 open+decode all %,d-rec, %s", tableSize,
                crashed ? "after kill" : "clean close");
    }

    /**
     * Row name of the time from opening until one record has been read and decoded.
     *
     * @param crashed after a kill rather than a clean close
     * @param tableSize records in the table
     * @return the row name
     */
    public static String firstReadName(boolean crashed, int tableSize) {
        return String.format(Locale.ROOT, "W5 first read %,d-rec, %s", tableSize,
                crashed ? "after kill" : "clean close");
    }

    /**
     * The rows measured alongside W5's open rows (open + decode all, first read), one value per
     * measured repetition.
     *
     * @param warmups the repetitions to leave out at the start of each store's values
     * @return the results
     */
    public List<Result> alongsideResults(int warmups) {
        List<Result> results = new ArrayList<>();
        alongside.forEach((row, byStore) -> byStore.forEach((kind, values) -> {
            List<Double> measured = values.subList(Math.min(warmups, values.size()), values.size());
            if (!measured.isEmpty()) {
                results.add(new Result(row, kind.label(false), Result.Unit.MILLISECONDS,
                        measured.stream().mapToDouble(Double::doubleValue).toArray()));
            }
        }));
        return results;
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
        return () -> timeOpen(kind, images.clean(), false);
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
                return timeOpen(kind, copy, true);
            } finally {
                Directories.delete(copy);
            }
        };
    }

    /**
     * Opens the store once and times three points from the same start: opened (PikoDB's
     * {@code start()}), first record read and decoded, every record read and decoded.
     *
     * @return the figure of the W5 open row: PikoDB's start, the peers' open plus decoding every row
     */
    private double timeOpen(StoreKind kind, Path directory, boolean crashed) {
        long start = System.nanoTime();
        try (KeyValueStore store = kind.open(directory, false)) {
            double opened = Sampler.millisSince(start);
            Object first = store.readUntyped(TABLE, Profiles.key(0));
            double firstRead = Sampler.millisSince(start);
            int count = store.readAll(TABLE);
            double decoded = Sampler.millisSince(start);
            if (first == null || count != config.largeTable()) {
                throw new IllegalStateException(kind.label(false) + " opened " + count + " records from "
                        + directory + (first == null ? " without its first record" : "") + ", expected "
                        + config.largeTable());
            }
            record(firstReadName(crashed, config.largeTable()), kind, firstRead);
            record(decodedName(crashed, config.largeTable()), kind, decoded);
            return kind == StoreKind.PIKODB ? opened : decoded;
        }
    }

    private void record(String row, StoreKind kind, double millis) {
        alongside.computeIfAbsent(row, r -> new LinkedHashMap<>()).computeIfAbsent(kind, k -> new ArrayList<>())
                .add(millis);
    }
}
