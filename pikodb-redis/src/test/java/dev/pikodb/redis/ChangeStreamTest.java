package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.ChangeEvent;
import dev.pikodb.ChangeEvent.Kind;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import dev.pikodb.redis.testing.RedisServer;
import dev.pikodb.redis.testing.RedisServers;
import dev.pikodb.redis.testing.Resp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Two instances sharing one database with a change stream: each one's listeners receive both
 * instances' changes, in commit order per key, naming the instance that made each.
 */
class ChangeStreamTest {

    private static final long NOW = 1_750_000_000_000L;

    @Nested
    class OneServer extends Cases {
        @Override
        RedisStorage.Builder storage(String prefix) {
            return RedisStorage.builder().uri(RedisServers.shared().uri()).keyPrefix(prefix);
        }
    }

    @Nested
    class Cluster extends Cases {
        @Override
        RedisStorage.Builder storage(String prefix) {
            return RedisStorage.builder().clusterNodes(RedisServers.sharedCluster().seedUris()).keyPrefix(prefix);
        }
    }

    abstract class Cases {

        final Databases databases = new Databases();
        final MutableClock clock = new MutableClock(NOW);
        final BlockingQueue<ChangeEvent> heardByB = new LinkedBlockingQueue<>();
        String prefix;

        abstract RedisStorage.Builder storage(String prefix);

        PikoDB open(String instance, int streamLength, Duration pollInterval) {
            return databases.open(storage(prefix).instanceId(instance).changeStream(streamLength)
                    .changeStreamPollInterval(pollInterval), options -> options.clock(clock));
        }

        PikoDB open(String instance) {
            return open(instance, 10_000, Duration.ofMillis(20));
        }

        @BeforeEach
        void prefix(TestInfo test) {
            prefix = RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        }

        @AfterEach
        void closeAll() {
            databases.close();
        }

        ChangeEvent next() throws InterruptedException {
            ChangeEvent event = heardByB.poll(10, TimeUnit.SECONDS);
            assertThat(event).as("a change event within 10 s").isNotNull();
            return event;
        }

        @Test
        void anotherInstancesWritesDeletesExpiriesAndTableDeletionsArriveInCommitOrderPerKey() throws Exception {
            PikoDB a = open("instance-a");
            PikoDB b = open("instance-b");
            b.subscribe(heardByB::add);

            a.write("t", "k1", "a");
            b.write("t", "k1", "b");
            a.delete("t", "k1");
            a.write("t", "k2", "x", NOW + 1_000);
            a.write("t", "k3", "y", NOW + 1_000);
            clock.set(NOW + 1_001);
            assertThat(a.cleanupExpired("t")).isEqualTo(2);
            b.write("t", "k4", "z");
            List<ChangeEvent> events = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                events.add(next());
            }
            assertThat(a.deleteTable("t")).isTrue();
            a.write("t", "k1", "again");
            for (int i = 0; i < 2; i++) {
                events.add(next());
            }

            Map<String, List<ChangeEvent>> byKey = new LinkedHashMap<>();
            for (ChangeEvent event : events) {
                byKey.computeIfAbsent(String.valueOf(event.key()), k -> new ArrayList<>()).add(event);
            }
            ChangeEvent again = new ChangeEvent(Kind.WRITTEN, "t", "k1", 0, 1, 0, "instance-a");
            assertThat(byKey.get("k1")).containsExactly(
                    new ChangeEvent(Kind.WRITTEN, "t", "k1", 0, 1, 0, "instance-a"),
                    new ChangeEvent(Kind.WRITTEN, "t", "k1", 1, 2, 0, "instance-b"),
                    new ChangeEvent(Kind.DELETED, "t", "k1", 2, 0, 0, "instance-a"),
                    again);
            assertThat(byKey.get("k2")).containsExactly(
                    new ChangeEvent(Kind.WRITTEN, "t", "k2", 0, 1, 0, "instance-a"),
                    new ChangeEvent(Kind.EXPIRED, "t", "k2", 1, 0, 0, "instance-a"));
            assertThat(byKey.get("k3")).containsExactly(
                    new ChangeEvent(Kind.WRITTEN, "t", "k3", 0, 1, 0, "instance-a"),
                    new ChangeEvent(Kind.EXPIRED, "t", "k3", 1, 0, 0, "instance-a"));
            assertThat(byKey.get("k4")).containsExactly(new ChangeEvent(Kind.WRITTEN, "t", "k4", 0, 1, 0, "instance-b"));
            ChangeEvent deleted = new ChangeEvent(Kind.TABLE_DELETED, "t", null, 0, 0, 0, "instance-a");
            assertThat(byKey.get("null")).containsExactly(deleted);
            assertThat(events.indexOf(deleted)).as("the table's next generation comes after its deletion")
                    .isLessThan(events.lastIndexOf(again));
            b.close();
            assertThat(heardByB).as("each change once: nothing more").isEmpty();
        }

