package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.ChangeEvent;
import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import dev.pikodb.redis.testing.OwnRedisServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What one write costs the server, counted by the server itself ({@code INFO commandstats} of a server
 * of its own): the commands the write script calls for a new key and for an overwrite, and that it asks
 * the server's clock ({@code TIME}) only to judge an old record's expiration.
 */
class WriteScriptCallsTest {

    private final Databases databases = new Databases();
    /** The changes, as the database's delivery thread hands them over (after the write returns). */
    private final BlockingQueue<ChangeEvent> changes = new LinkedBlockingQueue<>();
    @RegisterExtension
    final OwnRedisServer server = new OwnRedisServer();
    private PikoDB db;

    @BeforeEach
    void start() {
        server.admin().call("SCRIPT", "LOAD", new String(Scripts.WRITE.source(), StandardCharsets.UTF_8));
        db = databases.open(RedisStorage.builder().uri(server.uri()).keyPrefix("calls"), options -> options);
        db.subscribe(changes::add);
        // A key in every bucket, so that the writes counted open no bucket (which adds its sentinels).
        java.util.Set<Integer> opened = new java.util.HashSet<>();
        for (int i = 0; opened.size() < KeySpace.BUCKETS; i++) {
            db.write("t", "w" + i, Map.of("n", 0));
            opened.add(KeySpace.bucketOf("w" + i));
        }
    }

    @AfterEach
    void stop() {
        databases.close();
    }

    @Test
    void aWriteWithoutExpirationsCallsNoClockAndOnlyTheCommandsItNeeds() {
        server.admin().call("CONFIG", "RESETSTAT");
        for (int i = 0; i < 10; i++) {
            assertThat(db.write("t", "k" + i, Map.of("n", i))).isEqualTo(1);
        }

        assertThat(server.admin().commandCalls("evalsha")).isEqualTo(10);
        assertThat(server.admin().commandCalls("hmget")).as("the bucket's state and the old record").isEqualTo(10);
        assertThat(server.admin().commandCalls("hset")).as("the record").isEqualTo(10);
        assertThat(server.admin().commandCalls("zadd")).as("the new key's key-index member").isEqualTo(10);
        assertThat(server.admin().commandCalls("time")).as("no clock: no expiration to judge").isZero();

        server.admin().call("CONFIG", "RESETSTAT");
        for (int i = 0; i < 10; i++) {
            assertThat(db.write("t", "k" + i, Map.of("n", i + 1))).isEqualTo(2);
        }

        assertThat(server.admin().commandCalls("evalsha")).isEqualTo(10);
        assertThat(server.admin().commandCalls("hmget")).isEqualTo(10);
        assertThat(server.admin().commandCalls("hset")).isEqualTo(10);
        assertThat(server.admin().commandCalls("zadd") + server.admin().commandCalls("zrem") + server.admin().commandCalls("time")).isZero();
        assertThat(db.get("t", "k9")).isEqualTo(Map.of("n", 10));
    }

    @Test
    void aWriteStampsTheRecordWithTheServersTimeEvenWhenThisJvmsClockIsAnHourAhead() {
        long before = serverMillis();
        RedisStorage storage = RedisStorage.builder().uri(server.uri()).keyPrefix("calls").build();
        storage.localClockForTesting(() -> System.currentTimeMillis() + 3_600_000);
        try (PikoDB ahead = new PikoDB(DatabaseOptions.builder().storage(storage).build())) {
            ahead.start();
            ahead.write("t", "warm", Map.of("n", 0)); // measures the server's clock once
            server.admin().call("CONFIG", "RESETSTAT");
            ahead.write("t", "k", Map.of("n", 1));
            assertThat(server.admin().commandCalls("time")).as("not from the write script").isZero();
        }
        long after = serverMillis();

        // The JVM's reckoning of the server's time is exact to half the round trip of one TIME, which
        // took no longer than the whole span.
        long error = after - before + 10;
        assertThat(db.getRecord("t", "k").orElseThrow().timestamp()).isBetween(before - error, after + error);
    }

    @Test
    void anOverwriteOfAnExpiredRecordJudgesItByTheServersClockAndReportsItsExpiry() {
        assertThat(db.write("t", "k", Map.of("n", 1))).isEqualTo(1);
        assertThat(db.write("t", "k", Map.of("n", 2), serverMillis() - 60_000)).isEqualTo(2);
        server.admin().call("CONFIG", "RESETSTAT");
        // Changes are delivered on their own thread: skip those of the writes so far, up to the last one.
        while (!describe(nextChange()).equals("WRITTEN k 1 2")) {
            // an earlier write's change
        }

        assertThat(db.write("t", "k", Map.of("n", 3))).as("a new record replaces the expired one").isEqualTo(1);

        assertThat(server.admin().commandCalls("time")).as("the old record's expiration judged by the server").isEqualTo(1);
        assertThat(List.of(describe(nextChange()), describe(nextChange())))
                .containsExactly("EXPIRED k 2 0", "WRITTEN k 0 1");
        assertThat(changes).isEmpty();
        assertThat(db.getRecord("t", "k").orElseThrow().version()).isEqualTo(1);
        assertThat(db.get("t", "k")).isEqualTo(Map.of("n", 3));
    }

    private ChangeEvent nextChange() {
        try {
            ChangeEvent change = changes.poll(30, TimeUnit.SECONDS);
            assertThat(change).as("a change delivered within 30 s").isNotNull();
            return change;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String describe(ChangeEvent change) {
        return change.kind() + " " + change.key() + " " + change.previousVersion() + " " + change.version();
    }

    private long serverMillis() {
        List<?> time = (List<?>) server.admin().call("TIME");
        return Long.parseLong((String) time.get(0)) * 1000 + Long.parseLong((String) time.get(1)) / 1000;
    }
}
