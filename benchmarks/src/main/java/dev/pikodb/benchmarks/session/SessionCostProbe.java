package dev.pikodb.benchmarks.session;

import com.sun.management.ThreadMXBean;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Where W17's time goes, per request, in figures that depend little on a busy machine: the calling
 * thread's CPU time and allocation (the JVM's per-thread counters), the server process's CPU time
 * ({@code INFO cpu}, user + system: commands, scripts and networking), and its commands
 * ({@code INFO commandstats}, reset before each block: calls per request and microseconds per call; a
 * script's inner calls are counted both inside its own time and under their names). PikoDB on Redis and {@code RedisSessionRepository} take
 * turns, {@value #ROUNDS} blocks of {@value #REQUESTS} W17 requests each, on the server named by
 * {@value SessionWorkload#REDIS_PROPERTY}. The request rate is printed too, for reference only: it is
 * what the load of the machine changes most. The CPU time does not include Lettuce's I/O thread, which
 * does more for the four round trips of {@code RedisSessionRepository} than for PikoDB's two.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests -Pbench -Dbench.main=dev.pikodb.benchmarks.session.SessionCostProbe \
 *     "-Dbench.jvmArgs=-Xms2g -Xmx2g -XX:+UseG1GC -Dbench.redis=redis://127.0.0.1:6379"
 * </pre>
 */
public final class SessionCostProbe {

    private static final int SESSIONS = 10_000;
    private static final int REQUESTS = 10_000;
    private static final int ROUNDS = 4;

    private SessionCostProbe() {
    }

    /**
     * Runs the probe and prints one line per store and block.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        String server = System.getProperty(SessionWorkload.REDIS_PROPERTY, "");
        if (server.isBlank()) {
            throw new IllegalArgumentException("Name a running redis-server with -D" + SessionWorkload.REDIS_PROPERTY
                    + "=redis://127.0.0.1:6379 in -Dbench.jvmArgs");
        }
        URI redis = URI.create(server);
        String prefix = "bench-session-cost-" + Long.toHexString(System.nanoTime());
        PrintStream out = System.out;
        RedisClient client = RedisClient.create(server);
        List<SessionPeer<?>> peers = new ArrayList<>();
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> admin = connection.sync();
            peers.add(SessionPeers.pikodbOnRedis(redis, prefix + "-piko"));
            peers.add(SessionPeers.springRedis(redis, prefix + "-plain", false));
            for (SessionPeer<?> peer : peers) {
                peer.fill(SESSIONS);
            }
            ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            out.printf(Locale.ROOT, "W17 per request, %,d sessions, blocks of %,d requests in turns (block 0 warms up)%n",
                    SESSIONS, REQUESTS);
            for (int round = 0; round <= ROUNDS; round++) {
                for (SessionPeer<?> peer : peers) {
                    admin.configResetstat();
                    double serverCpu = serverCpuSeconds(admin.info("cpu"));
                    SplittableRandom random = new SplittableRandom(16 + round);
                    long cpu = threads.getCurrentThreadCpuTime();
                    long allocated = threads.getCurrentThreadAllocatedBytes();
                    double rate = peer.requests(REQUESTS, random);
                    cpu = threads.getCurrentThreadCpuTime() - cpu;
                    allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
                    serverCpu = serverCpuSeconds(admin.info("cpu")) - serverCpu;
                    TreeMap<String, double[]> commands = commandStats(admin.info("commandstats"));
                    StringBuilder line = new StringBuilder();
                    commands.forEach((name, c) -> line.append(String.format(Locale.ROOT, " %s %.2f x %.1f us",
                            name, c[0] / REQUESTS, c[1] / Math.max(1, c[0]))));
                    out.printf(Locale.ROOT, "block %d  %-20s client CPU %6.1f us  allocated %,7.0f B  server CPU %5.1f us "
                            + "(%,6.0f requests/s) |%s%n", round, peer.label(), cpu / 1e3 / REQUESTS,
                            (double) allocated / REQUESTS, serverCpu * 1e6 / REQUESTS, rate, line);
                }
            }
            for (String key : admin.keys("*" + prefix + "*")) {
                admin.del(key);
            }
        } finally {
            peers.forEach(SessionPeer::close);
            client.shutdown();
        }
    }

    /** The server process's CPU time so far, user + system, in seconds. */
    private static double serverCpuSeconds(String info) {
        double seconds = 0;
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return seconds;
    }

    /** Per command: calls and total microseconds. */
    private static TreeMap<String, double[]> commandStats(String info) {
        TreeMap<String, double[]> commands = new TreeMap<>();
        for (String line : info.split("\r?\n")) {
            if (!line.startsWith("cmdstat_")) {
                continue;
            }
            String name = line.substring("cmdstat_".length(), line.indexOf(':'));
            if (name.startsWith("config") || name.equals("info")) {
                continue;
            }
            double calls = field(line, "calls=");
            commands.put(name, new double[] {calls, field(line, "usec=")});
        }
        return commands;
    }

    private static double field(String line, String name) {
        int start = line.indexOf(name) + name.length();
        int end = line.indexOf(',', start);
        return Double.parseDouble(line.substring(start, end < 0 ? line.length() : end));
    }
}
