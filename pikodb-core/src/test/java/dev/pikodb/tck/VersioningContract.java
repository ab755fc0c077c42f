package dev.pikodb.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.Dictionary;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Versions start at 1 and grow by one per overwrite; timestamps come from the clock; compare-and-write. */
public abstract class VersioningContract extends ContractSupport {

    @Test
    void firstWriteIsVersionOneAndEveryOverwriteAddsOne() {
        assertThat(db.write("users", "u", map("name", "John"))).isEqualTo(1);
        assertThat(db.write("users", "u", map("name", "Jane"))).isEqualTo(2);
        assertThat(db.write("users", "u", map("name", "Sam"))).isEqualTo(3);

        DatabaseRecord record = db.getRecord("users", "u").orElseThrow();
        assertThat(record.version()).isEqualTo(3);
        assertThat(record.value()).isEqualTo(map("name", "Sam"));
    }

    @Test
    void writingTheSameValueStillBumpsTheVersion() {
        db.write("t", "k", "same");
        assertThat(db.write("t", "k", "same")).isEqualTo(2);
    }

    @Test
    void versionsAreCountedPerKeyAndPerTable() {
        db.write("a", "k1", 1);
        db.write("a", "k1", 1);
        db.write("a", "k1", 1);

        assertThat(db.write("a", "k2", 1)).isEqualTo(1);
        assertThat(db.write("b", "k1", 1)).isEqualTo(1);
    }

    @Test
    void deletedKeyStartsAgainAtOne() {
        db.write("t", "k", 1);
        db.write("t", "k", 2);
        assertThat(db.delete("t", "k")).isTrue();

        assertThat(db.write("t", "k", 3)).isEqualTo(1);
    }

    @Test
    void deletedTableStartsAgainAtOne() {
        db.write("t", "k", 1);
        db.write("t", "k", 2);
        assertThat(db.deleteTable("t")).isTrue();

        assertThat(db.write("t", "k", 3)).isEqualTo(1);
    }

