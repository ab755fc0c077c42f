package dev.pikodb.benchmarks.redis;

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
import java.util.stream.Stream;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * PikoDB on Redis against Spring Data Redis's {@code StringRedisTemplate} storing the same JSON on the same
 * server, and against the embedded engine, in one run: sequential writes, point reads, 8 concurrent
 * writers, and a whole-table read of 100,000 records. Each figure is the median of the rounds. PikoDB on
 * Redis runs twice, without and with a change stream (with a listener subscribed), and the run ends
 * with the stream's cost: its write rates against those without it, with the targets (at least 0.80
 * of the rate without a stream) as PASS or MISS.
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

    private final Profiles profiles = new Profiles();

    private RedisComparisonMain() {
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
        Map<String, Map<String, Double>> results = new LinkedHashMap<>();
        RedisComparisonMain main = new RedisComparisonMain();
        try (ComparedStore template = new ComparedStore.TemplateStore(redis.getHost(), redis.getPort(), prefix + "-tpl");
                ComparedStore onRedis = ComparedStore.PikoDBStore.onRedis(redis.toString(), prefix + "-piko");
                ComparedStore.PikoDBStore streamed = ComparedStore.PikoDBStore.onRedisWithChangeStream(
                        redis.toString(), prefix + "-stream");
                ComparedStore embedded = ComparedStore.PikoDBStore.inDirectory(directory)) {
            for (ComparedStore store : List.of(template, onRedis, streamed, embedded)) {
                System.out.printf(Locale.ROOT, "Measuring %s...%n", store.name());
                results.put(store.name(), main.measure(store));
            }
            System.out.printf(Locale.ROOT, "The change stream's listener received %,d events.%n", streamed.received());
        } finally {
            cleanUp(redis, prefix, directory);
        }
        print(redis, results);
        printStreamCost(results.get("PikoDB on Redis"), results.get("PikoDB on Redis, change stream"));
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

    private Map<String, Double> measure(ComparedStore store) throws Exception {
        Map<String, List<Double>> rounds = new LinkedHashMap<>();
        for (int round = 0; round < ROUNDS + 1; round++) {
            String table = "users" + round;
            double writes = opsPerSecond(WRITES, () -> {
                for (int i = 0; i < WRITES; i++) {
                    store.write(table, Profiles.key(i), profiles.value(i));
                }
            });
            SplittableRandom random = new SplittableRandom(round);
            double reads = opsPerSecond(READS, () -> {
                for (int i = 0; i < READS; i++) {
                    if (store.read(table, Profiles.key(random.nextInt(WRITES))) == null) {
                        throw new IllegalStateException(store.name() + " lost a record");
                    }
                }
            });
            double concurrent = concurrentWrites(store, "writers" + round);
            String big = "big" + round;
            for (int i = 0; i < TABLE_SIZE; i++) {
                store.write(big, Profiles.key(i), profiles.value(i));
            }
            long start = System.nanoTime();
            int count = store.readAll(big);
            double wholeMs = (System.nanoTime() - start) / 1e6;
            if (count != TABLE_SIZE) {
                throw new IllegalStateException(store.name() + " read " + count + " of " + TABLE_SIZE + " records");
            }
            if (round == 0) {
                continue; // warm-up
            }
            rounds.computeIfAbsent("writes/s", k -> new ArrayList<>()).add(writes);
            rounds.computeIfAbsent("point reads/s", k -> new ArrayList<>()).add(reads);
            rounds.computeIfAbsent("8 writers, writes/s", k -> new ArrayList<>()).add(concurrent);
            rounds.computeIfAbsent("read 100k table, ms", k -> new ArrayList<>()).add(wholeMs);
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        rounds.forEach((name, values) -> medians.put(name, median(values)));
        return medians;
    }

    private double concurrentWrites(ComparedStore store, String table) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Callable<Void>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(() -> {
                    for (int i = 0; i < WRITES_PER_WRITER; i++) {
                        store.write(table, Profiles.key(writer * WRITES_PER_WRITER + i), profiles.value(i));
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

    private static double opsPerSecond(int operations, Runnable work) {
        long start = System.nanoTime();
        work.run();
        return operations / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static void print(URI redis, Map<String, Map<String, Double>> results) {
        Map<String, Double> baseline = results.get("StringRedisTemplate");
        System.out.printf(Locale.ROOT, "%nRedis %s; %d writes, %d point reads, %d writers x %d writes, table of %d;"
                + " median of %d rounds after one warm-up (JVM %s, %d CPUs)%n%n", redis, WRITES, READS, WRITERS,
                WRITES_PER_WRITER, TABLE_SIZE, ROUNDS, System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
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
