package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A directory written by the Node.js PikoDB opens, and after close() it is in that format again. */
class NodeFormatTest extends PikoDBTestSupport {

    static final long NOW = T0 + 100_000;
    static final long FUTURE = NOW + 3_600_000;
    static final long PAST = T0 - 50_000;

    static final Dictionary SENSORS = Dictionary.deflate(Map.of("sensor", "s", "temperature", "t"));

    static final String USERS = "[[\"user1\",{\"d\":{\"name\":\"Alice\",\"age\":30,\"tags\":[\"admin\",\"dev\"]},"
            + "\"v\":3,\"t\":1732400000000,\"x\":null}],"
            + "[\"old-session\",{\"d\":{\"token\":\"abc\"},\"v\":1,\"t\":1732300000000,\"x\":" + PAST + "}],"
            + "[\"ユーザー\",{\"d\":{\"名前\":\"太郎\",\"emoji\":\"😀\",\"escaped\":\"line\\nbreak \\u00e9\"},"
            + "\"v\":2,\"t\":1732400000005,\"x\":null}],"
            + "[\"nothing\",{\"d\":null,\"v\":1,\"t\":1732400000006,\"x\":null}]]";

    static final String READINGS = "[[\"r1\",{\"d\":{\"s\":\"DHT22\",\"t\":23.5},\"v\":1,\"t\":1732400000001,"
            + "\"x\":" + FUTURE + ",\"n\":\"sensors\"}],"
            + "[\"r2\",{\"d\":{\"s\":\"BME280\",\"t\":-1.25,\"extra\":[{\"s\":\"inner\"}]},\"v\":5,"
            + "\"t\":1732400000002,\"x\":null,\"n\":\"sensors\"}]]";

    @BeforeEach
    void writeNodeDirectory() {
        db.close();
        writeFile("users", USERS);
        writeFile("readings", READINGS);
        writeFile("empty", "[]");
        writeFile("users.tmp", "not json at all {");
        writeFile("users.tmp.1732400000000.abc123", "[[\"ghost\",{\"d\":1,\"v\":1,");
        writeFile("readings.tmp", "[[\"ghost\",{\"d\":1,\"v\":1,\"t\":1,\"x\":null}]]");
        clock.set(NOW);
        db = open(b -> b.dictionary("sensors", SENSORS));
    }

    @Test
    void nodeTempFilesAreNotLoadedAsTables() {
        assertThat(db.listTables()).containsExactlyInAnyOrder("users", "readings", "empty");
        assertThat(db.quarantinedFiles()).isEmpty();
        assertThat(db.get("users", "ghost")).isNull();
        assertThat(db.get("readings", "ghost")).isNull();
    }

    @Test
    void nodeRecordsAreReadWithTheirMetadata() {
        assertThat(db.get("users", "user1")).isEqualTo(map("name", "Alice", "age", 30, "tags", List.of("admin", "dev")));
        assertThat(db.getRecord("users", "user1").orElseThrow())
                .isEqualTo(new DatabaseRecord(map("name", "Alice", "age", 30, "tags", List.of("admin", "dev")),
                        3, 1_732_400_000_000L, null, null));
        assertThat(db.getRecord("users", "nothing").orElseThrow().value()).isNull();
        assertThat(db.getTableSize("users")).as("the expired record does not count").isEqualTo(3);
        assertThat(db.getTableSize("empty")).isZero();
    }