        @Test
        void anExpiryFoundByAReadIsPublishedOnceByTheInstanceThatRemovedIt() throws Exception {
            PikoDB a = open("instance-a");
            PikoDB b = open("instance-b");
            BlockingQueue<ChangeEvent> heardByA = new LinkedBlockingQueue<>();
            a.subscribe(heardByA::add);
            b.subscribe(heardByB::add);
            a.write("sessions", "s1", "v", NOW + 10);
            clock.set(NOW + 11);
            assertThat(b.get("sessions", "s1")).isNull();
            assertThat(a.get("sessions", "s1")).isNull();
            assertThat(a.cleanupExpired("sessions")).isZero();
            a.write("sessions", "s1", "new");

            for (BlockingQueue<ChangeEvent> heard : List.of(heardByA, heardByB)) {
                List<ChangeEvent> events = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    ChangeEvent event = heard.poll(10, TimeUnit.SECONDS);
                    assertThat(event).as("event %d of 3", i + 1).isNotNull();
                    events.add(event);
                }
                assertThat(events).containsExactly(
                        new ChangeEvent(Kind.WRITTEN, "sessions", "s1", 0, 1, 0, "instance-a"),
                        new ChangeEvent(Kind.EXPIRED, "sessions", "s1", 1, 0, 0, "instance-b"),
                        new ChangeEvent(Kind.WRITTEN, "sessions", "s1", 0, 1, 0, "instance-a"));
            }
            a.close();
            b.close();
            assertThat(heardByA).isEmpty();
            assertThat(heardByB).isEmpty();
        }

        @Test
        void aReaderThatFellBehindATrimmedStreamReceivesMissedWithTheCountThenTheRest() throws Exception {
            // B reads once at start, then not for an hour: only its close reads the stream again. The
            // start's round runs on B's thread whenever it is scheduled: before A's writes (then the close
            // meets one gap), or among them on a loaded machine (then it delivers what the stream held and
            // the close meets a second gap).
            PikoDB b = open("instance-b", 10, Duration.ofHours(1));
            b.subscribe(heardByB::add);
            PikoDB a = open("instance-a", 10, Duration.ofHours(1));
            int writes = 500;
            for (int i = 1; i <= writes; i++) {
                a.write("t", "hot", i);
            }
            b.close();

            List<ChangeEvent> events = new ArrayList<>(heardByB);
            long expected = 1;
            int gaps = 0;
            int delivered = 0;
            for (ChangeEvent event : events) {
                if (event.kind() == Kind.MISSED) {
                    gaps++;
                    assertThat(event.table()).isEqualTo("t");
                    assertThat(event.instance()).isEqualTo("instance-b");
                    expected += event.missed();
                } else {
                    assertThat(event).isEqualTo(new ChangeEvent(Kind.WRITTEN, "t", "hot", expected - 1, expected, 0,
                            "instance-a"));
                    expected++;
                    delivered++;
                }
            }
            assertThat(expected).as("every change delivered or counted as missed").isEqualTo(writes + 1);
            assertThat(gaps).as("a gap for each of the two rounds that can find the stream trimmed").isBetween(1, 2);
            assertThat(delivered).as("the stream was trimmed to about its length").isLessThan(writes / 2);
        }

        @Test
        void aTableCreatedAndDeletedBetweenTwoReadsIsReadAllTheSame() throws Exception {
            // B reads once at start, then not for an hour: only its close reads the streams again.
            PikoDB b = open("instance-b", 10_000, Duration.ofHours(1));
            b.subscribe(heardByB::add);
            PikoDB a = open("instance-a", 10_000, Duration.ofHours(1));
            for (int v = 1; v <= 3; v++) {
                a.write("t", "k", v);
            }
            assertThat(a.deleteTable("t")).isTrue();
            b.close();

            assertThat(new ArrayList<>(heardByB)).containsExactly(
                    new ChangeEvent(Kind.WRITTEN, "t", "k", 0, 1, 0, "instance-a"),
                    new ChangeEvent(Kind.WRITTEN, "t", "k", 1, 2, 0, "instance-a"),
                    new ChangeEvent(Kind.WRITTEN, "t", "k", 2, 3, 0, "instance-a"),
                    new ChangeEvent(Kind.TABLE_DELETED, "t", null, 0, 0, 0, "instance-a"));
        }

        @Test
        void aTableListedAfterTheReaderStartedIsReadWithoutItsDeletedGenerations() throws Exception {
            PikoDB a = open("instance-a", 10_000, Duration.ofMillis(20));
            a.write("t", "old", 1);
            assertThat(a.deleteTable("t")).isTrue();
            PikoDB b = open("instance-b", 10_000, Duration.ofMillis(20));
            b.subscribe(heardByB::add);
            a.write("t", "new", 1);
            assertThat(next()).isEqualTo(new ChangeEvent(Kind.WRITTEN, "t", "new", 0, 1, 0, "instance-a"));
            b.close();
            assertThat(heardByB).isEmpty();
        }

        @Test
        void aRestartedInstanceWithoutAConfiguredIdStartsFromTheEndOfTheStreams() throws Exception {
            PikoDB a = open("instance-a");
            RedisStorage.Builder unnamed = storage(prefix).changeStream(10_000)
                    .changeStreamPollInterval(Duration.ofMillis(20));
            PikoDB b = databases.open(unnamed, options -> options.clock(clock));
            a.write("t", "before", 1);
            b.close();
            a.write("t", "while-b-was-stopped", 1);

            PikoDB restarted = databases.open(unnamed, options -> options.clock(clock), heardByB::add);
            a.write("t", "after", 1);
            assertThat(next().key()).isEqualTo("after");
            restarted.close();
            assertThat(heardByB).isEmpty();
        }

        @Test
        void aRestartedInstanceWithAConfiguredIdResumesWhereItStopped() throws Exception {
            PikoDB a = open("instance-a");
            PikoDB b = open("instance-b");
            a.write("t", "before", 1);
            b.close();
            a.write("t", "while-b-was-stopped", 1);
            a.write("u", "in-a-table-listed-while-b-was-stopped", 1);

            PikoDB restarted = databases.open(storage(prefix).instanceId("instance-b").changeStream(10_000)
                    .changeStreamPollInterval(Duration.ofMillis(20)), options -> options.clock(clock), heardByB::add);
            List<ChangeEvent> events = new ArrayList<>(List.of(next(), next()));
            a.write("t", "after", 1);
            events.add(next());
            assertThat(events).containsExactlyInAnyOrder(
                    new ChangeEvent(Kind.WRITTEN, "t", "while-b-was-stopped", 0, 1, 0, "instance-a"),
                    new ChangeEvent(Kind.WRITTEN, "u", "in-a-table-listed-while-b-was-stopped", 0, 1, 0, "instance-a"),
                    new ChangeEvent(Kind.WRITTEN, "t", "after", 0, 1, 0, "instance-a"));
            restarted.close();
            assertThat(heardByB).as("nothing twice, nothing from before the stop").isEmpty();
        }

        @Test
        void aRestartedInstanceReceivesMissedForWhatWasTrimmedWhileItWasStopped() throws Exception {
            PikoDB a = open("instance-a", 10, Duration.ofMillis(20));
            PikoDB b = open("instance-b", 10, Duration.ofMillis(20));
            a.write("t", "hot", 1);
            b.close();
            int writes = 500;
            for (int i = 2; i <= writes; i++) {
                a.write("t", "hot", i);
            }

            PikoDB restarted = databases.open(storage(prefix).instanceId("instance-b").changeStream(10)
                    .changeStreamPollInterval(Duration.ofHours(1)), options -> options.clock(clock), heardByB::add);
            restarted.close();
            List<ChangeEvent> events = new ArrayList<>(heardByB);
            assertThat(events).isNotEmpty();
            assertThat(events.get(0).kind()).isEqualTo(Kind.MISSED);
            long expected = 2;
            for (ChangeEvent event : events) {
                if (event.kind() == Kind.MISSED) {
                    expected += event.missed();
                } else {
                    assertThat(event).isEqualTo(new ChangeEvent(Kind.WRITTEN, "t", "hot", expected - 1, expected, 0,
                            "instance-a"));
                    expected++;
                }
            }
            assertThat(expected).as("every change since the stop delivered or counted as missed").isEqualTo(writes + 1);
            assertThat(events.stream().filter(event -> event.kind() == Kind.MISSED)).hasSize(1);
        }
    }

    /** On one server: a reader whose connection is killed reads on from its position after the reconnect. */
    @Test
    void aReconnectedReaderGoesOnFromItsPosition(TestInfo test) throws Exception {
        RedisServer server = RedisServers.start();
        String prefix = RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        BlockingQueue<ChangeEvent> heard = new LinkedBlockingQueue<>();
        try (Databases databases = new Databases()) {
            PikoDB a = databases.open(RedisStorage.builder().uri(server.uri()).keyPrefix(prefix).instanceId("a")
                    .changeStream(10_000).changeStreamPollInterval(Duration.ofMillis(20)), options -> options);
            PikoDB b = databases.open(RedisStorage.builder().uri(server.uri()).keyPrefix(prefix).instanceId("b")
                    .changeStream(10_000).changeStreamPollInterval(Duration.ofMillis(20)), options -> options);
            b.subscribe(heard::add);
            a.write("t", "k", 1);
            assertThat(heard.poll(10, TimeUnit.SECONDS)).extracting(ChangeEvent::version).isEqualTo(1L);

            try (Resp admin = server.admin()) {
                admin.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
            }
            for (int v = 2; v <= 20; v++) {
                writeRetrying(a, v);
            }
            for (long v = 2; v <= 20; v++) {
                ChangeEvent event = heard.poll(10, TimeUnit.SECONDS);
                assertThat(event).as("version %d after the reconnect", v).isNotNull();
                assertThat(event.version()).isEqualTo(v);
                assertThat(event.instance()).isEqualTo("a");
            }
        } finally {
            server.stop();
        }
    }

    /**
     * On one server: the bucket numbers its stream's entries, so a stream removed while a reader was
     * behind (by hand, or evicted) is reported as missed, with the count, and not read on silently.
     */
    @Test
    void aStreamRemovedWhileAReaderWasBehindIsReportedAsMissedWithTheCount(TestInfo test) throws Exception {
        RedisServer server = RedisServers.shared();
        String prefix = RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        BlockingQueue<ChangeEvent> heard = new LinkedBlockingQueue<>();
        try (Databases databases = new Databases()) {
            // B reads once at start, then not for an hour: only its close reads the stream again.
            PikoDB b = databases.open(RedisStorage.builder().uri(server.uri()).keyPrefix(prefix).instanceId("b")
                    .changeStream(10_000).changeStreamPollInterval(Duration.ofHours(1)), options -> options);
            b.subscribe(heard::add);
            PikoDB a = databases.open(RedisStorage.builder().uri(server.uri()).keyPrefix(prefix).instanceId("a")
                    .changeStream(10_000).changeStreamPollInterval(Duration.ofHours(1)), options -> options);
            for (int v = 1; v <= 5; v++) {
                a.write("t", "hot", v);
            }
            byte[] stream = new KeySpace(prefix).bucket("t", KeySpace.bucketOf("hot"))[4];
            try (Resp admin = server.admin()) {
                assertThat(admin.call("DEL", new String(stream, java.nio.charset.StandardCharsets.UTF_8)))
                        .isEqualTo(1L);
            }
            for (int v = 6; v <= 8; v++) {
                a.write("t", "hot", v);
            }
            b.close();
        }
        assertThat(new ArrayList<>(heard)).containsExactly(
                new ChangeEvent(Kind.MISSED, "t", null, 0, 0, 5, "b"),
                new ChangeEvent(Kind.WRITTEN, "t", "hot", 5, 6, 0, "a"),
                new ChangeEvent(Kind.WRITTEN, "t", "hot", 6, 7, 0, "a"),
                new ChangeEvent(Kind.WRITTEN, "t", "hot", 7, 8, 0, "a"));
    }

    /** A write whose connection was just killed may fail unsent or with an unknown outcome; it is retried as its caller would. */
    private static void writeRetrying(PikoDB db, int value) {
        for (int attempt = 1;; attempt++) {
            try {
                long before = db.getRecord("t", "k").map(dev.pikodb.DatabaseRecord::version).orElse(0L);
                if (before >= value) {
                    return;
                }
                db.write("t", "k", value);
                return;
            } catch (RuntimeException e) {
                if (attempt == 50) {
                    throw e;
                }
            }
        }
    }
}
