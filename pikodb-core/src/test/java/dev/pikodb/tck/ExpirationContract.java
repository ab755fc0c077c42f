package dev.pikodb.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.TableSummary;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

/** A record is expired when now > expiration, and then invisible to every read. */
public abstract class ExpirationContract extends ContractSupport {

    private static final long EXPIRES = T0 + 60_000;

    @Test
    void recordIsVisibleUpToAndIncludingItsExpirationMillisecond() {
        db.write("sessions", "s", "token", EXPIRES);

        clock.set(EXPIRES - 1);
        assertThat(db.get("sessions", "s")).isEqualTo("token");
        clock.set(EXPIRES);
        assertThat(db.get("sessions", "s")).as("now == expiration is not yet expired").isEqualTo("token");
        assertThat(db.getRecord("sessions", "s")).isPresent();
        assertThat(db.getTableSize("sessions")).isEqualTo(1);
        clock.set(EXPIRES + 1);
        assertThat(db.get("sessions", "s")).as("now > expiration is expired").isNull();
    }

    @Test
    void recordWrittenWithAPastExpirationIsImmediatelyInvisible() {
        assertThat(db.write("sessions", "s", "token", T0 - 1)).isEqualTo(1);

        assertThat(db.get("sessions", "s")).isNull();
        assertThat(db.getRecord("sessions", "s")).isEmpty();
    }

    @Test
    void expiredRecordIsInvisibleToEveryRead() {
        db.write("sessions", "expired", map("user", "a"), EXPIRES);
        db.write("sessions", "live", map("user", "b"));
        clock.set(EXPIRES + 1);

        assertThat(db.get("sessions", "expired")).isNull();
        assertThat(db.get("sessions", "expired", Map.class)).isNull();
        assertThat(db.get("sessions", "expired", new TypeReference<Map<String, String>>() { })).isNull();
        assertThat(db.getRecord("sessions", "expired")).isEmpty();
        assertThat(asMap(db.get("sessions"))).containsOnlyKeys("live");
        assertThat(db.getTableSize("sessions")).isEqualTo(1);
    }

    @Test
    void getTableDoesNotReturnExpiredRecords() {
        db.write("sessions", "expired", 1, EXPIRES);
        db.write("sessions", "live", 2, EXPIRES + 10);
        clock.set(EXPIRES + 1);

        assertThat(db.get("sessions")).extracting(Map.Entry::getKey).containsExactly("live");
    }

    @Test
    void deletingAnExpiredKeyReturnsFalse() {
        db.write("sessions", "s", "token", EXPIRES);
        clock.set(EXPIRES + 1);

        assertThat(db.delete("sessions", "s")).isFalse();
        assertThat(db.getRecord("sessions", "s")).isEmpty();
    }

    @Test
    void getTableSizeCountsOnlyLiveRecords() {
        for (int i = 0; i < 5; i++) {
            db.write("t", "expiring" + i, i, EXPIRES + i);
        }
        db.write("t", "forever", 0);

        clock.set(EXPIRES + 2); // expiring0..1 expired (EXPIRES+0, +1 < now), expiring2 at the boundary
        assertThat(db.getTableSize("t")).isEqualTo(4);
        clock.set(EXPIRES + 100);
        assertThat(db.getTableSize("t")).isEqualTo(1);
    }

    @Test
    void cleanupExpiredReturnsTheNumberRemoved() {
        for (int i = 0; i < 3; i++) {
            db.write("t", "expired" + i, i, EXPIRES);
        }
        db.write("t", "later", 1, EXPIRES + 1000);
        db.write("t", "forever", 1);
        clock.set(EXPIRES + 1);

        assertThat(db.cleanupExpired("t")).isEqualTo(3);
        assertThat(db.cleanupExpired("t")).isZero();
        assertThat(db.getTableSize("t")).isEqualTo(2);
        assertThat(db.tableSummary("t")).get().extracting(TableSummary::records).isEqualTo(2);
    }

    @Test
    void cleanupAllExpiredSumsOverTables() {
        db.write("a", "1", 1, EXPIRES);
        db.write("a", "2", 1, EXPIRES);
        db.write("b", "1", 1, EXPIRES);
        db.write("b", "2", 1);
        db.write("c", "1", 1);
        clock.set(EXPIRES + 1);

        assertThat(db.cleanupAllExpired()).isEqualTo(3);
        assertThat(db.cleanupAllExpired()).isZero();
        assertThat(db.getTableSize("a")).isZero();
        assertThat(db.getTableSize("b")).isEqualTo(1);
        assertThat(db.getTableSize("c")).isEqualTo(1);
    }

    @Test
    void cleanupAllExpiredIncludesTablesFromBeforeARestart() {
        db.write("a", "1", 1, EXPIRES);
        db.write("b", "1", 1, EXPIRES);
        reopen();
        clock.set(EXPIRES + 1);

        assertThat(db.cleanupAllExpired()).isEqualTo(2);
    }

    @Test
    void cleanupExpiredOfAMissingTableIsZeroAndDoesNotCreateIt() {
        assertThat(db.cleanupExpired("nosuchtable")).isZero();
        assertThat(db.listTables()).doesNotContain("nosuchtable");
        assertThat(storedTables()).doesNotContain("nosuchtable");
    }

    @Test
    void expiredRecordIsRemovedOnGet() {
        db.write("t", "k", 1, EXPIRES);
        clock.set(EXPIRES + 1);

        assertThat(db.get("t", "k")).isNull();

        assertThat(db.cleanupExpired("t")).as("already removed by the read").isZero();
    }

