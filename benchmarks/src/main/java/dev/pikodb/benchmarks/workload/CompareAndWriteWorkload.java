package dev.pikodb.benchmarks.workload;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Directories;
import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.Sampler;
import dev.pikodb.benchmarks.store.StoreKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * W12: the optimistic-locking loop an application runs, in the durable mode: several threads each
 * increment one shared counter a number of times by reading it with its version and writing it back
 * only if the version is unchanged, retrying otherwise. Reports increments per second and attempts
 * per successful increment. PikoDB uses {@code getRecord} and {@code compareAndWrite}; SQLite
 * ({@code synchronous=FULL}, one connection under a lock, as in the other workloads) uses
 * {@code SELECT n, version} and {@code UPDATE ... WHERE version = ?}.
 */
public final class CompareAndWriteWorkload {

    private static final String TABLE = "counters";
    private static final String KEY = "counter";

    private final BenchConfig config;
    private final Map<StoreKind, List<Double>> attempts = new ConcurrentHashMap<>();

    /** One store's read and conditional write of the counter. */
    private interface Counter extends AutoCloseable {
        /** @return {value, version} */
        long[] read();

        /** @return whether the version was still {@code version} and the value is now {@code value} */
        boolean writeIf(long version, long value);

        @Override
        void close();
    }

    /**
     * Creates the workload.
     *
     * @param config the run's configuration
     */
    public CompareAndWriteWorkload(BenchConfig config) {
        this.config = config;
    }

    /**
     * Row name of W12's throughput.
     *
     * @return the row name
     */
    public String name() {
        return String.format(Locale.ROOT, "W12 durable read+CAS, %d thr x %d inc", config.sizes().casThreads(),
                config.sizes().casIncrementsPerThread());
    }

    /**
     * Row name of W12's attempts per increment.
     *
     * @return the row name
     */
    public String attemptsName() {
        return "W12 attempts per increment";
    }

    /**
     * One repetition per call, each on a fresh counter in its own directory.
     *
     * @param kind {@link StoreKind#PIKODB} or {@link StoreKind#SQLITE}
     * @param root where to create the directories
     * @return a repetition returning increments per second
     */
    public DoubleSupplier repetition(StoreKind kind, Path root) {
        int[] round = {0};
        List<Double> perIncrement = attempts.computeIfAbsent(kind, k -> new ArrayList<>());
        return () -> {
            Path directory = root.resolve("cas-" + kind.name().toLowerCase(Locale.ROOT) + "-" + round[0]++);
            try (Counter counter = open(kind, directory)) {
                int threads = config.sizes().casThreads();
                int increments = config.sizes().casIncrementsPerThread();
                AtomicLong tries = new AtomicLong();
                long start = System.nanoTime();
                runThreads(counter, threads, increments, tries);
                double perSecond = Sampler.perSecond((long) threads * increments, start);
                long total = counter.read()[0];
                if (total != (long) threads * increments) {
                    throw new IllegalStateException(kind.label(true) + " counted " + total + " in " + directory
                            + ", expected " + (long) threads * increments + ": an increment was lost");
                }
                perIncrement.add(tries.get() / (double) total);
                return perSecond;
            } finally {
                Directories.delete(directory);
            }
        };
    }

    /**
     * The attempts per successful increment of each measured repetition of a store.
     *
     * @param kind the store
     * @return one value per measured repetition (the warm-ups left out)
     */
    public double[] attemptsPerIncrement(StoreKind kind) {
        List<Double> all = attempts.getOrDefault(kind, List.of());
        return all.subList(Math.min(config.warmups(), all.size()), all.size()).stream()
                .mapToDouble(Double::doubleValue).toArray();
    }

    private static void runThreads(Counter counter, int threads, int increments, AtomicLong tries) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < increments; i++) {
                        boolean done = false;
                        while (!done) {
                            tries.incrementAndGet();
                            long[] current = counter.read();
                            done = counter.writeIf(current[1], current[0] + 1);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the incrementing threads", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("An incrementing thread failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Counter open(StoreKind kind, Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + directory, e);
        }
        return switch (kind) {
            case PIKODB -> pikodb(directory);
            case SQLITE -> sqlite(directory);
            case MVSTORE -> throw new IllegalArgumentException("W12 compares PikoDB with SQLite only");
        };
    }

    private static Counter pikodb(Path directory) {
        PikoDB db = Profiles.startPikoDB(directory, true);
        db.write(TABLE, KEY, Map.of("n", 0));
        return new Counter() {
            @Override
            public long[] read() {
                DatabaseRecord record = db.getRecord(TABLE, KEY).orElseThrow(() ->
                        new IllegalStateException("The counter vanished from table " + TABLE + " in " + directory));
                return new long[] {((Number) ((Map<?, ?>) record.value()).get("n")).longValue(), record.version()};
            }

            @Override
            public boolean writeIf(long version, long value) {
                return db.compareAndWrite(TABLE, KEY, version, Map.of("n", value));
            }

            @Override
            public void close() {
                db.close();
            }
        };
    }

    private static Counter sqlite(Path directory) {
        try {
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("cas.sqlite"));
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=FULL");
                statement.execute("CREATE TABLE counters (k TEXT PRIMARY KEY, n INTEGER, version INTEGER)");
                statement.execute("INSERT INTO counters VALUES ('" + KEY + "', 0, 1)");
            }
            PreparedStatement select = connection.prepareStatement("SELECT n, version FROM counters WHERE k = ?");
            PreparedStatement update = connection.prepareStatement(
                    "UPDATE counters SET n = ?, version = version + 1 WHERE k = ? AND version = ?");
            return new Counter() {
                @Override
                public synchronized long[] read() {
                    try {
                        select.setString(1, KEY);
                        try (ResultSet row = select.executeQuery()) {
                            row.next();
                            return new long[] {row.getLong(1), row.getLong(2)};
                        }
                    } catch (SQLException e) {
                        throw new IllegalStateException("SQLite could not read the counter in " + directory, e);
                    }
                }

                @Override
                public synchronized boolean writeIf(long version, long value) {
                    try {
                        update.setLong(1, value);
                        update.setString(2, KEY);
                        update.setLong(3, version);
                        return update.executeUpdate() == 1;
                    } catch (SQLException e) {
                        throw new IllegalStateException("SQLite could not update the counter in " + directory, e);
                    }
                }

                @Override
                public synchronized void close() {
                    try {
                        select.close();
                        update.close();
                        connection.close();
                    } catch (SQLException e) {
                        throw new IllegalStateException("SQLite could not close " + directory, e);
                    }
                }
            };
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot open SQLite in " + directory + ": " + e.getMessage(), e);
        }
    }
}
