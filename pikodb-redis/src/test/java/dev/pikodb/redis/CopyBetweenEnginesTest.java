package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.CopySummary;
import dev.pikodb.DatabaseOptions;
import dev.pikodb.DatabaseRecord;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDB;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code copyTo} and {@code backup} between the directory engine and Redis, on a real server. */
class CopyBetweenEnginesTest {

    private static final Dictionary SENSORS = Dictionary.deflate(Map.of("sensor", "s", "temperature", "t"));

    private final Databases databases = new Databases();

    @TempDir
    Path temp;

    @AfterEach
    void close() {
        databases.close();
    }

    @Test
    void directoryToRedisToDirectoryIsEqualRecordForRecord() {
        long future = System.currentTimeMillis() + 3_600_000;
        try (PikoDB source = directory(temp.resolve("source"))) {
            source.addDictionary("sensors", SENSORS);
            for (int i = 0; i < 2_500; i++) {
                source.write("users", "u" + i, Map.of("name", "user " + i, "n", i));
            }
            source.write("users", "u7", Map.of("name", "again"));
            source.write("users", "u7", List.of(1, 2.5, "three", Map.of("nested", true)));
            source.write("readings", "r1", Map.of("sensor", "DHT22", "temperature", 23.5), future, "sensors");
            source.write("readings", "r2", Map.of("sensor", "BME280", "temperature", -1.25), null, "sensors");
            source.write("sessions", "s1", "token", future);
            source.write("nulls", "n", null);
            source.write("unicode", "ユーザー", Map.of("名前", "太郎", "emoji", "😀"));

            PikoDB redis = databases.standalone("round-trip");
            CopySummary there = source.copyTo(redis, dev.pikodb.CopyProgress.NONE);
            assertThat(there.tables()).isEqualTo(5);
            assertThat(there.records()).isEqualTo(2_505);
            assertEqualRecordForRecord(source, redis);
            assertThat(redis.listDictionaries()).containsExactly("sensors");
            assertThat(redis.getRecord("users", "u7").orElseThrow().version()).isEqualTo(3);

            try (PikoDB back = directory(temp.resolve("back"))) {
                redis.copyTo(back);
                assertEqualRecordForRecord(source, back);
                assertThat(back.write("users", "u7", "next")).as("versions go on from the copied one").isEqualTo(4);
            }
            try (PikoDB reopened = directory(temp.resolve("back"))) {
                assertThat(records(reopened, "readings")).isEqualTo(records(source, "readings"));
            }
        }
    }

    @Test
    void redisTargetTableThatHoldsRecordsIsRefusedBeforeAnythingIsCopied() {
        try (PikoDB source = directory(temp.resolve("source"))) {
            source.write("a", "k", 1);
            source.write("b", "k", 1);
            PikoDB redis = databases.standalone("refused");
            redis.write("b", "mine", "keep");
            assertThatThrownBy(() -> source.copyTo(redis)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'b'");
            assertThat(redis.listTables()).containsExactly("b");
        }
    }

    @Test
    void backupOfRedisIsADirectoryDatabase() throws Exception {
        PikoDB redis = databases.standalone("backup");
        redis.addDictionary("sensors", SENSORS);
        redis.write("users", "alice", Map.of("name", "Alice"));
        redis.write("users", "alice", Map.of("name", "Alice", "age", 31));
        redis.write("readings", "r1", Map.of("sensor", "DHT22"), null, "sensors");
        Path target = temp.resolve("backup");

        CopySummary summary = redis.backup(target, dev.pikodb.CopyProgress.NONE);

        assertThat(summary.records()).isEqualTo(2);
        assertThat(summary.target()).isEqualTo(target.toAbsolutePath().normalize().toString());
        assertThat(Files.exists(target.resolve("users"))).isTrue();
        try (PikoDB copy = directory(target)) {
            assertEqualRecordForRecord(redis, copy);
        }
    }

    private static void assertEqualRecordForRecord(PikoDB expected, PikoDB actual) {
        assertThat(actual.listTables()).isEqualTo(expected.listTables());
        for (String table : expected.listTables()) {
            assertThat(records(actual, table)).as("table %s", table).isEqualTo(records(expected, table));
        }
    }

    private static Map<String, DatabaseRecord> records(PikoDB database, String table) {
        Map<String, DatabaseRecord> records = new TreeMap<>();
        database.getRecords(table).forEach(entry -> records.put(entry.getKey(), entry.getValue()));
        return records;
    }

    private static PikoDB directory(Path path) {
        PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(path).build());
        db.start();
        return db;
    }
}
