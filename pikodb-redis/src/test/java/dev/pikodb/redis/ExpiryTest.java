package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import dev.pikodb.TableSummary;
import dev.pikodb.redis.testing.RedisServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Expiry at exact boundaries, with the application's clock instead of the server's TIME. */
class ExpiryTest {

    private static final long NOW = 1_750_000_000_000L;
    private static final long EXPIRES = NOW + 1000;

    private final Databases databases = new Databases();
    private final MutableClock clock = new MutableClock(NOW);
    private PikoDB db;
    private PikoDB other;

    @BeforeEach
    void open(TestInfo test) {
        String prefix = RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        db = databases.standalone(prefix, clock);
        other = databases.standalone(prefix, clock);
    }

    @AfterEach
    void close() {
        databases.close();
    }

    @Test
    void aRecordIsLiveUntilNowPassesItsExpiration() {
        db.write("t", "k", "v", EXPIRES);
        assertThat(db.getRecord("t", "k").orElseThrow().timestamp()).isEqualTo(NOW);

        clock.set(EXPIRES);
        assertThat(db.get("t", "k")).isEqualTo("v");
        assertThat(other.get("t")).hasSize(1);

        clock.set(EXPIRES + 1);
        assertThat(other.get("t")).isEmpty();
        assertThat(db.get("t", "k")).isNull();
        assertThat(db.getRecord("t", "k")).isEmpty();
        assertThat(db.delete("t", "k")).isFalse();
    }

    @Test
    void anExpiredKeyStartsAgainAtVersionOneAndCountsAsMissingForCompareAndWrite() {
        db.write("t", "k", 1, EXPIRES);
        db.write("t", "k", 2, EXPIRES);
        clock.set(EXPIRES + 1);

        assertThat(other.compareAndWrite("t", "k", 2, "stale")).isFalse();
        assertThat(other.compareAndWrite("t", "k", 0, "fresh")).isTrue();
        assertThat(db.getRecord("t", "k").orElseThrow().version()).isEqualTo(1);
        assertThat(db.getRecord("t", "k").orElseThrow().expiration()).isNull();
    }

    @Test
    void cleanupRemovesExpiredRecordsOnlyAndCountsThem() {
        for (int i = 0; i < 3; i++) {
            db.write("t", "expired" + i, i, EXPIRES);
        }
        db.write("t", "later", 1, EXPIRES + 1000);
        db.write("t", "forever", 1);
        db.write("t", "madeForever", 1, EXPIRES);
        db.write("t", "madeForever", 2);
        db.write("u", "expired", 1, EXPIRES);
        clock.set(EXPIRES + 1);

        assertThat(db.tableSummary("t")).map(TableSummary::records).hasValue(6);
        assertThat(other.cleanupExpired("t")).isEqualTo(3);
        assertThat(db.cleanupExpired("t")).isZero();
        assertThat(db.getTableSize("t")).isEqualTo(3);
        assertThat(db.tableSummary("t")).map(TableSummary::records).hasValue(3);
        assertThat(db.get("t", "madeForever")).isEqualTo(2);
        assertThat(other.cleanupAllExpired()).isEqualTo(1);
        assertThat(db.listTables()).containsExactly("t", "u");
    }

    @Test
    void cleanupRemovesARecordAtItsLastExpirationWhetherItWasPostponedOrBroughtForward() {
        db.write("t", "renewed", 0, EXPIRES);
        for (int i = 1; i <= 3; i++) {
            db.write("t", "renewed", i, EXPIRES + i * 1000);
        }
        db.write("t", "shortened", 0, EXPIRES + 5000);
        db.write("t", "shortened", 1, EXPIRES);

        clock.set(EXPIRES + 1);
        assertThat(other.cleanupExpired("t")).as("only the shortened one").isEqualTo(1);
        assertThat(db.getRecord("t", "shortened")).isEmpty();
        clock.set(EXPIRES + 3000);
        assertThat(other.cleanupExpired("t")).as("the renewed one is live until its last expiration").isZero();
        assertThat(db.getRecord("t", "renewed").orElseThrow().version()).isEqualTo(4);
        clock.set(EXPIRES + 3001);
        assertThat(other.cleanupExpired("t")).isEqualTo(1);
        assertThat(db.getTableSize("t")).isZero();
        db.write("t", "renewed", "again", EXPIRES + 10_000);
        clock.set(EXPIRES + 10_001);
        assertThat(other.cleanupExpired("t")).isEqualTo(1);
    }

    @Test
    void getTableSizeRemovesExpiredRecordsInBatches() {
        int count = 1200;
        for (int i = 0; i < count; i++) {
            db.write("t", "k" + i, i, i % 3 == 0 ? EXPIRES + 5000 : EXPIRES);
        }
        clock.set(EXPIRES + 1);

        assertThat(db.getTableSize("t")).isEqualTo(count / 3);
        assertThat(db.cleanupExpired("t")).as("already removed by getTableSize").isZero();
        assertThat(db.statistics().expiredRemoved()).isEqualTo(count - count / 3);
    }
}
