package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.PikoDBOutcomeUnknownException;
import dev.pikodb.redis.testing.RedisCluster;
import dev.pikodb.redis.testing.RedisServer;
import dev.pikodb.redis.testing.RedisServers;
import dev.pikodb.redis.testing.Resp;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A master of a cluster with replicas is killed while a writer runs, after its replica fell behind
 * (the writer is held until the replica has caught up, then the replica is cut off from its master,
 * as by a network problem between the two, and the writer goes on): the writer
 * stalls until the replica takes over. Measures the stall, and checks what waiting for a replica
 * ({@code WAIT}) protects: every write acknowledged with it survives the failover; without it, the
 * writes acknowledged while the replica lagged are lost and their versions are handed out again. The
 * killed master is restarted once its replica has taken over, and rejoins as the new master's replica
 * (with {@code WAIT 1}, writes cannot be acknowledged before a replica is back: the cost in
 * availability).
 * Bounded: each phase waits at most 30 s.
 */
class FailoverTest {

    private static final Logger log = LoggerFactory.getLogger(FailoverTest.class);
    private static final int SLOTS = 16384;
    /** Writes acknowledged by the master, without a replica's confirmation, while its replica is cut off. */
    private static final int LAG_WRITES = 100;
    private static RedisCluster cluster;
    private final Databases databases = new Databases();

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start(3, 1, "--cluster-node-timeout", "500");
    }

    @AfterAll
    static void stopCluster() {
        cluster.stop();
    }

    @AfterEach
    void close() {
        databases.close();
    }

    @Test
    void withoutWaitAFailoverAfterReplicaLagLosesAcknowledgedWrites() {
        Figures figures = failover(0, 0);

        assertThat(figures.acknowledgedAfterKill).isPositive();
        // Without writes acknowledged while the replica was cut off, "none lost" would prove nothing.
        assertThat(figures.acknowledgedWhileCutOff).as("writes acknowledged while the replica was cut off")
                .isGreaterThanOrEqualTo(LAG_WRITES);
        assertThat(figures.cutOffKeys).as("writes acknowledged between the cut and the kill")
                .hasSizeGreaterThanOrEqualTo(LAG_WRITES - 1);
        // The one write that may straddle the kill is left out: the old master may or may not have run it.
        assertThat(figures.lostKeys).as("exactly the writes acknowledged between the cut and the kill are lost")
                .isEqualTo(figures.cutOffKeys);
    }

    @Test
    void withWaitForOneReplicaNoAcknowledgedWriteIsLost() {
        Figures figures = failover(1, 1);

        assertThat(figures.acknowledgedAfterKill).isPositive();
        assertThat(figures.lost).isZero();
        assertThat(figures.duplicateVersions).isZero();
        assertThat(figures.unknown).as("writes the lagging replica could not confirm").isPositive();
    }

    /** Runs one failover of master {@code index}; returns what was measured. */
    private Figures failover(int index, int replicas) {
        RedisServer master = cluster.masters().get(index);
        RedisServer replica = cluster.replicas().get(index);
        String prefix = RedisServers.uniquePrefix("failover" + replicas);
        String table = "t";
        java.util.function.Predicate<String> served = servedBy(index, prefix, table);
        RedisStorage.Builder storage = RedisStorage.builder().clusterNodes(cluster.seedUris()).keyPrefix(prefix)
                .commandTimeout(Duration.ofSeconds(1)).topologyRefreshPeriod(Duration.ofSeconds(1));
        if (replicas > 0) {
            storage.waitForReplicas(replicas, Duration.ofMillis(300));
        }
        PikoDB db = databases.open(storage, options -> options);
        Writer writer = new Writer(db, table, served);
        Thread thread = new Thread(writer, "failover-writer");
        thread.start();
        try {
            await("100 acknowledged writes", () -> writer.acknowledged.size() >= 100);
            // Hold the writer until the replica has every acknowledged write, then cut the replica off:
            // it keeps failing to authenticate to its master, so it receives no more writes.
            writer.hold.set(true);
            await("the writer to hold", () -> writer.holding);
            await("the replica to catch up", () -> {
                long replicated = offset(replica, "slave_repl_offset");
                return replicated > 0 && replicated == offset(master, "master_repl_offset");
            });
            try (Resp admin = replica.admin()) {
                admin.call("CONFIG", "SET", "masterauth", "not-the-password");
                admin.call("CLIENT", "KILL", "TYPE", "master");
            }
            int beforeLag = writer.acknowledged.size();
            writer.hold.set(false);
            long lagStarted = System.nanoTime();
            if (replicas == 0) {
                // Nothing waits for the cut-off replica: the master acknowledges these writes.
                await(LAG_WRITES + " writes acknowledged while the replica is cut off",
                        () -> writer.acknowledged.size() >= beforeLag + LAG_WRITES);
            } else {
                // Each write now waits for a replica that cannot confirm it: give the writer 1 s of lag.
                await("1 s of lag", () -> System.nanoTime() - lagStarted > TimeUnit.SECONDS.toNanos(1));
            }
            long killedAt = System.nanoTime();
            master.kill();
            long goneAt = System.nanoTime();
            writer.killedAt.set(killedAt);
            await("the replica to take over", () -> RedisCluster.info(replica, "INFO", "replication")
                    .contains("role:master"));
            long promotedAt = System.nanoTime();
            master.restart();
            await("the old master to rejoin as a replica", () -> RedisCluster.info(master, "INFO", "replication")
                    .contains("master_link_status:up"));
            await("a write acknowledged after the failover", () -> writer.firstAfterKill.get() != 0);
            int afterFailover = writer.acknowledged.size();
            await("20 more writes", () -> writer.acknowledged.size() >= afterFailover + 20);
            writer.stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(10));

            Figures figures = new Figures();
            figures.stallMillis = TimeUnit.NANOSECONDS.toMillis(writer.firstAfterKill.get() - killedAt);
            figures.promotionMillis = TimeUnit.NANOSECONDS.toMillis(promotedAt - killedAt);
            figures.acknowledgedAfterKill = writer.acknowledged.size() - writer.firstIndexAfterKill.get();
            figures.acknowledgedWhileCutOff = writer.firstIndexAfterKill.get() - beforeLag;
            figures.unknown = writer.unknown.get();
            for (int i = 0; i < writer.acknowledged.size(); i++) {
                Integer n = writer.acknowledged.get(i);
                long started = writer.startedAt.get(i);
                long ended = writer.endedAt.get(i);
                // A write that began before the kill and ended after it: either master may have run it.
                boolean straddles = started <= goneAt && ended >= killedAt;
                boolean lost = db.get(table, writer.key(n)) == null;
                if (lost) {
                    figures.lost++;
                }
                if (!straddles && lost) {
                    figures.lostKeys.add(n);
                }
                if (!straddles && i >= beforeLag && ended < killedAt) {
                    figures.cutOffKeys.add(n);
                }
            }
            Set<Long> versions = new HashSet<>();
            for (Long version : writer.versions) {
                if (!versions.add(version)) {
                    figures.duplicateVersions++;
                }
            }
            log.info("Failover of a master, WAIT {}: {} writes acknowledged ({} while the replica was cut off), "
                    + "replica promoted after {} ms, writes stalled {} ms, {} outcome-unknown failures, {} other failures, {} acknowledged writes lost, "
                    + "{} counter versions handed out twice", replicas, writer.acknowledged.size(),
                    figures.acknowledgedWhileCutOff, figures.promotionMillis, figures.stallMillis, figures.unknown, writer.failed.get(), figures.lost,
                    figures.duplicateVersions);
            return figures;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            writer.stop.set(true);
            try (Resp admin = replica.admin()) {
                admin.call("CONFIG", "SET", "masterauth", "");
            }
        }
    }

    /** A replication offset from a node's INFO replication. */
    private static long offset(RedisServer node, String field) {
        Matcher matcher = Pattern.compile(field + ":(\\d+)").matcher(RedisCluster.info(node, "INFO", "replication"));
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /** Which record keys of a table lie in buckets whose slots master {@code index} serves. */
    private static java.util.function.Predicate<String> servedBy(int index, String prefix, String table) {
        int first = SLOTS * index / 3;
        int last = SLOTS * (index + 1) / 3 - 1;
        KeySpace keys = new KeySpace(prefix);
        return key -> {
            int slot = io.lettuce.core.cluster.SlotHash.getSlot(keys.bucket(table, KeySpace.bucketOf(key))[0]);
            return slot >= first && slot <= last;
        };
    }

    private static void await(String what, BooleanSupplier condition) {
        RedisCluster.await(what, condition);
    }

    /** Figures of one failover. */
    private static final class Figures {
        long stallMillis;
        long promotionMillis;
        int acknowledgedAfterKill;
        int unknown;
        int lost;
        int acknowledgedWhileCutOff;
        int duplicateVersions;
        /** Acknowledged writes that are gone, except one that straddles the kill. */
        final Set<Integer> lostKeys = new java.util.TreeSet<>();
        /** Writes acknowledged after the cut and before the kill began. */
        final Set<Integer> cutOffKeys = new java.util.TreeSet<>();
    }

    /** Writes a new key and the shared counter in a loop, recording what was acknowledged. */
    private static final class Writer implements Runnable {
        final PikoDB db;
        final String table;
        final List<Integer> acknowledged = new CopyOnWriteArrayList<>();
        final List<Long> versions = new CopyOnWriteArrayList<>();
        /** When each acknowledged write's first command was issued, and when its last returned (nanoTime). */
        final List<Long> startedAt = new CopyOnWriteArrayList<>();
        final List<Long> endedAt = new CopyOnWriteArrayList<>();
        final AtomicInteger unknown = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean hold = new AtomicBoolean();
        volatile boolean holding;
        final AtomicLong killedAt = new AtomicLong();
        final AtomicLong firstAfterKill = new AtomicLong();
        final AtomicInteger firstIndexAfterKill = new AtomicInteger(Integer.MAX_VALUE);

        final java.util.function.Predicate<String> served;
        final String counter;

        /** Writes only keys of buckets on one master, so that its failover stalls every write. */
        Writer(PikoDB db, String table, java.util.function.Predicate<String> served) {
            this.db = db;
            this.table = table;
            this.served = served;
            int c = 0;
            while (!served.test("counter" + c)) {
                c++;
            }
            this.counter = "counter" + c;
        }

        /** The key of the n-th write: k + the n-th number whose key the master serves (cached). */
        private final java.util.Map<Integer, String> keysByN = new java.util.concurrent.ConcurrentHashMap<>();
        private int nextCandidate;

        String key(int n) {
            return keysByN.computeIfAbsent(n, ignored -> {
                synchronized (this) {
                    while (!served.test("k" + nextCandidate)) {
                        nextCandidate++;
                    }
                    return "k" + nextCandidate++;
                }
            });
        }

        @Override
        public void run() {
            for (int n = 0; !stop.get(); n++) {
                while (hold.get() && !stop.get()) {
                    holding = true;
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                holding = false;
                try {
                    long started = System.nanoTime();
                    db.write(table, key(n), n);
                    long version = db.write(table, counter, n);
                    long ended = System.nanoTime();
                    startedAt.add(started);
                    endedAt.add(ended);
                    acknowledged.add(n);
                    versions.add(version);
                    long kill = killedAt.get();
                    if (kill != 0 && firstAfterKill.get() == 0) {
                        firstIndexAfterKill.set(acknowledged.size() - 1);
                        firstAfterKill.set(System.nanoTime());
                    }
                } catch (PikoDBOutcomeUnknownException e) {
                    unknown.incrementAndGet();
                } catch (PikoDBException e) {
                    failed.incrementAndGet();
                }
            }
        }
    }
}
