package dev.pikodb.benchmarks.workload;

import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.Sampler;
import dev.pikodb.benchmarks.store.KeyValueStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.DoubleSupplier;

/**
 * W1 and W2: one writer, first new keys then overwrites, into a table pre-filled to a given size
 * (the new keys are deleted again after each repetition, unmeasured, so the size stays put).
 * W6: several writers overwriting disjoint keys of one table at the same time.
 */
public final class WriteWorkloads {

    private final BenchConfig config;
    private final Profiles profiles;

    /**
     * Creates the write workloads.
     *
     * @param config the run's configuration
     * @param profiles the values to write
     */
    public WriteWorkloads(BenchConfig config, Profiles profiles) {
        this.config = config;
        this.profiles = profiles;
    }

    /**
     * The row name of W1 (default mode) or W2 (durable mode).
     *
     * @param durable the mode
     * @param tableSize records in the table
     * @return the row name
     */
    public static String sequentialName(boolean durable, int tableSize) {
        return String.format(Locale.ROOT, "%s write, %,d-rec table", durable ? "W2 durable" : "W1", tableSize);
    }

    /**
     * The row name of W6.
     *
     * @param durable the mode
     * @param threads writer threads
     * @return the row name
     */
    public static String concurrentName(boolean durable, int threads) {
        return String.format(Locale.ROOT, "W6 %d writers%s, 1,000-rec", threads, durable ? " durable" : "");
    }

    /**
     * One repetition of single-writer throughput on a pre-filled table, per call.
     *
     * @param store the store, open in the mode to measure
     * @param durable the mode (decides W1 or W2 and the number of writes)
     * @param table the table
     * @param tableSize records already in it
     * @return a repetition returning writes per second
     */
    public DoubleSupplier sequential(KeyValueStore store, boolean durable, String table, int tableSize) {
        return sequential(store, table, tableSize, durable ? config.durableWrites() : config.sequentialWrites());
    }

    /**
     * One repetition of single-writer throughput on a pre-filled table, of a given number of writes.
     *
     * @param store the store
     * @param table the table
     * @param tableSize records already in it
     * @param writes writes per repetition (half new keys, half overwrites)
     * @return a repetition returning writes per second
     */
    public DoubleSupplier sequential(KeyValueStore store, String table, int tableSize, int writes) {
        int[] round = {0};
        return () -> sequentialRound(store, table, tableSize, writes, round[0]++);
    }

    private double sequentialRound(KeyValueStore store, String table, int tableSize, int writes, int r) {
        int inserts = writes / 2;
        List<String> newKeys = new ArrayList<>(inserts);
        for (int i = 0; i < inserts; i++) {
            newKeys.add(Profiles.key(tableSize + i));
        }
        String[] overwriteKeys = new String[writes - inserts];
        for (int i = 0; i < overwriteKeys.length; i++) {
            overwriteKeys[i] = Profiles.key((r * overwriteKeys.length + i) % tableSize);
        }
        int valueBase = r * writes;
        long start = System.nanoTime();
        for (int i = 0; i < inserts; i++) {
            store.write(table, newKeys.get(i), profiles.value(valueBase + i));
        }
        for (int i = 0; i < overwriteKeys.length; i++) {
            store.write(table, overwriteKeys[i], profiles.value(valueBase + inserts + i));
        }
        double opsPerSecond = Sampler.perSecond(writes, start);
        store.deleteAll(table, newKeys);
        return opsPerSecond;
    }

    /**
     * One repetition of {@code config.threads()} writers overwriting their own share of a table's
     * keys at the same time, per call.
     *
     * @param store the store, open in the mode to measure
     * @param durable the mode
     * @param table the table
     * @param tableSize records in it
     * @return a repetition returning the writers' combined writes per second
     */
    public DoubleSupplier concurrent(KeyValueStore store, boolean durable, String table, int tableSize) {
        int perThread = durable ? config.concurrentDurableWritesPerThread() : config.concurrentWritesPerThread();
        int[] round = {0};
        return () -> {
            ExecutorService pool = Executors.newFixedThreadPool(config.threads());
            try {
                return concurrentRound(pool, store, table, tableSize, config.threads(), perThread, round[0]++);
            } finally {
                pool.shutdownNow();
            }
        };
    }

    private double concurrentRound(ExecutorService pool, KeyValueStore store, String table, int tableSize,
                                   int threads, int perThread, int r) {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                String[] keys = new String[perThread];
                for (int i = 0; i < perThread; i++) {
                    keys[i] = Profiles.key((thread + threads * (i + r * perThread)) % tableSize);
                }
                ready.countDown();
                go.await();
                for (int i = 0; i < perThread; i++) {
                    store.write(table, keys[i], profiles.value(r * 7919 + thread * perThread + i));
                }
                return null;
            }));
        }
        try {
            ready.await();
            long start = System.nanoTime();
            go.countDown();
            for (Future<?> future : futures) {
                future.get();
            }
            return Sampler.perSecond((long) threads * perThread, start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the writers", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("A writer failed: " + e.getCause(), e.getCause());
        }
    }
}
