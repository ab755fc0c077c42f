package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDB;
import dev.pikodb.TableSummary;
import dev.pikodb.redis.testing.RedisServers;
import dev.pikodb.redis.testing.Resp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The PikoDB API over one Redis server, each test under its own key prefix. */
class RedisStorageTest {

    private final Databases databases = new Databases();

    @AfterEach
    void closeDatabases() {
        databases.close();
    }

    private PikoDB db(TestInfo test) {
        return databases.standalone(test.getTestMethod().orElseThrow().getName());
    }

    @Test
    void writesAndReadsValuesWithTheirMetadata(TestInfo test) {
        PikoDB db = db(test);
        long before = System.currentTimeMillis();

        assertThat(db.write("users", "alice", Map.of("name", "Alice", "age", 30))).isEqualTo(1);

        assertThat(db.get("users", "alice")).isEqualTo(Map.of("name", "Alice", "age", 30));
        DatabaseRecord record = db.getRecord("users", "alice").orElseThrow();
        assertThat(record.version()).isEqualTo(1);
        assertThat(record.expiration()).isNull();
        assertThat(record.dictionaryName()).isNull();
        assertThat(record.timestamp()).as("the server's TIME, on this machine")
                .isBetween(before - 60_000, System.currentTimeMillis() + 60_000);
        assertThat(db.get("users", "bob")).isNull();
        assertThat(db.get("nosuchtable", "x")).isNull();
        assertThat(db.listTables()).containsExactly("users");
    }

    @Test
    void versionsGrowByOneAndRestartAfterDelete(TestInfo test) {
        PikoDB db = db(test);

        assertThat(db.write("t", "k", 1)).isEqualTo(1);
        assertThat(db.write("t", "k", 2)).isEqualTo(2);
        assertThat(db.write("t", "k", 3)).isEqualTo(3);
        assertThat(db.delete("t", "k")).isTrue();
        assertThat(db.delete("t", "k")).isFalse();
        assertThat(db.get("t", "k")).isNull();
        assertThat(db.write("t", "k", 4)).isEqualTo(1);
    }

