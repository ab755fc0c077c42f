package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.redis.testing.RedisCluster;
import dev.pikodb.redis.testing.RedisServer;
import dev.pikodb.redis.testing.Resp;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the slots of a table's buckets between masters, key by key as {@code redis-cli --cluster
 * reshard} does ({@code CLUSTER SETSLOT IMPORTING/MIGRATING}, {@code MIGRATE}, {@code SETSLOT NODE}),
 * while 4 writers and a reader run: no acknowledged write may be lost, no version handed out twice,
 * and every failure is counted by its cause.
 */
class ReshardTest {

    private static final Logger log = LoggerFactory.getLogger(ReshardTest.class);
    private static final String PREFIX = "reshard";
    private static final String TABLE = "moving";
    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start(3, 0);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    void writesAndReadsGoOnWhileTheTablesSlotsMove() throws Exception {
        try (Databases databases = new Databases()) {
            PikoDB db = databases.open(RedisStorage.builder().clusterNodes(cluster.seedUris()).keyPrefix(PREFIX)
                    .commandTimeout(Duration.ofSeconds(5)).topologyRefreshPeriod(Duration.ofSeconds(1)), o -> o);
            for (int i = 0; i < 1000; i++) {
                db.write(TABLE, "seed" + i, i);
            }
            Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Writer> writers = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                Writer writer = new Writer(db, w, stop, failures);
                writers.add(writer);
                threads.add(new Thread(writer, "reshard-writer-" + w));
            }
            AtomicInteger reads = new AtomicInteger();
            threads.add(new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        db.get(TABLE, "seed" + (i % 1000));
                        if (i % 200 == 0) {
                            db.get(TABLE);
                        }
                        reads.incrementAndGet();
                    } catch (PikoDBException e) {
                        failures.computeIfAbsent("read: " + cause(e), k -> new AtomicInteger()).incrementAndGet();
                    }
                }
            }, "reshard-reader"));
            threads.forEach(Thread::start);

            long started = System.nanoTime();
            int moved = 0;
            // Every bucket slot of the table, moved to the next master, twice round.
            for (int pass = 0; pass < 2; pass++) {
                for (int slot : bucketSlots()) {
                    int from = ownerOf(slot);
                    moveSlot(slot, cluster.masters().get(from), cluster.masters().get((from + 1) % 3));
                    moved++;
                }
            }
            long reshardMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            int acknowledgedDuring = writers.stream().mapToInt(w -> w.acknowledged.size()).sum();
            RedisCluster.await("50 more writes after the reshard", () -> writers.stream()
                    .mapToInt(w -> w.acknowledged.size()).sum() > acknowledgedDuring + 50);
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(20));
            }

            int lost = 0;
            Set<Long> versions = new HashSet<>();
            int duplicates = 0;
            int acknowledged = 0;
            for (Writer writer : writers) {
                acknowledged += writer.acknowledged.size();
                for (int n : writer.acknowledged) {
                    if (!Integer.valueOf(n).equals(db.get(TABLE, writer.key(n)))) {
                        lost++;
                    }
                }
                for (long version : writer.counterVersions) {
                    if (!versions.add(version)) {
                        duplicates++;
                    }
                }
            }
            log.info("FIGURE reshard: {} bucket slots moved in {} ms while 4 writers and a reader ran: {} writes "
                    + "acknowledged, {} reads, {} acknowledged writes lost, {} counter versions handed out twice, "
                    + "failures {}", moved, reshardMillis, acknowledged, reads.get(), lost, duplicates, failures);
            assertThat(lost).as("acknowledged writes lost").isZero();
            assertThat(duplicates).as("versions handed out twice").isZero();
            assertThat(failures).as("failed operations by cause").isEmpty();
            assertThat(db.getTableSize(TABLE)).as("seeds, acknowledged keys and the counter")
                    .isEqualTo(1000 + acknowledged + 1);
        }
    }

    /** A failure's cause, for counting: PikoDB's exception type and the client's failure, e.g. TRYAGAIN. */
    private static String cause(Exception e) {
        Throwable root = e.getCause() != null ? e.getCause() : e;
        String message = String.valueOf(root.getMessage());
        return e.getClass().getSimpleName() + " <- " + root.getClass().getSimpleName() + " "
                + (message.length() > 40 ? message.substring(0, 40) : message);
    }

    private static List<Integer> bucketSlots() {
        List<Integer> slots = new ArrayList<>();
        for (byte[][] bucket : new KeySpace(PREFIX).buckets(TABLE)) {
            slots.add(SlotHash.getSlot(bucket[0]));
        }
        return slots;
    }

    private static int ownerOf(int slot) {
        for (int i = 0; i < 3; i++) {
            try (Resp admin = cluster.masters().get(i).admin()) {
                if (((Long) admin.call("CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot))) > 0) {
                    return i;
                }
            }
        }
        throw new IllegalStateException("No master holds the keys of slot " + slot);
    }

    /** Moves one slot as redis-cli does, one key per MIGRATE so that writers meet half-moved buckets. */
    private static void moveSlot(int slot, RedisServer source, RedisServer target) {
        String s = Integer.toString(slot);
        try (Resp from = source.admin(); Resp to = target.admin()) {
            String sourceId = from.text("CLUSTER", "MYID");
            String targetId = to.text("CLUSTER", "MYID");
            to.call("CLUSTER", "SETSLOT", s, "IMPORTING", sourceId);
            from.call("CLUSTER", "SETSLOT", s, "MIGRATING", targetId);
            while (true) {
                List<?> keys = (List<?>) from.call("CLUSTER", "GETKEYSINSLOT", s, "1");
                if (keys.isEmpty()) {
                    break;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                from.call("MIGRATE", "127.0.0.1", Integer.toString(target.port()), "", "0", "5000", "KEYS",
                        (String) keys.get(0));
            }
            to.call("CLUSTER", "SETSLOT", s, "NODE", targetId);
            from.call("CLUSTER", "SETSLOT", s, "NODE", targetId);
            for (RedisServer master : cluster.masters()) {
                if (master != source && master != target) {
                    try (Resp other = master.admin()) {
                        other.call("CLUSTER", "SETSLOT", s, "NODE", targetId);
                    }
                }
            }
        }
    }

    /** Writes new keys and a shared counter, recording what was acknowledged. */
    private static final class Writer implements Runnable {
        final PikoDB db;
        final int id;
        final AtomicBoolean stop;
        final Map<String, AtomicInteger> failures;
        final List<Integer> acknowledged = new CopyOnWriteArrayList<>();
        final List<Long> counterVersions = new CopyOnWriteArrayList<>();
        final AtomicInteger attempted = new AtomicInteger();

        Writer(PikoDB db, int id, AtomicBoolean stop, Map<String, AtomicInteger> failures) {
            this.db = db;
            this.id = id;
            this.stop = stop;
            this.failures = failures;
        }

        String key(int n) {
            return "w" + id + "-" + n;
        }

        @Override
        public void run() {
            for (int n = 0; !stop.get(); n++) {
                attempted.incrementAndGet();
                try {
                    db.write(TABLE, key(n), n);
                    acknowledged.add(n);
                } catch (PikoDBException e) {
                    failures.computeIfAbsent("write: " + cause(e), k -> new AtomicInteger()).incrementAndGet();
                }
                try {
                    counterVersions.add(db.write(TABLE, "counter", n));
                } catch (PikoDBException e) {
                    failures.computeIfAbsent("counter: " + cause(e), k -> new AtomicInteger()).incrementAndGet();
                }
            }
        }
    }
}
