package dev.pikodb.benchmarks.redis;

import dev.pikodb.benchmarks.LoadAverage;
import dev.pikodb.benchmarks.Profiles;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where one sequential write's cost goes, PikoDB on Redis against {@code StringRedisTemplate} and
 * bare Lettuce references (an {@code HSET} of the same JSON bytes; an {@code EVALSHA} of a script that
 * only returns 0, with the same JSON as its argument; and the floors of any atomic write script,
 * {@link ScriptFloorStore}s with and without the key member), all on one server, taking turns in blocks
 * of {@code bench.probe.block} writes so that they meet the same moments of a shared machine.
 *
 * <p>Per write and per store it prints: the wall time; this JVM's CPU (the whole process, and the
 * calling thread alone); the bytes allocated by all of this JVM's threads; the server's CPU
 * ({@code INFO cpu}, the server's {@code getrusage}) and its commands ({@code INFO commandstats}: calls
 * per write and their {@code usec_per_call}); the bytes on the wire each way ({@code INFO stats}
 * {@code total_net_input_bytes} / {@code total_net_output_bytes}, less what the probe's own
 * {@code INFO} calls add); and the context switches of this JVM's threads and of the server's
 * ({@code /proc}), the wakeups a round trip costs.
 *
 * <p>Needs a running redis-server on this machine: {@code -Dbench.redis=redis://127.0.0.1:6379}.
 * Run with {@code mvn -B -q -pl benchmarks -am package -DskipTests -Pbench
 * -Dbench.main=dev.pikodb.benchmarks.redis.WriteCostOnRedisProbe}; {@code -Dbench.probe.writes}
 * (default 40,000) sets the writes per store, {@code -Dbench.probe.mode=insert} measures writes of new keys
 * (see {@link #INSERTS}), {@code -Dbench.probe.block} the writes per turn (default 2,000) and
 * {@code -Dbench.probe.only} the stores to run, by name, comma-separated (default: all).
 */
public final class WriteCostOnRedisProbe {

    private static final int WRITES = Integer.getInteger("bench.probe.writes", 40_000);
    private static final int BLOCK = Integer.getInteger("bench.probe.block", 2_000);
    /** Comma-separated names of the stores to run (see {@code main}); empty: all. */
    private static final String ONLY = System.getProperty("bench.probe.only", "");
    private static final String[] MEASURES = {"wall us", "JVM CPU us", "calling thread CPU us",
        "allocated bytes", "server CPU us", "server calls", "bytes to server", "bytes from server",
        "JVM context switches", "server context switches"};

    private final Profiles profiles = new Profiles();
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final RedisCommands<String, String> probe;
    private final long serverPid;

    private WriteCostOnRedisProbe(RedisCommands<String, String> probe) {
        this.probe = probe;
        this.serverPid = Long.parseLong(field(probe.info("server"), "process_id"));
    }

    /** One store's write of profile {@code i} under key {@code key} into table {@code table}. */
    private interface Writer {
        void write(String table, String key, int i);
    }

    /**
     * {@code overwrite} (the default): the measured writes overwrite the warm-up's keys; {@code insert}:
     * they write new keys into a table the warm-up did not touch, as {@code RedisComparisonMain}'s
     * sequential writes do.
     */
    private static final boolean INSERTS = "insert".equals(System.getProperty("bench.probe.mode", "overwrite"));

    /**
     * Runs the probe and prints the table.
     *
     * @param args unused; settings are system properties (see the class comment)
     * @throws Exception when a store fails
     */
    public static void main(String[] args) throws Exception {
        URI redis = URI.create(System.getProperty("bench.redis", "redis://127.0.0.1:6379"));
        String prefix = "probe-" + Long.toHexString(System.nanoTime());
        RedisClient client = RedisClient.create(redis.toString());
        try (StatefulRedisConnection<String, String> probeConnection = client.connect(StringCodec.UTF8);
                StatefulRedisConnection<byte[], byte[]> bare = client.connect(ByteArrayCodec.INSTANCE);
                ComparedStore template = new ComparedStore.TemplateStore(redis.getHost(), redis.getPort(),
                        prefix + "-tpl");
                ComparedStore piko = ComparedStore.PikoDBStore.onRedis(redis.toString(), prefix + "-piko");
                ScriptFloorStore readWrite = new ScriptFloorStore(redis.toString(), prefix + "-rw", false);
                ScriptFloorStore readWriteMember = new ScriptFloorStore(redis.toString(), prefix + "-rwm", true)) {
            WriteCostOnRedisProbe main = new WriteCostOnRedisProbe(probeConnection.sync());
            RedisCommands<byte[], byte[]> lettuce = bare.sync();
            String sha = probeConnection.sync().scriptLoad("return 0");
            Map<String, Writer> stores = new LinkedHashMap<>();
            stores.put("StringRedisTemplate", (table, key, i) -> template.write(table, key, main.profiles.value(i)));
            stores.put("PikoDB on Redis", (table, key, i) -> piko.write(table, key, main.profiles.value(i)));
            stores.put("Lettuce HSET", (table, key, i) -> lettuce.hset((prefix + "-hset:" + table).getBytes(StandardCharsets.UTF_8),
                    key.getBytes(StandardCharsets.UTF_8), Profiles.MAPPER.writeValueAsBytes(main.profiles.value(i))));
            byte[][] scriptKeys = {(prefix + "-eval").getBytes(StandardCharsets.UTF_8)};
            stores.put("Lettuce EVALSHA 'return 0'", (table, key, i) -> lettuce.evalsha(sha, ScriptOutputType.INTEGER,
                    scriptKeys, key.getBytes(StandardCharsets.UTF_8), Profiles.MAPPER.writeValueAsBytes(main.profiles.value(i))));
            stores.put(readWrite.name(), (table, key, i) -> readWrite.write(table, key,
                    Profiles.MAPPER.writeValueAsBytes(main.profiles.value(i))));
            stores.put(readWriteMember.name(), (table, key, i) -> readWriteMember.write(table, key,
                    Profiles.MAPPER.writeValueAsBytes(main.profiles.value(i))));
            if (!ONLY.isEmpty()) {
                stores.keySet().retainAll(List.of(ONLY.split(",")));
            }
            String loadBefore = LoadAverage.all();
            // A warm-up of every store, then the measured writes: overwrites of the warm-up's keys, or
            // new keys in a new table.
            main.run(stores, "users", WRITES, false);
            Map<String, double[]> perWrite = main.run(stores, INSERTS ? "inserts" : "users", WRITES, true);
            String loadAfter = LoadAverage.all();
            print(redis, perWrite, loadBefore, loadAfter);
            main.printDetails();
        } finally {
            cleanUp(client, prefix);
            client.shutdown();
        }
    }

    /** Writes {@code writes} keys with every store in turn, in blocks; returns the sums per write when measured. */
    private Map<String, double[]> run(Map<String, Writer> stores, String table, int writes, boolean measured) {
        List<String> names = new ArrayList<>(stores.keySet());
        groups.clear();
        commandCalls.clear();
        Map<String, double[]> sums = new LinkedHashMap<>();
        names.forEach(name -> sums.put(name, new double[MEASURES.length]));
        double[] snapshotCost = measured ? snapshotCost() : new double[MEASURES.length];
        for (int from = 0, block = 0; from < writes; from += BLOCK, block++) {
            int to = Math.min(writes, from + BLOCK);
            for (int turn = 0; turn < names.size(); turn++) {
                String name = names.get((block + turn) % names.size());
                Writer writer = stores.get(name);
                Map<String, Double> commandsBefore = commands(probe.info("commandstats"));
                Map<String, Double> groupsBefore = threadGroups();
                double[] before = snapshot();
                for (int i = from; i < to; i++) {
                    writer.write(table, Profiles.key(i), i);
                }
                double[] after = snapshot();
                Map<String, Double> groupsAfter = threadGroups();
                Map<String, Double> commandsAfter = commands(probe.info("commandstats"));
                groupsBefore.forEach((group, cpu) -> groups.computeIfAbsent(name, n -> new java.util.TreeMap<>())
                        .merge(group, groupsAfter.getOrDefault(group, cpu) - cpu, Double::sum));
                commandsAfter.forEach((command, calls) -> commandCalls.computeIfAbsent(name, n -> new java.util.TreeMap<>())
                        .merge(command, calls - commandsBefore.getOrDefault(command, 0.0), Double::sum));
                double[] sum = sums.get(name);
                for (int m = 0; m < sum.length; m++) {
                    sum[m] += after[m] - before[m] - snapshotCost[m];
                }
            }
        }
        sums.values().forEach(sum -> {
            for (int m = 0; m < sum.length; m++) {
                sum[m] /= writes;
            }
        });
        return sums;
    }

    /** Per store: CPU microseconds of each group of this JVM's threads (names without digits). */
    private final Map<String, Map<String, Double>> groups = new LinkedHashMap<>();
    /** Per store: calls of each command, top-level and from scripts. */
    private final Map<String, Map<String, Double>> commandCalls = new LinkedHashMap<>();

    /**
     * CPU microseconds of each group of this JVM's threads, by their name without digits: the Java
     * threads by {@code ThreadMXBean}, and the JVM's own threads (compilers, garbage collector), which
     * it does not list, by {@code /proc/self/task/<id>/schedstat} under their system names.
     */
    private Map<String, Double> threadGroups() {
        Map<String, Double> cpu = new HashMap<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos > 0) {
                    cpu.merge(info.getThreadName().replaceAll("[0-9]+", "#"), nanos / 1e3, Double::sum);
                }
            }
        }
        try (Stream<Path> each = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : each.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    if (JVM_THREADS.matcher(name).lookingAt()) {
                        String runNanos = Files.readString(task.resolve("schedstat")).trim().split("\\s+")[0];
                        cpu.merge("[" + name.replaceAll("[0-9]+", "#") + "]", Long.parseLong(runNanos) / 1e3, Double::sum);
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc: the Java threads alone
        }
        return cpu;
    }

    /** The system names of the JVM's own threads. */
    private static final java.util.regex.Pattern JVM_THREADS =
            java.util.regex.Pattern.compile("C1 Comp|C2 Comp|GC Thr|G1 |VM Thread|VM Periodic");

    private static Map<String, Double> commands(String info) {
        Map<String, Double> calls = new HashMap<>();
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String command = line.substring(8, line.indexOf(':'));
                for (String pair : line.substring(line.indexOf(':') + 1).split(",")) {
                    if (pair.startsWith("calls=")) {
                        calls.put(command, Double.parseDouble(pair.substring(6)));
                    }
                }
            }
        }
        return calls;
    }

    /** What one snapshot adds to the measures (the probe's own INFO calls): the median of 21 empty blocks. */
    private double[] snapshotCost() {
        List<double[]> deltas = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            double[] before = snapshot();
            double[] after = snapshot();
            double[] delta = new double[MEASURES.length];
            for (int m = 0; m < delta.length; m++) {
                delta[m] = after[m] - before[m];
            }
            deltas.add(delta);
        }
        double[] cost = new double[MEASURES.length];
        for (int m = 0; m < cost.length; m++) {
            int measure = m;
            cost[m] = deltas.stream().mapToDouble(d -> d[measure]).sorted().toArray()[deltas.size() / 2];
        }
        // Only the server's counters are charged per snapshot; the JVM's side is measured around the writes.
        cost[0] = 0;
        cost[1] = 0;
        cost[2] = 0;
        cost[3] = 0;
        cost[8] = 0;
        return cost;
    }

    private double[] snapshot() {
        double[] values = new double[MEASURES.length];
        long[] ids = threads.getAllThreadIds();
        long allocated = 0;
        for (long bytes : threads.getThreadAllocatedBytes(ids)) {
            allocated += Math.max(0, bytes);
        }
        values[0] = System.nanoTime() / 1e3;
        values[1] = os.getProcessCpuTime() / 1e3;
        values[2] = threads.getCurrentThreadCpuTime() / 1e3;
        values[3] = allocated;
        values[8] = contextSwitches("/proc/self/task");
        String info = probe.info("everything");
        values[4] = (Double.parseDouble(field(info, "used_cpu_sys")) + Double.parseDouble(field(info, "used_cpu_user"))) * 1e6;
        values[5] = commandCalls(info);
        values[6] = Double.parseDouble(field(info, "total_net_input_bytes"));
        values[7] = Double.parseDouble(field(info, "total_net_output_bytes"));
        values[9] = contextSwitches("/proc/" + serverPid + "/task");
        return values;
    }

    /** Every command's calls, summed (INFO and the probe's own calls included; charged as snapshot cost). */
    private static double commandCalls(String info) {
        double calls = 0;
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String stats = line.substring(line.indexOf(':') + 1);
                for (String pair : stats.split(",")) {
                    if (pair.startsWith("calls=")) {
                        calls += Double.parseDouble(pair.substring(6));
                    }
                }
            }
        }
        return calls;
    }

    private static double contextSwitches(String tasks) {
        double total = 0;
        try (Stream<Path> each = Files.list(Path.of(tasks))) {
            for (Path task : each.toList()) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches") || line.startsWith("nonvoluntary_ctxt_switches")) {
                            total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return total;
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        throw new IllegalStateException("INFO has no field '" + name + "'");
    }

    private static void print(URI redis, Map<String, double[]> perWrite, String loadBefore, String loadAfter) {
        System.out.printf(Locale.ROOT, "%nRedis %s; %,d writes per store (%s, after a warm-up of as many),"
                + " blocks of %,d taking turns; per write; load average %s before, %s after%n%n", redis, WRITES,
                INSERTS ? "new keys in a new table" : "overwrites",
                BLOCK, loadBefore, loadAfter);
        StringBuilder header = new StringBuilder("| per write |");
        perWrite.keySet().forEach(name -> header.append(' ').append(name).append(" |"));
        System.out.println(header);
        System.out.println("|---" + "|---".repeat(perWrite.size()) + "|");
        for (int m = 0; m < MEASURES.length; m++) {
            StringBuilder row = new StringBuilder("| " + MEASURES[m] + " |");
            for (double[] values : perWrite.values()) {
                row.append(String.format(Locale.ROOT, " %.2f |", values[m]));
            }
            System.out.println(row);
        }
    }

    private void printDetails() {
        System.out.println();
        groups.forEach((store, cpu) -> {
            StringBuilder line = new StringBuilder(store + ": JVM threads' CPU us per write:");
            cpu.entrySet().stream().filter(e -> e.getValue() / WRITES >= 0.05)
                    .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                    .forEach(e -> line.append(String.format(Locale.ROOT, " %s %.1f;", e.getKey(), e.getValue() / WRITES)));
            System.out.println(line);
        });
        commandCalls.forEach((store, calls) -> {
            StringBuilder line = new StringBuilder(store + ": server commands per write (INFO included):");
            calls.forEach((command, n) -> {
                if (n / WRITES >= 0.001) {
                    line.append(String.format(Locale.ROOT, " %s %.3f;", command, n / WRITES));
                }
            });
            System.out.println(line);
        });
    }

    private static void cleanUp(RedisClient client, String prefix) {
        try (StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8)) {
            List<String> keys = connection.sync().keys("*" + prefix + "*");
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(new String[0]));
            }
        }
    }
}
