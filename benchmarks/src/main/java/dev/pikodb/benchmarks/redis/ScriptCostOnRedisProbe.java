package dev.pikodb.benchmarks.redis;

import dev.pikodb.benchmarks.LoadAverage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the scripting machinery of the server costs per call, apart from the client: the server's CPU
 * ({@code INFO cpu}, its {@code getrusage}) per call of a bare {@code HSET} and of script variants that
 * build up to what PikoDB's write does on Redis: an {@code EVALSHA} that only returns 1 (with the
 * write's four keys and four arguments, and with one key and one argument), one that calls
 * {@code HSET}, {@code HSET} twice, {@code HMGET} then {@code HSET}, and that plus the {@code ZADD} of
 * a new key's key member, PikoDB's write script itself (plain writes: four arguments), that floor with the two keys it uses only (records and index entries) instead of
 * the bucket's four; and the last again with a {@code #!lua flags=...} header (Redis 7 script
 * flags, which change the checks the server makes before a script runs) and after a
 * {@code redis.replicate_commands()} call. The variants take turns in blocks of 2,000 calls, on keys
 * spread over 16 buckets as PikoDB spreads a table's records, so they meet the same moments of a
 * shared machine. The figures per call: the server's CPU between the two {@code INFO cpu} around each
 * block, less what an empty block costs (the probe's own {@code INFO}); the time inside the command
 * ({@code INFO commandstats} {@code usec} of {@code HSET} or {@code EVALSHA}, the script's own calls
 * included), without the reading, parsing and replying that the first figure also holds; the wall time.
 *
 * <p>Needs a running redis-server on this machine: {@code -Dbench.redis=redis://127.0.0.1:6379}. Run with
 * {@code mvn -B -q -pl benchmarks -am package -DskipTests -Pbench
 * -Dbench.main=dev.pikodb.benchmarks.redis.ScriptCostOnRedisProbe}; {@code -Dbench.probe.calls} (default
 * 20,000) sets the calls per variant, {@code -Dbench.probe.mode=insert} makes every measured call write a
 * new key (default {@code overwrite}: the keys of a first pass of as many calls).
 */
public final class ScriptCostOnRedisProbe {

    private static final int CALLS = Integer.getInteger("bench.probe.calls", 20_000);
    private static final int BLOCK = 2_000;
    private static final boolean INSERTS = "insert".equals(System.getProperty("bench.probe.mode", "overwrite"));
    private static final byte[] JSON = ("{\"id\":\"user-000000\",\"name\":\"User Number 0\",\"email\":\"user0@example.com\","
            + "\"age\":42,\"city\":\"Amsterdam\",\"tags\":[\"a\",\"b\",\"c\"],\"score\":1234.5,\"active\":true,\"bio\":\""
            + "x".repeat(60) + "\"}").getBytes(StandardCharsets.UTF_8);
    private static final String READ_WRITE = """
            local got = redis.call('HMGET', KEYS[1], '', ARGV[1])
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            """;
    private static final String READ_WRITE_MEMBER = READ_WRITE + """
            if not got[2] then redis.call('ZADD', KEYS[3], 0, '00000000:' .. ARGV[1]) end
            """;

    private final RedisCommands<byte[], byte[]> redis;
    private final RedisCommands<String, String> info;
    private final String run = "scriptcost-" + Long.toHexString(System.nanoTime());

    private ScriptCostOnRedisProbe(RedisCommands<byte[], byte[]> redis, RedisCommands<String, String> info) {
        this.redis = redis;
        this.info = info;
    }

    /**
     * Runs the probe and prints the table.
     *
     * @param args unused; settings are system properties (see the class comment)
     */
    public static void main(String[] args) {
        URI uri = URI.create(System.getProperty("bench.redis", "redis://127.0.0.1:6379"));
        RedisClient client = RedisClient.create(uri.toString());
        try (StatefulRedisConnection<byte[], byte[]> bytes = client.connect(ByteArrayCodec.INSTANCE);
                StatefulRedisConnection<String, String> text = client.connect(StringCodec.UTF8)) {
            ScriptCostOnRedisProbe probe = new ScriptCostOnRedisProbe(bytes.sync(), text.sync());
            try {
                probe.measure();
            } finally {
                probe.cleanUp();
            }
        } finally {
            client.shutdown();
        }
    }

    private void measure() {
        Map<String, Consumer<String>> variants = new LinkedHashMap<>();
        variants.put("HSET", key -> redis.hset(keys("hset", key)[0], utf8(key), JSON));
        variants.put("EVALSHA 'return 1', 4 keys, 4 args", script("r4", "", 4));
        variants.put("EVALSHA 'return 1', 1 key, 1 arg", script("r1", "", 1));
        variants.put("EVALSHA HSET", script("h", "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])", 4));
        variants.put("EVALSHA HSET, HSET", script("hh", "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
                + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])", 4));
        variants.put("EVALSHA HMGET+HSET", script("rw", READ_WRITE, 4));
        variants.put("EVALSHA HMGET+HSET+ZADD", script("rwm", READ_WRITE_MEMBER, 4));
        variants.put("EVALSHA of PikoDB's write script", script("w", writeScript(), 4));
        variants.put("EVALSHA HMGET+HSET+ZADD, 2 keys", script("rwm2", READ_WRITE_MEMBER.replace("KEYS[3]", "KEYS[2]"), 2));
        variants.put("EVALSHA HMGET+HSET+ZADD, flags=allow-oom,allow-stale",
                script("rwmf", "#!lua flags=allow-oom,allow-stale\n" + READ_WRITE_MEMBER, 4));
        variants.put("EVALSHA HMGET+HSET+ZADD, #!lua without flags", script("rwms", "#!lua\n" + READ_WRITE_MEMBER, 4));
        variants.put("EVALSHA HMGET+HSET+ZADD after redis.replicate_commands()", script("rwmr",
                "if redis.replicate_commands then redis.replicate_commands() end\n" + READ_WRITE_MEMBER, 4));
        if (!INSERTS) {
            variants.values().forEach(variant -> {
                for (int i = 0; i < CALLS; i++) {
                    variant.accept(key(i));
                }
            });
        }
        double emptyBlock = emptyBlockCost();
        List<String> names = new ArrayList<>(variants.keySet());
        Map<String, double[]> sums = new LinkedHashMap<>();
        names.forEach(name -> sums.put(name, new double[3]));
        String loadBefore = LoadAverage.all();
        for (int from = 0, block = 0; from < CALLS; from += BLOCK, block++) {
            for (int turn = 0; turn < names.size(); turn++) {
                String name = names.get((block + turn) % names.size());
                Consumer<String> variant = variants.get(name);
                String command = name.equals("HSET") ? "cmdstat_hset:" : "cmdstat_evalsha:";
                double usec = commandUsec(command);
                double cpu = serverCpu();
                long start = System.nanoTime();
                for (int i = from; i < Math.min(CALLS, from + BLOCK); i++) {
                    variant.accept(key(i));
                }
                sums.get(name)[1] += (System.nanoTime() - start) / 1e3;
                sums.get(name)[0] += serverCpu() - cpu - emptyBlock;
                sums.get(name)[2] += commandUsec(command) - usec;
            }
        }
        System.out.printf(Locale.ROOT, "%nRedis %s; %,d calls per variant (%s), blocks of %,d taking turns;"
                + " load average %s before, %s after%n%n", redis.info("server").lines()
                .filter(line -> line.startsWith("redis_version:")).findFirst().orElse("?"), CALLS,
                INSERTS ? "each a new key" : "overwrites", BLOCK, loadBefore, LoadAverage.all());
        System.out.println("| per call | server CPU us | in the command us | wall us |");
        System.out.println("|---|---|---|---|");
        sums.forEach((name, sum) -> System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.1f |%n", name,
                sum[0] / CALLS, sum[2] / CALLS, sum[1] / CALLS));
    }

    /**
     * The source of PikoDB's write script ({@code dev.pikodb.redis.Scripts.WRITE}, not public API: read
     * by reflection), ending in a {@code return}, which {@link #script} follows with a {@code do end}.
     */
    private static String writeScript() {
        try {
            java.lang.reflect.Field field = Class.forName("dev.pikodb.redis.Scripts").getDeclaredField("WRITE");
            field.setAccessible(true);
            Object script = field.get(null);
            java.lang.reflect.Method source = script.getClass().getDeclaredMethod("source");
            source.setAccessible(true);
            return "do\n" + new String((byte[]) source.invoke(script), StandardCharsets.UTF_8) + "\nend";
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read dev.pikodb.redis.Scripts.WRITE: " + e, e);
        }
    }

    /** A variant that runs {@code body}, then {@code return 1}, by {@code EVALSHA} with {@code keyCount} keys and as many arguments. */
    private Consumer<String> script(String name, String body, int keyCount) {
        String sha = info.scriptLoad(body + "\nreturn 1");
        return key -> {
            byte[][] all = keys(name, key);
            byte[][] keys = keyCount == 2 ? new byte[][] {all[0], all[2]} : new byte[keyCount][];
            if (keyCount != 2) {
                System.arraycopy(all, 0, keys, 0, keyCount);
            }
            byte[][] args = keyCount == 1 ? new byte[][] {utf8(key)}
                    : new byte[][] {utf8(key), JSON, {'1'}, utf8(Long.toString(System.currentTimeMillis()))};
            redis.evalsha(sha, ScriptOutputType.INTEGER, keys, args);
        };
    }

    /** A bucket's four keys (records hash, expirations, index entries, entry lists), as PikoDB names them. */
    private byte[][] keys(String variant, String key) {
        String tag = "{" + run + ":" + variant + ":" + (key.hashCode() & 15) + "}";
        return new byte[][] {utf8(tag + ":r"), utf8(tag + ":x"), utf8(tag + ":i"), utf8(tag + ":e")};
    }

    private static String key(int i) {
        return String.format(Locale.ROOT, "user-%07d", i);
    }

    /** The server CPU of two {@code INFO cpu} without calls between them: the median of 21. */
    private double emptyBlockCost() {
        double[] costs = new double[21];
        for (int i = 0; i < costs.length; i++) {
            double before = serverCpu();
            costs[i] = serverCpu() - before;
        }
        java.util.Arrays.sort(costs);
        return costs[costs.length / 2];
    }

    private double serverCpu() {
        double cpu = 0;
        for (String line : info.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                cpu += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim()) * 1e6;
            }
        }
        return cpu;
    }

    /** The microseconds the server spent in one command so far ({@code INFO commandstats}). */
    private double commandUsec(String command) {
        for (String line : info.info("commandstats").split("\r?\n")) {
            if (line.startsWith(command)) {
                for (String pair : line.substring(command.length()).split(",")) {
                    if (pair.startsWith("usec=")) {
                        return Double.parseDouble(pair.substring(5));
                    }
                }
            }
        }
        return 0;
    }

    private void cleanUp() {
        List<String> keys = info.keys("*" + run + "*");
        if (!keys.isEmpty()) {
            info.del(keys.toArray(new String[0]));
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