    @Test
    void compareAndWriteChecksTheVersion(TestInfo test) {
        PikoDB db = db(test);

        assertThat(db.compareAndWrite("t", "k", 0, "first")).isTrue();
        assertThat(db.compareAndWrite("t", "k", 0, "again")).isFalse();
        assertThat(db.compareAndWrite("t", "k", 2, "ahead")).isFalse();
        assertThat(db.compareAndWrite("t", "k", 1, "second")).isTrue();
        assertThat(db.compareAndWrite("t", "k", 1, "stale")).isFalse();

        assertThat(db.get("t", "k")).isEqualTo("second");
        assertThat(db.getRecord("t", "k").orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void storedNullIsToldFromMissing(TestInfo test) {
        PikoDB db = db(test);

        db.write("t", "null", null);

        assertThat(db.get("t", "null")).isNull();
        assertThat(db.getRecord("t", "null")).get().extracting(DatabaseRecord::value).isNull();
        assertThat(db.getRecord("t", "missing")).isEmpty();
        assertThat(db.get("t")).hasSize(1);
    }

    @Test
    void recordsAreStoredInTheNodeRecordFormWithTheValueLast(TestInfo test) {
        String prefix = RedisServers.uniquePrefix(test.getDisplayName());
        PikoDB db = databases.standalone(prefix, null);
        db.addDictionary("sensors", Dictionary.deflate(Map.of("sensor", "s")));

        db.write("readings", "r1", Map.of("sensor", "DHT22"), 4_102_444_800_000L, "sensors");

        try (Resp redis = RedisServers.shared().admin()) {
            byte[][] bucket = new KeySpace(prefix).bucket("readings", KeySpace.bucketOf("r1"));
            String records = new String(bucket[0], java.nio.charset.StandardCharsets.UTF_8);
            String expirations = new String(bucket[1], java.nio.charset.StandardCharsets.UTF_8);
            String stored = redis.text("HGET", records, "r1");
            assertThat(stored).matches("\\{\"v\":1,\"t\":\\d+,\"x\":4102444800000,\"n\":\"sensors\",\"d\":\\{\"s\":\"DHT22\"}}");
            assertThat(redis.call("ZSCORE", expirations, "r1")).isEqualTo("4102444800000");
        }
    }

    @Test
    void wholeTableReadsVisitEveryRecordOnce(TestInfo test) {
        PikoDB db = db(test);
        int count = 2500;
        for (int i = 0; i < count; i++) {
            db.write("big", "k" + i, i);
        }

        List<Map.Entry<String, Object>> entries = db.get("big");

        assertThat(entries).hasSize(count);
        Map<String, Object> byKey = entries.stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(byKey).hasSize(count).containsEntry("k0", 0).containsEntry("k" + (count - 1), count - 1);
        assertThat(db.getTableSize("big")).isEqualTo(count);
    }

    @Test
    void tableNamesWithBracesColonsAndPercentSignsStayApart(TestInfo test) {
        PikoDB db = db(test);
        List<String> names = List.of("{a}", "a:b", "a%3Ab", "}", "a", "b}", "{", "tables", "dictionaries", "a:b:x");
        for (String name : names) {
            db.write(name, "k", name);
        }

        for (String name : names) {
            assertThat(db.get(name, "k")).as(name).isEqualTo(name);
            assertThat(db.get(name)).as(name).hasSize(1);
        }
        assertThat(db.listTables()).isEqualTo(names.stream().sorted().toList());
        assertThat(db.deleteTable("a:b")).isTrue();
        assertThat(db.deleteTable("a:b")).isFalse();
        assertThat(db.get("a:b", "k")).isNull();
        assertThat(db.get("a%3Ab", "k")).isEqualTo("a%3Ab");
        assertThat(db.listTables()).doesNotContain("a:b").hasSize(names.size() - 1);
    }

    @Test
    void unicodeTableNamesKeysAndDictionaryNamesRoundTrip(TestInfo test) {
        PikoDB db = db(test);
        db.addDictionary("wörter \"1\"", Dictionary.deflate(Map.of("température", "t")));

        db.write("tä{b}le", "ключ 🔑", Map.of("température", "😀"), null, "wörter \"1\"");

        assertThat(db.get("tä{b}le", "ключ 🔑")).isEqualTo(Map.of("température", "😀"));
        assertThat(db.getRecord("tä{b}le", "ключ 🔑").orElseThrow().dictionaryName()).isEqualTo("wörter \"1\"");
        assertThat(db.get("tä{b}le")).extracting(Map.Entry::getKey).containsExactly("ключ 🔑");
        assertThat(db.listTables()).containsExactly("tä{b}le");
    }

    @Test
    void databasesWithDifferentPrefixesNeverSeeEachOther(TestInfo test) {
        String base = RedisServers.uniquePrefix(test.getDisplayName());
        PikoDB outer = databases.standalone(base, null);
        PikoDB inner = databases.standalone(base + ":b", null);

        outer.write("b:c", "k", "outer");
        inner.write("c", "k", "inner");

        assertThat(outer.get("b:c", "k")).isEqualTo("outer");
        assertThat(inner.get("c", "k")).isEqualTo("inner");
        assertThat(outer.listTables()).containsExactly("b:c");
        assertThat(inner.listTables()).containsExactly("c");
        assertThat(outer.deleteTable("c")).isFalse();
        assertThat(inner.get("c", "k")).isEqualTo("inner");
    }

    @Test
    void deleteTableRemovesTheTableAndALaterWriteStartsAgain(TestInfo test) {
        PikoDB db = db(test);
        db.write("t", "k", 1);
        db.write("t", "k", 2);

        assertThat(db.deleteTable("t")).isTrue();
        assertThat(db.listTables()).isEmpty();
        assertThat(db.tableSummary("t")).isEmpty();
        assertThat(db.deleteTable("ghost")).isFalse();

        assertThat(db.write("t", "k", 3)).isEqualTo(1);
        assertThat(db.listTables()).containsExactly("t");
    }

    @Test
    void aTableStaysListedWhenItsRecordsAreDeleted(TestInfo test) {
        PikoDB db = db(test);
        db.write("t", "k", 1);
        db.delete("t", "k");

        assertThat(db.listTables()).containsExactly("t");
        assertThat(db.tableSummary("t")).map(TableSummary::records).hasValue(0);
        assertThat(db.getTableSize("t")).isZero();
    }

    @Test
    void expiryFollowsTheServersTimeByDefault(TestInfo test) {
        PikoDB db = db(test);
        long now = System.currentTimeMillis();

        db.write("t", "past", 1, now - 3_600_000);
        db.write("t", "future", 2, now + 3_600_000);

        assertThat(db.get("t", "past")).isNull();
        assertThat(db.get("t", "future")).isEqualTo(2);
        assertThat(db.getTableSize("t")).isEqualTo(1);
        assertThat(db.compareAndWrite("t", "past", 0, "again")).isTrue();
    }

    @Test
    void dictionariesDeflateStoredKeysAndReadBackWithTheOriginalKeys(TestInfo test) {
        PikoDB db = db(test);
        db.addDictionary("sensors", Dictionary.deflate(Map.of("sensor", "s", "temperature", "t")));

        db.write("readings", "r1", Map.of("sensor", "DHT22", "temperature", 23.5), null, "sensors");

        assertThat(db.get("readings", "r1")).isEqualTo(Map.of("sensor", "DHT22", "temperature", 23.5));
        assertThat(db.getRecord("readings", "r1").orElseThrow().dictionaryName()).isEqualTo("sensors");
        assertThat(db.removeDictionary("sensors")).isTrue();
        assertThat(db.get("readings", "r1")).isEqualTo(Map.of("sensor", "DHT22", "temperature", 23.5));
        assertThatThrownBy(() -> db.addDictionary("sensors", Dictionary.deflate(Map.of("sensor", "x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sensors");
    }

    @Test
    void summariesAndStatisticsDescribeThisDatabase(TestInfo test) {
        PikoDB db = db(test);
        db.write("a", "1", 1);
        db.write("a", "2", 2);
        db.write("b", "1", 1);
        db.get("a", "1");
        db.delete("b", "1");

        Map<String, Integer> records = new HashMap<>();
        db.tableSummaries().forEach(summary -> records.put(summary.name(), summary.records()));
        assertThat(records).isEqualTo(Map.of("a", 2, "b", 0));
        assertThat(db.tableSummary("a").orElseThrow().fileBytes()).isPositive();
        assertThat(db.statistics().writes()).isEqualTo(3);
        assertThat(db.statistics().reads()).isEqualTo(1);
        assertThat(db.statistics().deletes()).isEqualTo(1);
        assertThat(db.statistics().failedWrites()).isZero();
        assertThat(db.storageDescription()).isEqualTo(RedisServers.shared().uri() + " prefix "
                + db.storageDescription().substring(db.storageDescription().indexOf(" prefix ") + 8));
    }
}
