package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import dev.pikodb.TableSummary;
import dev.pikodb.redis.testing.OwnRedisServer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a point read asks of the server, counted by the server itself ({@code INFO commandstats} of a
 * server of its own): one {@code HGET} when the answer needs no clock, the read script when the
 * server's clock must judge an expiration, and never two round trips in a row for a table whose
 * records expire.
 */
class PointReadsTest {

    private static final long NOW = 1_750_000_000_000L;

    private final Databases databases = new Databases();
    @RegisterExtension
    final OwnRedisServer server = new OwnRedisServer();

    @BeforeEach
    void start() {
        // Cached up front, so that no first run falls back from EVALSHA to EVAL while commands are counted.
        server.admin().call("SCRIPT", "LOAD", new String(Scripts.READ.source(), StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        databases.close();
    }

    @Test
    void aReadOfARecordThatDoesNotExpireOrOfAMissingOneIsOneHgetAndRunsNoScript() {
        PikoDB db = open(null);
        for (int i = 0; i < 10; i++) {
            db.write("t", "k" + i, Map.of("n", i));
        }
        server.admin().call("CONFIG", "RESETSTAT");

        for (int i = 0; i < 10; i++) {
            assertThat(db.get("t", "k" + i)).isEqualTo(Map.of("n", i));
        }
        assertThat(db.get("t", "missing")).isNull();
        assertThat(db.get("no such table", "k0")).isNull();

        assertThat(calls("hget")).isEqualTo(12);
        assertThat(calls("evalsha") + calls("eval")).isZero();
    }

    @Test
    void recordsThatExpireLaterThanTheServersClockCanHaveReachedAreReadWithOneHget() {
        PikoDB db = open(null);
        long now = db.clock().millis();
        for (int i = 0; i < 10; i++) {
            db.write("sessions", "s" + i, i, now + 600_000);
        }
        server.admin().call("CONFIG", "RESETSTAT");

        for (int i = 0; i < 10; i++) {
            assertThat(db.get("sessions", "s" + i)).isEqualTo(i);
        }

        assertThat(calls("hget")).isEqualTo(10);
        assertThat(calls("evalsha") + calls("eval")).isZero();
    }

    @Test
    void anExpiredRecordIsRemovedByTheScriptAndItsTableIsThenReadWithTheScriptWithOneRoundTripPerRead() {
        PikoDB db = open(null);
        long now = db.clock().millis();
        for (int i = 0; i < 10; i++) {
            db.write("sessions", "s" + i, i, now + 600_000);
        }
        db.write("sessions", "gone", -1, now - 60_000);
        server.admin().call("CONFIG", "RESETSTAT");

        assertThat(db.get("sessions", "gone")).isNull();
        assertThat(db.statistics().expiredRemoved()).isEqualTo(1);
        assertThat(calls("evalsha")).isEqualTo(1);
        assertThat(calls("hget")).as("the read's HGET; the script's of the record and of its index entries")
                .isEqualTo(3);

        assertThat(db.get("sessions", "s0")).isEqualTo(0);
        assertThat(calls("evalsha")).as("straight to the script").isEqualTo(2);
        assertThat(calls("hget")).isEqualTo(4);
        assertThat(db.get("sessions", "s1")).isEqualTo(1);
        assertThat(calls("evalsha")).as("the script found a record an HGET could judge: back to HGET").isEqualTo(2);
        assertThat(calls("hget")).isEqualTo(5);
        assertThat(db.tableSummary("sessions")).map(TableSummary::records).hasValue(10);
    }

    @Test
    void recordsTooCloseToTheirExpirationForThisJvmToJudgeAreJudgedByTheServer() {
        RedisStorage storage = RedisStorage.builder().uri(server.uri()).keyPrefix("reads").build();
        // As if the server's clock could run an hour ahead of what this JVM saw pass.
        storage.serverClockMarginForTesting(3_600_000);
        PikoDB db = new PikoDB(dev.pikodb.DatabaseOptions.builder().storage(storage).build());
        db.start();
        try {
            long now = db.clock().millis();
            db.write("sessions", "near", "n", now + 600_000);
            db.write("sessions", "far", "f", now + 7_200_000);
            db.write("plain", "p", 1);
            server.admin().call("CONFIG", "RESETSTAT");

            assertThat(db.get("sessions", "near")).isEqualTo("n");
            assertThat(calls("evalsha")).as("within the margin: the server judged it").isEqualTo(1);
            assertThat(db.get("sessions", "far")).isEqualTo("f");
            assertThat(calls("evalsha")).as("the table was remembered: straight to the script").isEqualTo(2);
            assertThat(db.get("sessions", "far")).isEqualTo("f");
            assertThat(db.get("plain", "p")).isEqualTo(1);
            assertThat(calls("evalsha")).as("beyond the margin, and no expiration: HGET").isEqualTo(2);
            assertThat(calls("hget")).as("near: HGET and script; far: script, then HGET; plain: HGET")
                    .isEqualTo(2 + 2 + 1);
        } finally {
            db.close();
        }
    }

    @Test
    void withAConfiguredClockAnExpiringRecordIsReadWithHgetUntilItExpiresAndThenRemovedByTheScript() {
        MutableClock clock = new MutableClock(NOW);
        PikoDB db = open(clock);
        db.write("t", "k", "v", NOW + 1000);
        server.admin().call("CONFIG", "RESETSTAT");

        clock.set(NOW + 1000);
        assertThat(db.get("t", "k")).isEqualTo("v");
        assertThat(calls("hget")).isEqualTo(1);
        assertThat(calls("evalsha")).isZero();

        clock.set(NOW + 1001);
        assertThat(db.get("t", "k")).isNull();
        assertThat(calls("evalsha")).as("the removal").isEqualTo(1);
        assertThat(db.statistics().expiredRemoved()).isEqualTo(1);
        assertThat(db.tableSummary("t")).map(TableSummary::records).hasValue(0);
    }

    private PikoDB open(MutableClock clock) {
        return databases.open(RedisStorage.builder().uri(server.uri()).keyPrefix("reads"),
                options -> clock == null ? options : options.clock(clock));
    }

    private long calls(String command) {
        return server.admin().commandCalls(command);
    }
}
