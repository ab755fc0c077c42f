package dev.pikodb.benchmarks.repository;

import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Report;
import dev.pikodb.benchmarks.Result;
import dev.pikodb.benchmarks.Round;
import dev.pikodb.benchmarks.Sampler;
import dev.pikodb.benchmarks.session.SessionWorkload;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.repository.ListCrudRepository;

/**
 * W14: Spring Data repositories on the same Redis server (named by {@value SessionWorkload#REDIS_PROPERTY}),
 * PikoDB's on its Redis engine against Spring Data Redis's (see {@link RepositoryPeers}), each holding
 * the same notes ({@link NoteFields}: an owner shared by 10 notes, a distinct creation time, two tags)
 * with {@code owner}, {@code created} and {@code tags} indexed.
 *
 * <p>Rows, the two repositories taking turns in each repetition:
 * <ul>
 * <li>{@code findByOwner} returning 10 notes, microseconds per query (random owners, the same
 *     sequence for both);</li>
 * <li>{@code findTop10ByCreatedBetweenOrderByCreatedDesc} over a window of a tenth of the notes, the
 *     median milliseconds of a query: PikoDB only (Spring Data Redis's {@code @Indexed} answers
 *     equality only: it has no ranges, no ordering from an index);</li>
 * <li>{@code save} of an existing note with new values of its three indexed properties, saves per
 *     second.</li>
 * </ul>
 * Without a server this workload is not measured and says so in a note under the table.
 */
