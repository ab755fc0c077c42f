package dev.pikodb.benchmarks.redis;

import dev.pikodb.benchmarks.LoadAverage;
import dev.pikodb.benchmarks.Profiles;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ObjIntConsumer;
import java.util.stream.Stream;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * PikoDB on Redis against Spring Data Redis's {@code StringRedisTemplate} storing the same JSON on the same
 * server, and against the embedded engine, in one run: sequential writes, point reads, 8 concurrent
 * writers, and a whole-table read of 100,000 records. Each figure is the median of the rounds. With
 * {@code -Dbench.redis.stream=true}, PikoDB on Redis also runs with a change stream (with a listener
 * subscribed), and the run ends with the stream's cost: its write rates against those without it, with
 * the targets (at least 0.80 of the rate without a stream) as PASS or MISS. With
 * {@code -Dbench.redis.only=table}, only the whole-table read is measured (the table is still written).
 *
 * <p>The stores take turns within each round, so that they see the same moments of a shared machine:
 * writes and point reads in blocks of {@value #BLOCK} operations, each block run by every store in
 * turn (the store that starts moves on by one each block), the 8 writers and the whole-table read
 * by every store in turn (the one that starts moves on by one each round). Keys are built before
 * the timing. The targets of PikoDB on Redis against the template are printed as PASS or MISS.
 *
 * <p>Needs a running redis-server: {@code -Dbench.redis=redis://127.0.0.1:6379} (the default). Keys use a
 * fresh prefix per run and are deleted at the end. Run with
 * {@code mvn -B -q -pl benchmarks -am package -DskipTests -Pbench -Dbench.main=dev.pikodb.benchmarks.redis.RedisComparisonMain}.
 */
public final class RedisComparisonMain {

    private static final int WRITES = Integer.getInteger("bench.redis.writes", 20_000);
    private static final int READS = Integer.getInteger("bench.redis.reads", 20_000);
    private static final int WRITERS = 8;
    private static final int WRITES_PER_WRITER = Integer.getInteger("bench.redis.writesPerWriter", 5_000);
    private static final int TABLE_SIZE = Integer.getInteger("bench.redis.tableSize", 100_000);
    private static final int ROUNDS = Integer.getInteger("bench.redis.rounds", 3);
    private static final int BLOCK = 500;
    /** With {@code -Dbench.redis.only=table}, only the whole-table read is measured. */
    private static final boolean TABLE_ONLY = "table".equals(System.getProperty("bench.redis.only"));
    /**
     * With {@code -Dbench.redis.only=writes}, only the sequential writes are measured (new keys in a new
     * table per round, as in the full run), for paired runs of two builds in the same minutes.
     */
    private static final boolean WRITES_ONLY = "writes".equals(System.getProperty("bench.redis.only"));
    private static final String ON_REDIS = "PikoDB on Redis";
    private static final String BASELINE = "StringRedisTemplate";
    private static final String WRITES_PER_S = "writes/s";
    private static final String READS_PER_S = "point reads/s";
    private static final String WRITERS_PER_S = "8 writers, writes/s";
    private static final String TABLE_MS = "read 100k table, ms";

    private final Profiles profiles = new Profiles();
    private final String[] keys = new String[Math.max(Math.max(WRITES, TABLE_SIZE), WRITERS * WRITES_PER_WRITER)];

    private RedisComparisonMain() {
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Profiles.key(i);
        }
    }

    /**
     * Runs the comparison and prints the table.
     *
     * @param args unused; settings are system properties (see the class comment)
     * @throws Exception when a store fails
     */
    public static void main(String[] args) throws Exception {
        URI redis = URI.create(System.getProperty("bench.redis", "redis://127.0.0.1:6379"));
        String prefix = "bench-" + Long.toHexString(System.nanoTime());
        Path directory = Files.createTempDirectory("pikodb-redis-bench-");
        String loadBefore = LoadAverage.all();
        Map<String, Map<String, Double>> results;
        RedisComparisonMain main = new RedisComparisonMain();
        // The change stream's store runs a reader thread from its start, so it is measured only when asked for.
        boolean withStream = Boolean.getBoolean("bench.redis.stream");
        try (ComparedStore template = new ComparedStore.TemplateStore(redis.getHost(), redis.getPort(), prefix + "-tpl");
                ComparedStore onRedis = ComparedStore.PikoDBStore.onRedis(redis.toString(), prefix + "-piko");
                ComparedStore.PikoDBStore streamed = withStream ? ComparedStore.PikoDBStore.onRedisWithChangeStream(
                        redis.toString(), prefix + "-stream") : null;
                ComparedStore embedded = ComparedStore.PikoDBStore.inDirectory(directory);
                ComparedStore floor = Boolean.getBoolean("bench.redis.floor")
                        ? new ScriptFloorStore(redis.toString(), prefix + "-floor", true) : null) {
            List<ComparedStore> stores = new ArrayList<>(List.of(template, onRedis, embedded));
            // -Dbench.redis.embedded=false leaves the embedded store out of the turns (and the table).
            if (!Boolean.parseBoolean(System.getProperty("bench.redis.embedded", "true"))) {
                stores.remove(embedded);
            }
            if (streamed != null) {
                stores.add(2, streamed);
            }
            // -Dbench.redis.floor=true adds the floor of any atomic write script (see ScriptFloorStore).
            if (floor != null) {
                stores.add(2, floor);
            }
            results = main.measure(stores);
            if (streamed != null) {
                System.out.printf(Locale.ROOT, "The change stream's listener received %,d events.%n",
                        streamed.received());
            }
        } finally {
            cleanUp(redis, prefix, directory);
        }
        print(redis, results, loadBefore, LoadAverage.all());
        if (withStream && !TABLE_ONLY && !WRITES_ONLY) {
            printStreamCost(results.get(ON_REDIS), results.get(ON_REDIS + ", change stream"));
        }
    }

    /** The target: with a change stream, writes keep at least this share of their rate without one. */
    private static final double STREAM_TARGET = 0.80;

    private static void printStreamCost(Map<String, Double> without, Map<String, Double> with) {
        System.out.printf(Locale.ROOT, "%n| Change stream cost | without | with | ratio | target | |%n");
        System.out.println("|---|---|---|---|---|---|");
        for (String measure : List.of("writes/s", "8 writers, writes/s")) {
            double ratio = with.get(measure) / without.get(measure);
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %.2f | >= %.2f | %s |%n", measure,
                    without.get(measure), with.get(measure), ratio, STREAM_TARGET,
                    ratio >= STREAM_TARGET ? "PASS" : "MISS");
        }
    }

    private Map<String, Map<String, Double>> measure(List<ComparedStore> stores) throws Exception {
        Map<String, Map<String, List<Double>>> rounds = new LinkedHashMap<>();
        for (ComparedStore store : stores) {
            rounds.put(store.name(), new LinkedHashMap<>());
        }
        for (int round = 0; round < ROUNDS + 1; round++) {
            System.out.printf(Locale.ROOT, "Round %d of %d (the first is a warm-up), load average %s%n", round,
                    ROUNDS, LoadAverage.all());
            String table = "users" + round;
            long[] writeNanos = new long[stores.size()];
            long[] readNanos = new long[stores.size()];
            double[] concurrent = new double[stores.size()];
            if (!TABLE_ONLY) {
                measureOperations(stores, round, table, writeNanos, readNanos, concurrent);
            }
            if (WRITES_ONLY) {
                if (round > 0) {
                    for (int s = 0; s < stores.size(); s++) {
                        rounds.get(stores.get(s).name()).computeIfAbsent(WRITES_PER_S, k -> new ArrayList<>())
                                .add(WRITES / (writeNanos[s] / 1e9));
                    }
                }
                continue;
            }
            String big = "big" + round;
            for (int from = 0; from < TABLE_SIZE; from += BLOCK) {
                for (ComparedStore store : stores) {
                    for (int i = from; i < Math.min(TABLE_SIZE, from + BLOCK); i++) {
                        store.write(big, keys[i], profiles.value(i));
                    }
                }
            }
            double[] wholeMs = new double[stores.size()];
            for (int turn = 0; turn < stores.size(); turn++) {
                int s = (round + turn) % stores.size();
                ComparedStore store = stores.get(s);
                long start = System.nanoTime();
                int count = store.readAll(big);
                wholeMs[s] = (System.nanoTime() - start) / 1e6;
                if (count != TABLE_SIZE) {
                    throw new IllegalStateException(store.name() + " read " + count + " of " + TABLE_SIZE + " records");
                }
            }
            if (round == 0) {
                continue; // warm-up
            }
            for (int s = 0; s < stores.size(); s++) {
                Map<String, List<Double>> of = rounds.get(stores.get(s).name());
                if (!TABLE_ONLY) {
                    of.computeIfAbsent(WRITES_PER_S, k -> new ArrayList<>()).add(WRITES / (writeNanos[s] / 1e9));
                    of.computeIfAbsent(READS_PER_S, k -> new ArrayList<>()).add(READS / (readNanos[s] / 1e9));
                    of.computeIfAbsent(WRITERS_PER_S, k -> new ArrayList<>()).add(concurrent[s]);
                }
                of.computeIfAbsent(TABLE_MS, k -> new ArrayList<>()).add(wholeMs[s]);
            }
        }
        Map<String, Map<String, Double>> medians = new LinkedHashMap<>();
        rounds.forEach((store, measures) -> {
            Map<String, Double> of = new LinkedHashMap<>();
            measures.forEach((name, values) -> of.put(name, median(values)));
            medians.put(store, of);
        });
        return medians;
    }

    private void measureOperations(List<ComparedStore> stores, int round, String table, long[] writeNanos,
            long[] readNanos, double[] concurrent) throws Exception {
        inTurns(stores, WRITES, writeNanos, (store, i) -> store.write(table, keys[i], profiles.value(i)));
        if (WRITES_ONLY) {
            return;
        }
        int[] picks = new SplittableRandom(round).ints(READS, 0, WRITES).toArray();
        inTurns(stores, READS, readNanos, (store, i) -> {
            if (store.read(table, keys[picks[i]]) == null) {
                throw new IllegalStateException(store.name() + " lost a record");
            }
        });
        for (int turn = 0; turn < stores.size(); turn++) {
            int s = (round + turn) % stores.size();
            concurrent[s] = concurrentWrites(stores.get(s), "writers" + round);
        }
    }

    /**
     * Runs operations {@code 0..count-1} in blocks of {@value #BLOCK}, each block by every store in turn
     * (the store that starts moves on by one each block), adding each store's time to {@code nanos}.
     */
    private static void inTurns(List<ComparedStore> stores, int count, long[] nanos,
            ObjIntConsumer<ComparedStore> operation) {
        for (int from = 0, block = 0; from < count; from += BLOCK, block++) {
            int to = Math.min(count, from + BLOCK);
            for (int turn = 0; turn < stores.size(); turn++) {
                int s = (block + turn) % stores.size();
                ComparedStore store = stores.get(s);
                long start = System.nanoTime();
                for (int i = from; i < to; i++) {
                    operation.accept(store, i);
                }
                nanos[s] += System.nanoTime() - start;
            }
        }
    }

    private double concurrentWrites(ComparedStore store, String table) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Callable<Void>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(() -> {
                    for (int i = 0; i < WRITES_PER_WRITER; i++) {
                        store.write(table, keys[writer * WRITES_PER_WRITER + i], profiles.value(i));
                    }
                    return null;
                });
            }
            long start = System.nanoTime();
            for (Future<Void> done : pool.invokeAll(writers)) {
                done.get();
            }
            return WRITERS * (double) WRITES_PER_WRITER / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static void print(URI redis, Map<String, Map<String, Double>> results, String loadBefore,
            String loadAfter) {
        Map<String, Double> baseline = results.get(BASELINE);
        System.out.printf(Locale.ROOT, "%nRedis %s; %d writes, %d point reads, %d writers x %d writes, table of %d;"
                + " median of %d rounds after one warm-up, stores taking turns (JVM %s, %d CPUs;"
                + " load average %s before, %s after)%n%n", redis, WRITES, READS, WRITERS,
                WRITES_PER_WRITER, TABLE_SIZE, ROUNDS, System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter);
        List<String> stores = new ArrayList<>(results.keySet());
        StringBuilder header = new StringBuilder("| Measure |");
        stores.forEach(store -> header.append(' ').append(store).append(" |"));
        System.out.println(header);
        System.out.println("|---" + "|---".repeat(stores.size()) + "|");
        for (String measure : baseline.keySet()) {
            StringBuilder row = new StringBuilder("| " + measure + " |");
            for (String store : stores) {
                double value = results.get(store).get(measure);
                double ratio = value / baseline.get(measure);
                row.append(String.format(Locale.ROOT, " %,.0f (%.2fx) |", value, ratio));
            }
            System.out.println(row);
        }
        System.out.println("\nRatios are against StringRedisTemplate on the same server; for ms lower is better.");
        Map<String, Double> onRedis = results.get(ON_REDIS);
        System.out.println("\nTargets of PikoDB on Redis against StringRedisTemplate:");
        if (!TABLE_ONLY) {
            target("writes/s at least 0.80x", onRedis.get(WRITES_PER_S) / baseline.get(WRITES_PER_S), 0.80, true);
            if (WRITES_ONLY) {
                return;
            }
            target("point reads/s at least 0.90x", onRedis.get(READS_PER_S) / baseline.get(READS_PER_S), 0.90, true);
        }
        target("read 100k table, time at most 1.00x", onRedis.get(TABLE_MS) / baseline.get(TABLE_MS), 1.00, false);
    }

    private static void target(String name, double ratio, double bound, boolean atLeast) {
        boolean met = atLeast ? ratio >= bound : ratio <= bound;
        System.out.printf(Locale.ROOT, "  %s %-38s measured %.2fx%n", met ? "PASS" : "MISS", name, ratio);
    }

    /** Deletes every key of this run (both prefixes) and the embedded store's directory. */
    private static void cleanUp(URI redis, String prefix, Path directory) throws IOException {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(redis.getHost(), redis.getPort()));
        factory.afterPropertiesSet();
        factory.start();
        try {
            StringRedisTemplate template = new StringRedisTemplate(factory);
            Set<String> keys = template.keys("*" + prefix + "*");
            if (keys != null && !keys.isEmpty()) {
                template.delete(keys);
            }
        } finally {
            factory.destroy();
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