    @Test
    void readsDoNotChangeTheVersion() {
        db.write("t", "k", 1);
        db.get("t", "k");
        db.get("t", "k", Integer.class);
        db.get("t");
        db.getRecord("t", "k");
        db.getTableSize("t");

        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::version).isEqualTo(1L);
    }

    @Test
    void versionsContinueAfterRestart() {
        db.write("t", "k", 1);
        db.write("t", "k", 2);
        db.write("t", "k", 3);

        reopen();

        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::version).isEqualTo(3L);
        assertThat(db.write("t", "k", 4)).isEqualTo(4);
        reopen();
        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::version).isEqualTo(4L);
    }

    @Test
    void timestampIsTheClockTimeOfTheLastWrite() {
        db.write("t", "k", 1);
        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::timestamp).isEqualTo(T0);

        clock.advance(1234);
        db.write("t", "k", 2);
        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::timestamp).isEqualTo(T0 + 1234);

        clock.advance(1000);
        db.get("t", "k");
        db.getRecord("t", "k");
        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::timestamp)
                .as("reads do not touch the timestamp").isEqualTo(T0 + 1234);
    }

    @Test
    void timestampSurvivesRestart() {
        clock.set(T0 + 77);
        db.write("t", "k", "v");
        clock.set(T0 + 5000);

        reopen();

        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::timestamp).isEqualTo(T0 + 77);
        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::version).isEqualTo(1L);
    }

    @Test
    void compareAndWriteWithZeroCreatesAnAbsentKey() {
        assertThat(db.compareAndWrite("t", "k", 0, "first")).isTrue();

        DatabaseRecord record = db.getRecord("t", "k").orElseThrow();
        assertThat(record.version()).isEqualTo(1);
        assertThat(record.value()).isEqualTo("first");
        assertThat(record.timestamp()).isEqualTo(T0);
    }

    @Test
    void compareAndWriteWithZeroFailsOnAnExistingKey() {
        db.write("t", "k", "existing");

        assertThat(db.compareAndWrite("t", "k", 0, "other")).isFalse();

        assertThat(db.get("t", "k")).isEqualTo("existing");
        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::version).isEqualTo(1L);
    }

    @Test
    void compareAndWriteWithTheCurrentVersionSucceeds() {
        db.write("t", "k", "v1");
        db.write("t", "k", "v2");
        clock.advance(10);

        assertThat(db.compareAndWrite("t", "k", 2, "v3")).isTrue();

        DatabaseRecord record = db.getRecord("t", "k").orElseThrow();
        assertThat(record.version()).isEqualTo(3);
        assertThat(record.value()).isEqualTo("v3");
        assertThat(record.timestamp()).isEqualTo(T0 + 10);
        assertThat(db.write("t", "k", "v4")).isEqualTo(4);
    }

    @ParameterizedTest(name = "expected version {0}")
    @ValueSource(longs = {1, 3, 4, 100, Long.MAX_VALUE})
    void compareAndWriteWithAnotherVersionChangesNothing(long expected) {
        db.write("t", "k", map("n", 1));
        db.write("t", "k", map("n", 2));
        clock.advance(50);

        assertThat(db.compareAndWrite("t", "k", expected, map("n", 99))).isFalse();

        DatabaseRecord record = db.getRecord("t", "k").orElseThrow();
        assertThat(record.version()).isEqualTo(2);
        assertThat(record.value()).isEqualTo(map("n", 2));
        assertThat(record.timestamp()).isEqualTo(T0);
        reopen();
        assertThat(db.getRecord("t", "k").orElseThrow().version()).isEqualTo(2);
        assertThat(db.get("t", "k")).isEqualTo(map("n", 2));
    }

    @Test
    void failedCompareAndWriteOnAnAbsentKeyCreatesNothing() {
        assertThat(db.compareAndWrite("fresh", "k", 1, "v")).isFalse();

        assertThat(db.getRecord("fresh", "k")).isEmpty();
        assertThat(db.getTableSize("fresh")).isZero();
        assertThat(db.listTables()).doesNotContain("fresh");
        db.flush();
        assertThat(storedTables()).doesNotContain("fresh");
    }

    @Test
    void compareAndWriteAfterDeleteExpectsZero() {
        db.write("t", "k", 1);
        db.write("t", "k", 2);
        db.delete("t", "k");

        assertThat(db.compareAndWrite("t", "k", 2, "stale")).isFalse();
        assertThat(db.compareAndWrite("t", "k", 0, "new")).isTrue();
        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::version).isEqualTo(1L);
    }

    @Test
    void compareAndWriteDropsExpirationAndDictionary() {
        db.addDictionary("dict", Dictionary.deflate(Map.of("name", "n")));
        db.write("t", "k", map("name", "a"), T0 + 1000, "dict");

        assertThat(db.compareAndWrite("t", "k", 1, map("name", "b"))).isTrue();

        DatabaseRecord record = db.getRecord("t", "k").orElseThrow();
        assertThat(record.expiration()).isNull();
        assertThat(record.dictionaryName()).isNull();
        assertThat(record.value()).isEqualTo(map("name", "b"));
        clock.advance(1_000_000);
        assertThat(db.get("t", "k")).isEqualTo(map("name", "b"));
    }

    @Test
    void compareAndWriteIsPersisted() {
        db.compareAndWrite("t", "k", 0, "a");
        db.compareAndWrite("t", "k", 1, "b");

        reopen();

        assertThat(db.get("t", "k")).isEqualTo("b");
        assertThat(db.getRecord("t", "k").orElseThrow().version()).isEqualTo(2);
    }

    @ParameterizedTest(name = "expected version {0}")
    @ValueSource(longs = {-1, -2, Long.MIN_VALUE})
    void compareAndWriteWithANegativeVersionIsRejected(long expected) {
        db.write("t", "k", "v");

        assertThatThrownBy(() -> db.compareAndWrite("t", "k", expected, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(expected));
        assertThatThrownBy(() -> db.compareAndWrite("other", "k", expected, "x"))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(db.get("t", "k")).isEqualTo("v");
        assertThat(db.getRecord("t", "k").orElseThrow().version()).isEqualTo(1);
        assertThat(db.listTables()).doesNotContain("other");
    }

    @Test
    void compareAndWriteOnlyChecksItsOwnKey() {
        db.write("t", "a", 1);
        db.write("t", "a", 2);

        assertThat(db.compareAndWrite("t", "b", 0, "b")).isTrue();
        assertThat(db.compareAndWrite("t", "a", 2, "a3")).isTrue();
        assertThat(db.compareAndWrite("u", "a", 0, "other table")).isTrue();
    }

    @Test
    void compareAndWriteWithAnExpirationSetsBothInOneStep() {
        assertThat(db.compareAndWrite("t", "k", 0, "first", T0 + 1_000)).isTrue();
        assertThat(db.getRecord("t", "k")).get().satisfies(record -> {
            assertThat(record.version()).isEqualTo(1);
            assertThat(record.expiration()).isEqualTo(T0 + 1_000);
        });
        assertThat(db.compareAndWrite("t", "k", 0, "second", T0 + 5_000)).isFalse();
        assertThat(db.compareAndWrite("t", "k", 1, "second", null)).isTrue();
        assertThat(db.getRecord("t", "k").orElseThrow().expiration()).isNull();
        assertThat(db.compareAndWrite("t", "k", 2, "third", T0 + 2_000)).isTrue();

        clock.advance(2_001);
        assertThat(db.get("t", "k")).isNull();
        assertThat(db.compareAndWrite("t", "k", 3, "stale", null)).as("an expired key has no version").isFalse();
        assertThat(db.compareAndWrite("t", "k", 0, "again", T0 + 10_000)).isTrue();
        assertThat(db.getRecord("t", "k").orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void getRecordsReadsEveryLiveRecordWithItsMetadata() {
        db.write("t", "a", Map.of("n", 1));
        db.write("t", "a", Map.of("n", 2));
        db.write("t", "b", null, T0 + 10);
        db.write("t", "gone", "x", T0 + 5);
        clock.advance(6);

        Map<String, DatabaseRecord> records = new java.util.HashMap<>();
        db.getRecords("t").forEach(entry -> records.put(entry.getKey(), entry.getValue()));

        assertThat(records).containsOnlyKeys("a", "b");
        assertThat(records.get("a")).isEqualTo(new DatabaseRecord(Map.of("n", 2), 2, T0, null, null));
        assertThat(records.get("b")).isEqualTo(new DatabaseRecord(null, 1, T0, T0 + 10, null));
        assertThat(db.getRecords("missing")).isEmpty();
        assertThat(db.listTables()).doesNotContain("missing");
    }
}