public final class RepositoryWorkload {

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryWorkload.class);

    private final BenchConfig config;
    private final Report report;
    private final int records;
    private final int queries;
    private final int saves;
    private long sink;

    /**
     * Creates the workload.
     *
     * @param config the run's configuration: W10's record count, at most 100,000, is the number of notes
     * @param report where results go
     */
    public RepositoryWorkload(BenchConfig config, Report report) {
        this.config = config;
        this.report = report;
        this.records = records(config);
        this.queries = Math.max(100, config.pointReads() / 20);
        this.saves = config.sequentialWrites();
    }

    private static int records(BenchConfig config) {
        return Math.min(100_000, config.sizes().loadRecords());
    }

    /**
     * The {@code findByOwner} row.
     *
     * @param config the run's configuration
     * @return the row name
     */
    public static String findName(BenchConfig config) {
        return String.format(Locale.ROOT, "W14 findByOwner 10 of %,d on Redis (us)", records(config));
    }

    /**
     * The sorted range row: the median time of {@code findTop10ByCreatedBetweenOrderByCreatedDesc}
     * over windows of a tenth of the notes.
     *
     * @param config the run's configuration
     * @return the row name
     */
    public static String newestName(BenchConfig config) {
        return String.format(Locale.ROOT, "W14 top 10 by created of %,d on Redis (ms)", records(config));
    }

    /**
     * The save row.
     *
     * @param config the run's configuration
     * @return the row name
     */
    public static String saveName(BenchConfig config) {
        return String.format(Locale.ROOT, "W14 save 3 indexed props, %,d on Redis", records(config));
    }

    private static int window(int records) {
        return Math.max(10, records / 10);
    }

    /** Measures the rows {@code bench.only} selects when a server is named, else notes why not. */
    public void run() {
        if (!config.includesAny(findName(config), newestName(config), saveName(config))) {
            return;
        }
        String server = System.getProperty(SessionWorkload.REDIS_PROPERTY, "");
        if (server.isBlank()) {
            report.note("W14 (Spring Data repositories on Redis) not measured: start a redis-server and name it with -D"
                    + SessionWorkload.REDIS_PROPERTY + "=redis://127.0.0.1:6379 in -Dbench.jvmArgs");
            return;
        }
        URI redis = URI.create(server);
        String prefix = "bench-w14-" + Long.toHexString(System.nanoTime());
        RepositoryPeers.deleteKeys(redis, RepositoryPeers.REDIS_KEYSPACE + "*");
        RepositoryPeers.Piko piko = null;
        RepositoryPeers.SpringRedis springRedis = null;
        try {
            piko = RepositoryPeers.pikodb(redis, prefix);
            fill(RepositoryPeers.PIKODB_ON_REDIS, piko.repository(), i -> new PikoNote(NoteFields.of(i, i, records)));
            if (config.includesAny(findName(config), saveName(config))) {
                springRedis = RepositoryPeers.springDataRedis(redis);
                fill(RepositoryPeers.SPRING_DATA_REDIS, springRedis.repository(),
                        i -> new RedisNote(NoteFields.of(i, i, records)));
            }
            measure(piko.repository(), springRedis == null ? null : springRedis.repository());
        } catch (RuntimeException e) {
            report.failed("W14", piko == null ? RepositoryPeers.PIKODB_ON_REDIS : RepositoryPeers.SPRING_DATA_REDIS, e);
        } finally {
            for (AutoCloseable peer : new AutoCloseable[] {piko, springRedis}) {
                try {
                    if (peer != null) {
                        peer.close();
                    }
                } catch (Exception e) {
                    LOG.warn("Closing a W14 repository failed", e);
                }
            }
            RepositoryPeers.deleteKeys(redis, "*" + prefix + "*");
            RepositoryPeers.deleteKeys(redis, RepositoryPeers.REDIS_KEYSPACE + "*");
        }
    }

    /** Measures the rows; {@code springRedis} is null when no row it is in was selected. */
    private void measure(PikoNotes piko, RedisNotes springRedis) {
        Sampler sampler = new Sampler(config.warmups(), config.repetitions());
        String find = findName(config);
        new Round(config, report)
                .add(new Round.Cell(find, RepositoryPeers.PIKODB_ON_REDIS, Result.Unit.MICROSECONDS), find,
                        findByOwner(owner -> piko.findByOwner(owner).size()))
                .add(new Round.Cell(find, RepositoryPeers.SPRING_DATA_REDIS, Result.Unit.MICROSECONDS), find,
                        findByOwner(owner -> springRedis.findByOwner(owner).size()))
                .measure(sampler);
        String newest = newestName(config);
        new Round(config, report)
                .add(new Round.Cell(newest, RepositoryPeers.PIKODB_ON_REDIS, Result.Unit.MILLISECONDS), newest,
                        newest(piko))
                .measure(sampler);
        String save = saveName(config);
        new Round(config, report)
                .add(new Round.Cell(save, RepositoryPeers.PIKODB_ON_REDIS, Result.Unit.OPS_PER_SECOND), save,
                        saves((slot, i) -> piko.save(new PikoNote(NoteFields.of(slot, i, records)))))
                .add(new Round.Cell(save, RepositoryPeers.SPRING_DATA_REDIS, Result.Unit.OPS_PER_SECOND), save,
                        saves((slot, i) -> springRedis.save(new RedisNote(NoteFields.of(slot, i, records)))))
                .measure(sampler);
        LOG.debug("Sink: {}", sink);
    }

    private <T> void fill(String label, ListCrudRepository<T, String> repository, IntFunction<T> note) {
        LOG.info("Saving {} notes in {}", records, label);
        long start = System.nanoTime();
        for (int i = 0; i < records; i++) {
            repository.save(note.apply(i));
        }
        LOG.info("{}: {} notes saved in {} ms", label, records, String.format(Locale.ROOT, "%.0f",
                Sampler.millisSince(start)));
    }

    /** One repetition of findByOwner on random owners: microseconds per query; each must return 10. */
    private DoubleSupplier findByOwner(java.util.function.ToIntFunction<String> find) {
        SplittableRandom random = new SplittableRandom(14);
        return () -> {
            long started = System.nanoTime();
            for (int q = 0; q < queries; q++) {
                String owner = NoteFields.owner(random.nextInt(records), records);
                int found = find.applyAsInt(owner);
                if (found != 10) {
                    throw new IllegalStateException("findByOwner(\"" + owner + "\") returned " + found
                            + " notes instead of 10");
                }
                sink += found;
            }
            return (System.nanoTime() - started) / 1e3 / queries;
        };
    }

    /** One repetition of the sorted range on random windows: the median milliseconds of a query. */
    private DoubleSupplier newest(PikoNotes piko) {
        SplittableRandom random = new SplittableRandom(15);
        int window = window(records);
        return () -> {
            double[] millis = new double[queries];
            for (int q = 0; q < queries; q++) {
                long from = NoteFields.EPOCH + random.nextInt(Math.max(1, records - window));
                long started = System.nanoTime();
                List<PikoNote> found = piko.findTop10ByCreatedBetweenOrderByCreatedDesc(from, from + window - 1);
                millis[q] = Sampler.millisSince(started);
                if (found.size() != 10 || found.get(0).getCreated() < found.get(9).getCreated()) {
                    throw new IllegalStateException("findTop10ByCreatedBetweenOrderByCreatedDesc(" + from + ", "
                            + (from + window - 1) + ") did not return 10 notes, newest first");
                }
                sink += found.size();
            }
            Arrays.sort(millis);
            return millis[queries / 2];
        };
    }

    private interface Save {
        void save(int slot, int content);
    }

    /** One repetition of saves of random notes with the content of other random notes: saves per second. */
    private DoubleSupplier saves(Save save) {
        SplittableRandom random = new SplittableRandom(16);
        return () -> {
            long started = System.nanoTime();
            for (int s = 0; s < saves; s++) {
                save.save(random.nextInt(records), random.nextInt(records));
            }
            return Sampler.perSecond(saves, started);
        };
    }
}
