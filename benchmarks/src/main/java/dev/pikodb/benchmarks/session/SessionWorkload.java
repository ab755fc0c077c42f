package dev.pikodb.benchmarks.session;

import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Directories;
import dev.pikodb.benchmarks.Report;
import dev.pikodb.benchmarks.Result;
import dev.pikodb.benchmarks.Round;
import dev.pikodb.benchmarks.Sampler;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * W16 and W17: HTTP sessions, one load and one save per request. Each store holds the same number of
 * signed-in users' sessions (see {@link SessionPeer#attributes}); a repetition is a run of simulated
 * requests on random sessions (the same sequence for every store), each loading its session by id,
 * renewing its last access time, changing one attribute and saving it (see {@link SessionPeer#requests}).
 *
 * <ul>
 * <li>W16, embedded: PikoDB's directory engine against Spring Session JDBC on an H2 file database.</li>
 * <li>W17, on Redis, when {@value #REDIS_PROPERTY} names a running server: PikoDB's Redis engine
 * against Spring Session Data Redis's two repositories on the same server. Without it this row is not
 * measured and its targets print {@code N/A}.</li>
 * </ul>
 * The stores of each row take turns in the same rounds, as everywhere in the harness.
 */
public final class SessionWorkload {

    /** System property: the Redis server of the Redis row, e.g. {@code redis://127.0.0.1:6379}. */
    public static final String REDIS_PROPERTY = "bench.redis";
    private static final Logger LOG = LoggerFactory.getLogger(SessionWorkload.class);

    private final BenchConfig config;
    private final Report report;

    /**
     * Creates the workload.
     *
     * @param config the run's configuration
     * @param report where results go
     */
    public SessionWorkload(BenchConfig config, Report report) {
        this.config = config;
        this.report = report;
    }

    /**
     * The embedded row's name.
     *
     * @param sessions sessions in each store
     * @return the row name
     */
    public static String embeddedName(int sessions) {
        return String.format(Locale.ROOT, "W16 session load+save, %,d sessions", sessions);
    }

    /**
     * The Redis row's name.
     *
     * @param sessions sessions in each store
     * @return the row name
     */
    public static String redisName(int sessions) {
        return String.format(Locale.ROOT, "W17 session load+save on Redis, %,d sessions", sessions);
    }

    /**
     * Measures W16 in directories under {@code root} (deleted afterwards), then W17 when a server is
     * given; each when {@code bench.only} selects it.
     *
     * @param root the run's work directory
     */
    public void run(Path root) {
        BenchConfig.Sizes sizes = config.sizes();
        Path pikodb = root.resolve("sessions-pikodb");
        Path h2 = root.resolve("sessions-h2");
        String embedded = embeddedName(sizes.sessions());
        if (config.includes(embedded)) {
            List<SessionPeer<?>> peers = new ArrayList<>();
            try {
                open(peers, embedded, () -> SessionPeers.pikodb("PikoDB", pikodb));
                open(peers, embedded, () -> SessionPeers.jdbcOnH2(h2));
                measure(embedded, peers, sizes.sessionRequests());
            } finally {
                closeAll(peers, embedded);
                Directories.delete(pikodb);
                Directories.delete(h2);
            }
        }
        String onRedis = redisName(sizes.sessions());
        String server = System.getProperty(REDIS_PROPERTY, "");
        if (!config.includes(onRedis)) {
            return;
        }
        if (server.isBlank()) {
            report.note("W17 (sessions on Redis) not measured: start a redis-server and name it with -D" + REDIS_PROPERTY
                    + "=redis://127.0.0.1:6379 in -Dbench.jvmArgs");
            return;
        }
        URI redis = URI.create(server);
        String prefix = "bench-sessions-" + Long.toHexString(System.nanoTime());
        List<SessionPeer<?>> peers = new ArrayList<>();
        try {
            open(peers, onRedis, () -> SessionPeers.pikodbOnRedis(redis, prefix + "-piko"));
            open(peers, onRedis, () -> SessionPeers.springRedis(redis, prefix + "-plain", false));
            open(peers, onRedis, () -> SessionPeers.springRedis(redis, prefix + "-indexed", true));
            measure(onRedis, peers, sizes.sessionRequestsOnRedis());
        } finally {
            closeAll(peers, onRedis);
            deleteKeys(redis, prefix);
        }
    }

    private interface Opener {
        SessionPeer<?> open();
    }

    private void open(List<SessionPeer<?>> peers, String row, Opener opener) {
        try {
            peers.add(opener.open());
        } catch (RuntimeException e) {
            report.failed(row, "opening a session store", e);
        }
    }

    private void measure(String row, List<SessionPeer<?>> peers, int requests) {
        int sessions = config.sizes().sessions();
        Round round = new Round(config, report);
        for (SessionPeer<?> peer : new ArrayList<>(peers)) {
            try {
                LOG.info("Saving {} sessions in {}", sessions, peer.label());
                long start = System.nanoTime();
                peer.fill(sessions);
                LOG.info("{}: {} sessions saved in {} ms", peer.label(), sessions,
                        String.format(Locale.ROOT, "%.0f", Sampler.millisSince(start)));
            } catch (RuntimeException e) {
                report.failed(row, peer.label(), e);
                continue;
            }
            SplittableRandom random = new SplittableRandom(16);
            DoubleSupplier repetition = () -> peer.requests(requests, random);
            round.add(new Round.Cell(row, peer.label(), Result.Unit.OPS_PER_SECOND), row, repetition);
        }
        round.measure(new Sampler(config.warmups(), config.repetitions()));
    }

    private void closeAll(List<SessionPeer<?>> peers, String row) {
        for (SessionPeer<?> peer : peers) {
            try {
                peer.close();
            } catch (RuntimeException e) {
                report.failed(row, "closing " + peer.label(), e);
            }
        }
    }

    /** Deletes every key this run wrote on the server (all three stores' prefixes start with it). */
    private static void deleteKeys(URI redis, String prefix) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(redis.getHost(), redis.getPort()));
        factory.afterPropertiesSet();
        factory.start();
        try {
            StringRedisTemplate template = new StringRedisTemplate(factory);
            var keys = template.keys("*" + prefix + "*");
            if (keys != null && !keys.isEmpty()) {
                template.delete(keys);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not delete the keys {}* from {}", prefix, redis, e);
        } finally {
            factory.destroy();
        }
    }
}
