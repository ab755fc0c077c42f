package dev.pikodb.benchmarks.workload;

import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.Sampler;
import dev.pikodb.benchmarks.store.KeyValueStore;
import dev.pikodb.benchmarks.store.StoreKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.HdrHistogram.Histogram;

/**
 * W11: several threads on one table at the same time, each choosing at random, operation by
 * operation, a point read (90%, untyped) or an overwrite of an existing key (10%, default mode).
 * Reports the combined throughput and, from the same repetitions, the 99th percentile of the reads.
 */
public final class MixedWorkload {

    private final BenchConfig config;
    private final Profiles profiles;
    private final Map<StoreKind, List<Double>> readP99 = new ConcurrentHashMap<>();
    private long sink;

    /**
     * Creates the workload.
     *
     * @param config the run's configuration
     * @param profiles the values to write
     */
    public MixedWorkload(BenchConfig config, Profiles profiles) {
        this.config = config;
        this.profiles = profiles;
    }

    /**
     * Row name of W11's throughput.
     *
     * @param tableSize records in the table
     * @return the row name
     */
    public String name(int tableSize) {
        return String.format(Locale.ROOT, "W11 %d threads 90%% get/10%% write, %,d-rec", config.sizes().mixedThreads(),
                tableSize);
    }

    /**
     * Row name of W11's read latency.
     *
     * @param tableSize records in the table
     * @return the row name
     */
    public String readLatencyName(int tableSize) {
        return String.format(Locale.ROOT, "W11 p99 get latency, %,d-rec", tableSize);
    }

    /**
     * One repetition per call.
     *
     * @param kind the store (its reads' p99 is kept for {@link #readP99})
     * @param store the store, open in the default mode
     * @param table the table
     * @param tableSize records in it
     * @return a repetition returning operations per second, all threads together
     */
    public DoubleSupplier repetition(StoreKind kind, KeyValueStore store, String table, int tableSize) {
        int[] round = {0};
        List<Double> p99 = readP99.computeIfAbsent(kind, k -> new ArrayList<>());
        return () -> {
            int threads = config.sizes().mixedThreads();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                Histogram reads = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
                double perSecond = run(pool, store, table, tableSize, threads, round[0]++, reads);
                p99.add(reads.getValueAtPercentile(99) / 1e3);
                return perSecond;
            } finally {
                pool.shutdownNow();
            }
        };
    }

    /**
     * The reads' 99th percentile of each measured repetition of a store, in microseconds.
     *
     * @param kind the store
     * @return one value per measured repetition (the warm-ups left out)
     */
    public double[] readP99(StoreKind kind) {
        List<Double> all = readP99.getOrDefault(kind, List.of());
        return all.subList(Math.min(config.warmups(), all.size()), all.size()).stream()
                .mapToDouble(Double::doubleValue).toArray();
    }

    private double run(ExecutorService pool, KeyValueStore store, String table, int tableSize, int threads, int r,
                       Histogram reads) {
        int operations = config.sizes().mixedOperationsPerThread();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Histogram>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                SplittableRandom random = new SplittableRandom(r * 1_000L + thread);
                Histogram own = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
                long local = 0;
                ready.countDown();
                go.await();
                for (int i = 0; i < operations; i++) {
                    String key = Profiles.key(random.nextInt(tableSize));
                    if (random.nextInt(10) == 0) {
                        store.write(table, key, profiles.value(random.nextInt()));
                    } else {
                        long start = System.nanoTime();
                        local += ((Map<?, ?>) store.readUntyped(table, key)).size();
                        own.recordValue(Math.min(System.nanoTime() - start, own.getHighestTrackableValue()));
                    }
                }
                synchronized (this) {
                    sink += local;
                }
                return own;
            }));
        }
        try {
            ready.await();
            long start = System.nanoTime();
            go.countDown();
            for (Future<Histogram> future : futures) {
                reads.add(future.get());
            }
            return Sampler.perSecond((long) threads * operations, start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the mixed workload's threads", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("A thread of the mixed workload failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * A value derived from everything read, so the JIT cannot drop the reads.
     *
     * @return the accumulated value
     */
    public synchronized long sink() {
        return sink;
    }
}