    @Test
    void nodeExpiredRecordIsInvisible() {
        assertThat(db.get("users", "old-session")).isNull();
        assertThat(db.getRecord("users", "old-session")).isEmpty();
        assertThat(asMap(db.get("users"))).doesNotContainKey("old-session");
        assertThat(db.compareAndWrite("users", "old-session", 0, "new")).isTrue();
        assertThat(db.getRecord("users", "old-session").orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void nodeUnicodeKeysAndValuesAreRead() {
        assertThat(db.get("users", "ユーザー")).isEqualTo(map("名前", "太郎", "emoji", "😀", "escaped", "line\nbreak é"));
    }

    @Test
    void nodeDictionaryRecordsAreInflated() {
        DatabaseRecord r1 = db.getRecord("readings", "r1").orElseThrow();
        assertThat(r1).isEqualTo(new DatabaseRecord(map("sensor", "DHT22", "temperature", 23.5), 1,
                1_732_400_000_001L, FUTURE, "sensors"));
        assertThat(db.get("readings", "r2"))
                .isEqualTo(map("sensor", "BME280", "temperature", -1.25, "extra", List.of(map("sensor", "inner"))));
        clock.set(FUTURE + 1);
        assertThat(db.get("readings", "r1")).isNull();
    }

    @Test
    void nextWriteContinuesTheNodeVersion() {
        assertThat(db.write("users", "user1", map("name", "Alice", "age", 31))).isEqualTo(4);
        DatabaseRecord record = db.getRecord("users", "user1").orElseThrow();
        assertThat(record.timestamp()).isEqualTo(NOW);
        assertThat(db.write("readings", "r2", map("sensor", "X"), null, "sensors")).isEqualTo(6);
    }

    @Test
    void afterCloseTheFilesAreInTheNodeFormatAgain() {
        assertThat(db.get("users", "old-session")).isNull();
        db.cleanupExpired("users");
        db.close();

        Map<String, JsonNode> users = tableFileEntries("users");
        assertThat(users).as("the expired record is not carried over").containsOnlyKeys("user1", "ユーザー", "nothing");
        JsonNode user1 = users.get("user1");
        assertThat(user1.propertyNames()).containsExactlyInAnyOrder("d", "v", "t", "x");
        assertThat(user1.get("d")).isEqualTo(JSON.readTree("{\"name\":\"Alice\",\"age\":30,\"tags\":[\"admin\",\"dev\"]}"));
        assertThat(user1.get("v").longValue()).isEqualTo(3);
        assertThat(user1.get("t").longValue()).isEqualTo(1_732_400_000_000L);
        assertThat(user1.get("x").isNull()).isTrue();
        assertThat(users.get("ユーザー").get("d").get("名前").stringValue()).isEqualTo("太郎");
        assertThat(users.get("nothing").get("d").isNull()).isTrue();

        Map<String, JsonNode> readings = tableFileEntries("readings");
        assertThat(readings).containsOnlyKeys("r1", "r2");
        JsonNode r1 = readings.get("r1");
        assertThat(r1.propertyNames()).containsExactlyInAnyOrder("d", "v", "t", "x", "n");
        assertThat(r1.get("d")).isEqualTo(JSON.readTree("{\"s\":\"DHT22\",\"t\":23.5}"));
        assertThat(r1.get("v").longValue()).isEqualTo(1);
        assertThat(r1.get("t").longValue()).isEqualTo(1_732_400_000_001L);
        assertThat(r1.get("x").longValue()).isEqualTo(FUTURE);
        assertThat(r1.get("n").stringValue()).isEqualTo("sensors");
        assertThat(readings.get("r2").get("d"))
                .isEqualTo(JSON.readTree("{\"s\":\"BME280\",\"t\":-1.25,\"extra\":[{\"s\":\"inner\"}]}"));

        assertThat(readTableFile("empty").isArray()).isTrue();
        assertThat(readTableFile("empty").size()).isZero();
    }

    @Test
    void nodeTempFilesAreLeftAloneOrRemovedButNeverBecomeTables() {
        db.close();

        assertThat(visibleFiles()).contains("users", "readings", "empty")
                .allMatch(name -> List.of("users", "readings", "empty").contains(name)
                        || name.endsWith(".tmp") || name.contains(".tmp."));
    }

    @Test
    void writeThenCloseRoundTripsInTheNodeFormat() {
        clock.set(NOW + 10);
        db.write("users", "user2", map("name", "Bob", "scores", List.of(1, 2.5)));
        db.write("users", "user1", map("name", "Alicia"));
        db.write("readings", "r3", map("sensor", "new", "temperature", 0), FUTURE + 1, "sensors");
        db.delete("users", "nothing");
        db.write("fresh", "k", "v", FUTURE);
        db.close();

        Map<String, JsonNode> users = tableFileEntries("users");
        assertThat(users).containsKeys("user1", "user2", "ユーザー").doesNotContainKey("nothing");
        assertThat(users.get("user2").get("d")).isEqualTo(JSON.readTree("{\"name\":\"Bob\",\"scores\":[1,2.5]}"));
        assertThat(users.get("user2").get("v").longValue()).isEqualTo(1);
        assertThat(users.get("user2").get("t").longValue()).isEqualTo(NOW + 10);
        assertThat(users.get("user2").get("x").isNull()).isTrue();
        assertThat(users.get("user1").get("v").longValue()).isEqualTo(4);
        assertThat(users.get("user1").get("d")).isEqualTo(JSON.readTree("{\"name\":\"Alicia\"}"));

        JsonNode r3 = tableFileEntries("readings").get("r3");
        assertThat(r3.get("d")).isEqualTo(JSON.readTree("{\"s\":\"new\",\"t\":0}"));
        assertThat(r3.get("n").stringValue()).isEqualTo("sensors");
        assertThat(r3.get("x").longValue()).isEqualTo(FUTURE + 1);

        JsonNode fresh = readTableFile("fresh");
        assertThat(fresh).isEqualTo(JSON.readTree("[[\"k\",{\"d\":\"v\",\"v\":1,\"t\":" + (NOW + 10) + ",\"x\":" + FUTURE + "}]]"));

        reopen(b -> b.dictionary("sensors", SENSORS));
        assertThat(db.get("users", "user2")).isEqualTo(map("name", "Bob", "scores", List.of(1, 2.5)));
        assertThat(db.get("readings", "r3")).isEqualTo(map("sensor", "new", "temperature", 0));
        assertThat(db.getRecord("users", "user1").orElseThrow().version()).isEqualTo(4);
    }

    @Test
    void tableFileIsPlainUtf8JsonWithoutByteOrderMark() throws Exception {
        db.write("users", "user3", "ü");
        db.close();

        byte[] bytes = Files.readAllBytes(dir.resolve("users"));
        assertThat(bytes[0]).as("starts with '['").isEqualTo((byte) '[');
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("ユーザー");
    }

    @Test
    void nodeRecordWithoutExpirationFieldNeverExpires() {
        db.close();
        writeFile("legacy", "[[\"k\",{\"d\":{\"a\":1},\"v\":2,\"t\":1732400000000}]]");

        db = open(b -> b.dictionary("sensors", SENSORS));

        DatabaseRecord record = db.getRecord("legacy", "k").orElseThrow();
        assertThat(record.value()).isEqualTo(map("a", 1));
        assertThat(record.version()).isEqualTo(2);
        assertThat(record.expiration()).isNull();
    }
}
