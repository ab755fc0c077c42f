package dev.pikodb.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.Dictionary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every method is safe from many threads; no write is lost; per-key versions follow commit order. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class ConcurrencyContract extends ContractSupport {

    private static final Logger log = LoggerFactory.getLogger(ConcurrencyContract.class);

    /**
     * The seed of the random operations, logged, and named in a failure; a run's operations are
     * replayed with {@code -Dpikodb.concurrency.seed=...} (the threads' interleaving is the machine's).
     */
    private static long seed() {
        return Long.getLong("pikodb.concurrency.seed", System.nanoTime());
    }

    private final ExecutorService pool = Executors.newFixedThreadPool(12);

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    /** Runs the tasks together, released by one gate, and returns their results in order. */
    private <T> List<T> runTogether(List<Callable<T>> tasks) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> task : tasks) {
            futures.add(pool.submit(() -> {
                gate.await();
                return task.call();
            }));
        }
        gate.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get(100, TimeUnit.SECONDS));
        }
        return results;
    }

    private void sameKeyWritesAreNeverLost(int threads, int writesPerThread) throws Exception {
        List<Callable<List<Long>>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            tasks.add(() -> {
                List<Long> versions = new ArrayList<>(writesPerThread);
                for (int i = 0; i < writesPerThread; i++) {
                    versions.add(db.write("counter", "same", map("thread", thread, "i", i)));
                }
                return versions;
            });
        }

        List<List<Long>> results = runTogether(tasks);

        long total = (long) threads * writesPerThread;
        for (List<Long> versions : results) {
            for (int i = 1; i < versions.size(); i++) {
                assertThat(versions.get(i)).as("versions seen by one thread increase").isGreaterThan(versions.get(i - 1));
            }
        }
        List<Long> all = results.stream().flatMap(List::stream).sorted().collect(Collectors.toList());
        assertThat(all).as("every version from 1 to %d returned exactly once", total)
                .isEqualTo(LongStream.rangeClosed(1, total).boxed().collect(Collectors.toList()));
        assertThat(db.getRecord("counter", "same").orElseThrow().version()).isEqualTo(total);

        reopen();
        assertThat(db.getRecord("counter", "same").orElseThrow().version()).isEqualTo(total);
        assertThat(db.write("counter", "same", "next")).isEqualTo(total + 1);
    }

    @Test
    void eightThreadsWritingOneKeyEndAtVersion4000() throws Exception {
        sameKeyWritesAreNeverLost(8, 500);
    }

    @Test
    void durableWritesToOneKeyAreNeverLost() throws Exception {
        reopen(b -> b.durableWrites(true));
        sameKeyWritesAreNeverLost(4, 50);
    }

    @Test
    void manyThreadsWritingDistinctKeysOfOneTableLoseNothing() throws Exception {
        int threads = 8;
        int keysPerThread = 250;
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            tasks.add(() -> {
                for (int i = 0; i < keysPerThread; i++) {
                    assertThat(db.write("shared", thread + "-" + i, map("thread", thread, "i", i))).isEqualTo(1);
                }
                return null;
            });
        }

        runTogether(tasks);

        assertThat(db.getTableSize("shared")).isEqualTo(threads * keysPerThread);
        reopen();
        Map<String, Object> all = asMap(db.get("shared"));
        assertThat(all).hasSize(threads * keysPerThread);
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < keysPerThread; i++) {
                assertThat(all.get(t + "-" + i)).isEqualTo(map("thread", t, "i", i));
            }
        }
    }

    @Test
    void manyThreadsWritingManyTablesLoseNothing() throws Exception {
        int threads = 8;
        int tables = 16;
        int writesPerThread = 200;
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            tasks.add(() -> {
                for (int i = 0; i < writesPerThread; i++) {
                    db.write("table" + (i % tables), "t" + thread + "-" + i, i);
                    if (i % 10 == 0) {
                        db.write("common", "counter", i);
                    }
                }
                return null;
            });
        }

        runTogether(tasks);

        assertThat(db.listTables()).hasSize(tables + 1);
        int total = 0;
        for (int i = 0; i < tables; i++) {
            total += db.getTableSize("table" + i);
        }
        assertThat(total).isEqualTo(threads * writesPerThread);
        assertThat(db.getRecord("common", "counter").orElseThrow().version()).isEqualTo(threads * (writesPerThread / 10));
        reopen();
        int reloaded = 0;
        for (int i = 0; i < tables; i++) {
            reloaded += db.getTableSize("table" + i);
        }
        assertThat(reloaded).isEqualTo(threads * writesPerThread);
    }

    @Test
    void concurrentCompareAndWriteHasExactlyOneWinnerPerVersion() throws Exception {
        int threads = 8;
        int incrementsPerThread = 100;
        List<Callable<List<Long>>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            tasks.add(() -> {
                List<Long> won = new ArrayList<>();
                while (won.size() < incrementsPerThread) {
                    Optional<DatabaseRecord> current = db.getRecord("cas", "counter");
                    long expected = current.map(DatabaseRecord::version).orElse(0L);
                    int value = current.map(r -> ((Number) r.value()).intValue()).orElse(0);
                    if (db.compareAndWrite("cas", "counter", expected, value + 1)) {
                        won.add(expected + 1);
                    }
                }
                return won;
            });
        }

        List<List<Long>> results = runTogether(tasks);

        int total = threads * incrementsPerThread;
        List<Long> winners = results.stream().flatMap(List::stream).sorted().collect(Collectors.toList());
        assertThat(winners).as("each version won by exactly one writer")
                .isEqualTo(LongStream.rangeClosed(1, total).boxed().collect(Collectors.toList()));
        DatabaseRecord last = db.getRecord("cas", "counter").orElseThrow();
        assertThat(last.version()).isEqualTo(total);
        assertThat(last.value()).as("no increment lost").isEqualTo(total);
        reopen();
        assertThat(db.get("cas", "counter")).isEqualTo(total);
    }

    @Test
    void concurrentCreateWithExpectedZeroHasOneWinner() throws Exception {
        List<Callable<Boolean>> tasks = new ArrayList<>();
        for (int t = 0; t < 12; t++) {
            int thread = t;
            tasks.add(() -> db.compareAndWrite("claims", "resource", 0, "owner-" + thread));
        }

        List<Boolean> results = runTogether(tasks);

        assertThat(results).containsOnlyOnce(true);
        int winner = results.indexOf(true);
        assertThat(db.get("claims", "resource")).isEqualTo("owner-" + winner);
        assertThat(db.getRecord("claims", "resource").orElseThrow().version()).isEqualTo(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void readersNeverSeeTornValues() throws Exception {
        int writers = 4;
        int writesPerWriter = 300;
        db.write("docs", "doc", consistentValue(0));
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            tasks.add(() -> {
                try {
                    for (int i = 1; i <= writesPerWriter; i++) {
                        db.write("docs", "doc", consistentValue(writer * 1000 + i));
                        db.write("docs", "doc-" + writer, consistentValue(i));
                    }
                } finally {
                    done.set(true);
                }
                return null;
            });
        }
        for (int r = 0; r < 4; r++) {
            tasks.add(() -> {
                long lastVersion = 0;
                while (!done.get() || reads.get() < 100) {
                    assertConsistent((Map<String, Object>) db.get("docs", "doc"));
                    DatabaseRecord record = db.getRecord("docs", "doc").orElseThrow();
                    assertConsistent((Map<String, Object>) record.value());
                    assertThat(record.version()).as("a reader never sees the version go back")
                            .isGreaterThanOrEqualTo(lastVersion);
                    lastVersion = record.version();
                    for (Map.Entry<String, Object> entry : db.get("docs")) {
                        assertConsistent((Map<String, Object>) entry.getValue());
                    }
                    assertThat(db.getTableSize("docs")).isBetween(1, writers + 1);
                    reads.incrementAndGet();
                }
                return null;
            });
        }

        runTogether(tasks);

        assertThat(reads.get()).isGreaterThanOrEqualTo(100);
        assertThat(db.getRecord("docs", "doc").orElseThrow().version()).isEqualTo(1 + writers * writesPerWriter);
    }

    private static Map<String, Object> consistentValue(int n) {
        List<Integer> list = new ArrayList<>(Collections.nCopies(n % 50, n));
        return map("n", n, "copy", n, "text", "v" + n, "list", list);
    }

    private static void assertConsistent(Map<String, Object> value) {
        assertThat(value).isNotNull();
        int n = (Integer) value.get("n");
        assertThat(value.get("copy")).isEqualTo(n);
        assertThat(value.get("text")).isEqualTo("v" + n);
        assertThat(value.get("list")).isEqualTo(Collections.nCopies(n % 50, n));
    }

    @Test
    void mixedOperationsFromManyThreadsMatchTheReloadedState() throws Exception {
        long seed = seed();
        log.info("Mixed operations from many threads on {}: seed {} (rerun with -Dpikodb.concurrency.seed={})",
                getClass().getSimpleName(), seed, seed);
        try {
            mixedOperations(seed);
        } catch (AssertionError | Exception e) {
            throw new AssertionError("Mixed operations failed with seed " + seed + " (rerun with"
                    + " -Dpikodb.concurrency.seed=" + seed + "): " + e, e);
        }
    }

    private void mixedOperations(long seed) throws Exception {
        int threads = 8;
        List<Callable<Map<String, Integer>>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            tasks.add(() -> {
                Map<String, Integer> expected = new HashMap<>();
                Random random = new Random(seed + thread);
                for (int i = 0; i < 400; i++) {
                    String key = "t" + thread + "-k" + random.nextInt(20);
                    switch (random.nextInt(4)) {
                        case 0 -> {
                            boolean deleted = db.delete("mixed", key);
                            assertThat(deleted).isEqualTo(expected.containsKey(key));
                            expected.remove(key);
                        }
                        case 1 -> assertThat(db.get("mixed", key)).isEqualTo(expected.get(key));
                        default -> {
                            db.write("mixed", key, i);
                            expected.put(key, i);
                        }
                    }
                    if (i % 100 == 0) {
                        db.getTableSize("mixed");
                        db.cleanupAllExpired();
                        db.listTables();
                    }
                }
                return expected;
            });
        }

        List<Map<String, Integer>> results = runTogether(tasks);

        Map<String, Object> expectedAll = new HashMap<>();
        results.forEach(expectedAll::putAll);
        assertThat(asMap(db.get("mixed"))).isEqualTo(expectedAll);
        reopen();
        assertThat(asMap(db.get("mixed"))).isEqualTo(expectedAll);
    }

    @Test
    void concurrentFlushesAndWritesKeepEverything() throws Exception {
        Map<String, Integer> written = new ConcurrentHashMap<>();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int thread = t;
            tasks.add(() -> {
                for (int i = 0; i < 300; i++) {
                    db.write("flushing" + (i % 3), thread + "-" + i, i);
                    written.put((i % 3) + "/" + thread + "-" + i, i);
                }
                return null;
            });
        }
        tasks.add(() -> {
            for (int i = 0; i < 30; i++) {
                db.flush();
            }
            return null;
        });

        runTogether(tasks);

        reopen();
        int count = 0;
        for (int table = 0; table < 3; table++) {
            Map<String, Object> all = asMap(db.get("flushing" + table));
            count += all.size();
            for (Map.Entry<String, Object> entry : all.entrySet()) {
                assertThat(written.get(table + "/" + entry.getKey())).isEqualTo(entry.getValue());
            }
        }
        assertThat(count).isEqualTo(written.size());
    }

    @Test
    void concurrentDictionaryWritesAndRegistrations() throws Exception {
        db.addDictionary("base", Dictionary.deflate(Map.of("sensor", "s")));
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int thread = t;
            tasks.add(() -> {
                db.addDictionary("d" + thread, Dictionary.deflate(Map.of("value", "v" + thread)));
                for (int i = 0; i < 100; i++) {
                    db.write("dict", thread + "-" + i, map("sensor", "x", "value", i), null, i % 2 == 0 ? "base" : "d" + thread);
                }
                return null;
            });
        }

        runTogether(tasks);

        reopen();
        assertThat(db.getTableSize("dict")).isEqualTo(600);
        for (int t = 0; t < 6; t++) {
            for (int i = 0; i < 100; i++) {
                assertThat(db.get("dict", t + "-" + i)).isEqualTo(map("sensor", "x", "value", i));
            }
        }
    }
}