    @Test
    void expiredRecordIsRemovedOnTypedGet() {
        db.write("t", "k", 1, EXPIRES);
        clock.set(EXPIRES + 1);

        assertThat(db.get("t", "k", Integer.class)).isNull();

        assertThat(db.cleanupExpired("t")).as("already removed by the read").isZero();
    }

    @Test
    void expiredRecordIsRemovedOnGetRecord() {
        db.write("t", "k", 1, EXPIRES);
        clock.set(EXPIRES + 1);

        assertThat(db.getRecord("t", "k")).isEmpty();

        assertThat(db.cleanupExpired("t")).as("already removed by the read").isZero();
    }

    @Test
    void expiredRecordsAreRemovedByGetTableSize() {
        db.write("t", "a", 1, EXPIRES);
        db.write("t", "b", 1, EXPIRES);
        clock.set(EXPIRES + 1);

        assertThat(db.getTableSize("t")).isZero();

        assertThat(db.cleanupExpired("t")).as("already removed by getTableSize").isZero();
        assertThat(db.tableSummary("t")).map(TableSummary::records).hasValue(0);
    }

    @Test
    void expiredRecordsAreRemovedByGetTable() {
        db.write("t", "a", 1, EXPIRES);
        db.write("t", "b", 1);
        clock.set(EXPIRES + 1);

        assertThat(db.get("t")).hasSize(1);

        assertThat(db.cleanupExpired("t")).as("already removed by reading the table").isZero();
    }

    @Test
    void rewritingAnExpiredKeyStartsAgainAtVersionOne() {
        db.write("t", "k", "a", EXPIRES);
        db.write("t", "k", "b", EXPIRES);
        clock.set(EXPIRES + 1);

        assertThat(db.write("t", "k", "c")).isEqualTo(1);
        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::version).isEqualTo(1L);
    }

    @Test
    void rewritingAnExpiredKeyWithoutReadingItFirstStartsAtVersionOne() {
        db.write("t", "k", "a", EXPIRES);
        clock.set(EXPIRES + 1);
        assertThat(db.write("t", "k", "b", EXPIRES + 5)).isEqualTo(1);
        clock.set(EXPIRES + 10);

        assertThat(db.write("t", "k", "c", null)).isEqualTo(1);
    }

    @Test
    void overwritingWithoutExpirationMakesTheRecordPermanent() {
        db.write("t", "k", "a", EXPIRES);
        assertThat(db.write("t", "k", "b")).isEqualTo(2);
        clock.set(EXPIRES + 1_000_000);

        assertThat(db.get("t", "k")).isEqualTo("b");
        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::expiration).isNull();
    }

    @Test
    void overwritingCanSetANewExpiration() {
        db.write("t", "k", "a");
        db.write("t", "k", "b", EXPIRES);

        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::expiration).isEqualTo(EXPIRES);
        clock.set(EXPIRES + 1);
        assertThat(db.get("t", "k")).isNull();
    }

    @Test
    void recordWithoutExpirationNeverExpires() {
        db.write("t", "null", 1, null);
        db.write("t", "none", 2);
        db.write("t", "max", 3, Long.MAX_VALUE);
        clock.set(T0 + 100L * 365 * 24 * 3600 * 1000);

        assertThat(db.getTableSize("t")).isEqualTo(3);
        assertThat(db.cleanupExpired("t")).isZero();
        assertThat(db.getRecord("t", "null")).get().extracting(DatabaseRecord::expiration).isNull();
        assertThat(db.getRecord("t", "max")).get().extracting(DatabaseRecord::expiration).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void expirationIsReportedByGetRecord() {
        db.write("t", "k", "v", EXPIRES);

        DatabaseRecord record = db.getRecord("t", "k").orElseThrow();

        assertThat(record.expiration()).isEqualTo(EXPIRES);
        assertThat(record.value()).isEqualTo("v");
    }

    @Test
    void expirationSurvivesRestart() {
        db.write("t", "k", "v", EXPIRES);
        db.write("t", "gone", "v", T0 + 10);
        clock.set(T0 + 11);

        reopen();

        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::expiration).isEqualTo(EXPIRES);
        assertThat(db.get("t", "gone")).isNull();
        assertThat(db.getTableSize("t")).isEqualTo(1);
        clock.set(EXPIRES + 1);
        assertThat(db.get("t", "k")).isNull();
        assertThat(db.get("t")).isEmpty();
    }

    @Test
    void compareAndWriteSeesAnExpiredKeyAsAbsent() {
        db.write("t", "k", "old", EXPIRES);
        clock.set(EXPIRES + 1);

        assertThat(db.compareAndWrite("t", "k", 1, "stale")).isFalse();
        assertThat(db.get("t", "k")).isNull();
        assertThat(db.compareAndWrite("t", "k", 0, "fresh")).isTrue();
        DatabaseRecord record = db.getRecord("t", "k").orElseThrow();
        assertThat(record.version()).isEqualTo(1);
        assertThat(record.value()).isEqualTo("fresh");
        assertThat(record.expiration()).isNull();
    }

    @Test
    void expiredRecordsDoNotAffectOtherTablesOrKeys() {
        db.write("t", "expiring", 1, EXPIRES);
        db.write("t", "stays", List.of(1));
        db.write("u", "expiring", 1, EXPIRES + 1000);
        clock.set(EXPIRES + 1);

        assertThat(db.cleanupExpired("t")).isEqualTo(1);
        assertThat(db.get("u", "expiring")).isEqualTo(1);
        assertThat(db.get("t", "stays")).isEqualTo(List.of(1));
    }
}
