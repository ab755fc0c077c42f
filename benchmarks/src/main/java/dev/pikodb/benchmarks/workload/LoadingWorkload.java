package dev.pikodb.benchmarks.workload;

import dev.pikodb.PikoDB;
import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Profiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import tools.jackson.core.JsonParser;

/**
 * W10: how fast PikoDB's {@code start()} loads one large table file, in MB of table file per second,
 * against the limit of Jackson's streaming parser reading the same file alone in the same rounds: the
 * file read into memory, then tokenised from end to end ({@code nextToken()} over every token, which
 * finds every string's end but materialises no text, number or object).
 */
public final class LoadingWorkload {

    /** The one table of the image. */
    public static final String TABLE = "load";
    /** Row name of the parse-only limit. */
    public static final String PARSE_ONLY = "Limit: Jackson tokenizing the table file";

    private final BenchConfig config;
    private final Profiles profiles;
    private long sink;

    /**
     * Creates the workload.
     *
     * @param config the run's configuration
     * @param profiles the values to write
     */
    public LoadingWorkload(BenchConfig config, Profiles profiles) {
        this.config = config;
        this.profiles = profiles;
    }

    /**
     * Row name of W10.
     *
     * @param records records in the table
     * @return the row name
     */
    public static String name(int records) {
        return String.format(Locale.ROOT, "W10 load %,d-rec table file", records);
    }

    /**
     * Writes the table (one write per record, default mode) into a fresh PikoDB and closes it, which
     * leaves the whole table in its table file.
     *
     * @param directory an empty directory
     * @return the table file
     */
    public Path prepare(Path directory) {
        try (PikoDB db = open(directory)) {
            for (int i = 0; i < config.sizes().loadRecords(); i++) {
                db.write(TABLE, Profiles.key(i), profiles.value(i));
            }
        }
        Path file = directory.resolve(TABLE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("No table file " + file + " after closing PikoDB; the load workload"
                    + " expects the table file to be named after its table");
        }
        return file;
    }

    /**
     * One timed {@code start()} over the image, per call.
     *
     * @param file the table file written by {@link #prepare}
     * @return a repetition returning MB (10^6 bytes) of table file loaded per second
     */
    public DoubleSupplier start(Path file) {
        return () -> {
            long bytes = size(file);
            long start = System.nanoTime();
            try (PikoDB db = open(file.getParent())) {
                double seconds = (System.nanoTime() - start) / 1e9;
                int records = db.getTableSize(TABLE);
                if (records != config.sizes().loadRecords()) {
                    throw new IllegalStateException("PikoDB loaded " + records + " records from " + file + ", expected "
                            + config.sizes().loadRecords());
                }
                return bytes / 1e6 / seconds;
            }
        };
    }

    /**
     * One timed streaming parse of the table file, per call.
     *
     * @param file the table file
     * @return a repetition returning MB (10^6 bytes) parsed per second
     */
    public DoubleSupplier parseOnly(Path file) {
        return () -> {
            long start = System.nanoTime();
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file, e);
            }
            try (JsonParser parser = Profiles.MAPPER.createParser(bytes)) {
                long tokens = 0;
                while (parser.nextToken() != null) {
                    tokens++;
                }
                sink += tokens;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return bytes.length / 1e6 / seconds;
        };
    }

    /**
     * A value derived from everything parsed, so the JIT cannot drop the parsing.
     *
     * @return the accumulated value
     */
    public long sink() {
        return sink;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the size of " + file, e);
        }
    }

    private static PikoDB open(Path directory) {
        return Profiles.startPikoDB(directory, false);
    }
}
