package dev.pikodb.benchmarks.workload;

import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.Sampler;
import dev.pikodb.benchmarks.UserProfile;
import dev.pikodb.benchmarks.store.KeyValueStore;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * W3: point reads of random existing keys, untyped (to {@code Map}) and typed (to {@link UserProfile}).
 * W4: reading and decoding a whole table.
 */
public final class ReadWorkloads {

    /** Row name of W3, untyped. */
    public static final String POINT_UNTYPED = "W3 get -> Map";
    /** Row name of W3, typed. */
    public static final String POINT_TYPED = "W3 get -> UserProfile";

    private final BenchConfig config;
    /** Consumes what is read, so that no read can be optimised away. */
    private long sink;

    /**
     * Creates the read workloads.
     *
     * @param config the run's configuration
     */
    public ReadWorkloads(BenchConfig config) {
        this.config = config;
    }

    /**
     * The row name of W4.
     *
     * @param tableSize records in the table
     * @return the row name
     */
    public static String scanName(int tableSize) {
        return String.format(Locale.ROOT, "W4 read whole %,d-rec table", tableSize);
    }

    /**
     * One repetition of point reads of random existing keys, per call.
     *
     * @param store the store
     * @param table the table
     * @param tableSize records in it
     * @param typed read as {@link UserProfile} rather than as {@code Map}
     * @return a repetition returning reads per second
     */
    public DoubleSupplier pointReads(KeyValueStore store, String table, int tableSize, boolean typed) {
        String[] keys = new String[config.pointReads()];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Profiles.key(random.nextInt(tableSize));
        }
        if (typed) {
            return () -> {
                long start = System.nanoTime();
                for (String key : keys) {
                    sink += store.readTyped(table, key).age();
                }
                return Sampler.perSecond(keys.length, start);
            };
        }
        return () -> {
            long start = System.nanoTime();
            for (String key : keys) {
                sink += ((Map<?, ?>) store.readUntyped(table, key)).size();
            }
            return Sampler.perSecond(keys.length, start);
        };
    }

    /**
     * One repetition of reading and decoding a whole table, per call.
     *
     * @param store the store
     * @param table the table
     * @param tableSize records in it
     * @return a repetition returning its milliseconds
     */
    public DoubleSupplier scan(KeyValueStore store, String table, int tableSize) {
        return () -> {
            long start = System.nanoTime();
            int count = store.readAll(table);
            double millis = Sampler.millisSince(start);
            if (count != tableSize) {
                throw new IllegalStateException("Read " + count + " records of table " + table + ", expected "
                        + tableSize);
            }
            return millis;
        };
    }

    /**
     * A value derived from everything read, so the JIT cannot drop the reads.
     *
     * @return the accumulated value
     */
    public long sink() {
        return sink;
    }
}
