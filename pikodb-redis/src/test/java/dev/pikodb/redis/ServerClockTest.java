package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import dev.pikodb.redis.testing.RedisServers;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Expiry on one clock: the server's {@code TIME} judges expiry, so a time-to-live is turned into an
 * instant on that clock ({@link PikoDB#clock()}), and instances whose own clocks are minutes off agree.
 * The server runs on this machine, so its clock is this machine's; the JVM's is skewed through the
 * engine's view of it.
 */
class ServerClockTest {

    private static final long SKEW = Duration.ofSeconds(120).toMillis();
    private static final long TTL = Duration.ofSeconds(60).toMillis();

    private PikoDB behind;
    private PikoDB ahead;

    private PikoDB open(String prefix, long skewMillis) {
        RedisStorage storage = RedisStorage.builder().uri(RedisServers.shared().uri()).keyPrefix(prefix).build();
        storage.localClockForTesting(() -> System.currentTimeMillis() + skewMillis);
        PikoDB db = new PikoDB(DatabaseOptions.builder().storage(storage).build());
        db.start();
        return db;
    }

    @AfterEach
    void close() {
        if (behind != null) {
            behind.close();
        }
        if (ahead != null) {
            ahead.close();
        }
    }

    @Test
    void aTimeToLiveFromTheStoresClockMeansTheSameOnInstancesWithSkewedClocks(TestInfo test) {
        String prefix = RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        long before = System.currentTimeMillis();
        behind = open(prefix, -SKEW);
        ahead = open(prefix, SKEW);

        long behindNow = behind.clock().millis();
        long aheadNow = ahead.clock().millis();
        behind.write("cache", "from-behind", "v", behind.clock().millis() + TTL);
        ahead.write("cache", "from-ahead", "v", ahead.clock().millis() + TTL);
        long after = System.currentTimeMillis();
        // The server's clock is this machine's: each store's clock reads it, up to the error of its
        // estimate of the offset (half a round trip, and no round trip outlasted the whole span).
        long error = after - before + 10;
        assertThat(behindNow).isBetween(before - error, after + error);
        assertThat(aheadNow).isBetween(before - error, after + error);
        assertThat(ahead.get("cache", "from-behind")).isEqualTo("v");
        assertThat(behind.get("cache", "from-ahead")).isEqualTo("v");
        assertThat(behind.getRecord("cache", "from-ahead").orElseThrow().expiration() - TTL)
                .isBetween(before - error, after + error);

        // The same time-to-live from the lagging JVM's own clock has already run out on the server's.
        long jvmBehind = System.currentTimeMillis() - SKEW;
        behind.write("cache", "jvm-clock", "v", jvmBehind + TTL);
        assertThat(ahead.get("cache", "jvm-clock")).isNull();
        // Nor does the lagging JVM, whose own clock has not reached that expiration, read it as live.
        behind.write("cache", "jvm-clock", "v", jvmBehind + TTL);
        assertThat(behind.get("cache", "jvm-clock")).isNull();
    }

    @Test
    void aConfiguredClockIsTheClockOfExpiry(TestInfo test) {
        MutableClock clock = new MutableClock(1_750_000_000_000L);
        RedisStorage storage = RedisServers.standaloneStorage(
                RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName())).build();
        behind = new PikoDB(DatabaseOptions.builder().storage(storage).clock(clock).build());
        behind.start();
        assertThat(behind.clock().millis()).isEqualTo(1_750_000_000_000L);
        behind.write("t", "k", "v", behind.clock().millis() + 1_000);
        clock.advance(1_001);
        assertThat(behind.get("t", "k")).isNull();
    }

    @Test
    void beforeStartTheClockIsTheConfiguredOne() {
        MutableClock clock = new MutableClock(42L);
        PikoDB db = new PikoDB(DatabaseOptions.builder()
                .storage(RedisServers.standaloneStorage("unstarted").build()).clock(clock).build());
        assertThat(db.clock().millis()).isEqualTo(42L);
        assertThat(db.clock().withZone(java.time.ZoneId.of("Europe/Helsinki")).millis()).isEqualTo(42L);
    }
}
