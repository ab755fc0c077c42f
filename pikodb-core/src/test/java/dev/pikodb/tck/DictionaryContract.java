package dev.pikodb.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dictionary compression of object keys: transparent to every read, kept with the data, and a name
 * bound to the one mapping its records were written with. (The stored form is checked by the
 * directory engine's own tests.)
 */
public abstract class DictionaryContract extends ContractSupport {

    /** The dictionary the tests register as {@code sensors}. */
    public static final Dictionary SENSORS = Dictionary.deflate(Map.of(
            "sensor", "s", "temperature", "t", "metadata", "m", "location", "l", "building", "b",
            "readings", "r"));

    /** The dictionary the tests register as {@code users}, given by its inflate mapping. */
    public static final Dictionary USERS = Dictionary.inflate(Map.of("u", "username", "e", "email"));

    /** A value written as a record and compressed with a dictionary. */
    public record Reading(String sensor, double temperature) {
    }

    @BeforeEach
    void openWithDictionaries() {
        reopen(b -> b.dictionary("sensors", SENSORS).dictionary("users", USERS));
    }

    // ---- transparency ----

    @Test
    void readsReturnTheOriginalKeys() {
        Map<String, Object> value = map("sensor", "DHT22", "temperature", 23.5);

        assertThat(db.write("readings", "r1", value, null, "sensors")).isEqualTo(1);

        assertThat(db.get("readings", "r1")).isEqualTo(value);
        assertThat(db.get("readings", "r1", Reading.class)).isEqualTo(new Reading("DHT22", 23.5));
        assertThat(asMap(db.get("readings"))).containsEntry("r1", value);
        DatabaseRecord record = db.getRecord("readings", "r1").orElseThrow();
        assertThat(record.value()).isEqualTo(value);
        assertThat(record.dictionaryName()).isEqualTo("sensors");
    }

    @Test
    void pojoValueIsCompressedToo() {
        db.write("readings", "r1", new Reading("DHT22", 21.0), null, "sensors");

        assertThat(db.get("readings", "r1", Reading.class)).isEqualTo(new Reading("DHT22", 21.0));
        assertThat(db.getRecord("readings", "r1").orElseThrow().dictionaryName()).isEqualTo("sensors");
        reopen(b -> { });
        assertThat(db.get("readings", "r1", Reading.class)).isEqualTo(new Reading("DHT22", 21.0));
    }

    @Test
    void compressionIsRecursiveThroughObjectsAndArrays() {
        Map<String, Object> value = map(
                "sensor", "DHT22",
                "metadata", map("location", map("building", "A", "floor", 2)),
                "readings", List.of(map("temperature", 1.5, "unit", "C"), map("temperature", 2.5),
                        List.of(map("sensor", "nested in array of arrays")), "plain string", 7));

        db.write("readings", "r1", value, null, "sensors");
        assertThat(db.get("readings", "r1")).isEqualTo(value);
        reopen(b -> { });
        assertThat(db.get("readings", "r1")).isEqualTo(value);
    }

    @Test
    void scalarAndListValuesWorkWithADictionary() {
        db.write("misc", "s", "just a string", null, "sensors");
        db.write("misc", "l", List.of(1, map("sensor", "x")), null, "sensors");
        db.write("misc", "n", null, null, "sensors");

        assertThat(db.get("misc", "s")).isEqualTo("just a string");
        assertThat(db.get("misc", "l")).isEqualTo(List.of(1, map("sensor", "x")));
        assertThat(db.getRecord("misc", "n")).get().extracting(DatabaseRecord::value).isNull();
        reopen(b -> { });
        assertThat(db.get("misc", "l")).isEqualTo(List.of(1, map("sensor", "x")));
    }

    @Test
    void nullDictionaryNameMeansNoDictionary() {
        db.write("t", "k", map("sensor", "x"), null, null);

        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::dictionaryName).isNull();
        assertThat(db.get("t", "k")).isEqualTo(map("sensor", "x"));
    }

    @Test
    void overwritingWithoutADictionaryStoresPlainKeys() {
        db.write("t", "k", map("sensor", "x"), null, "sensors");
        assertThat(db.write("t", "k", map("sensor", "y"))).isEqualTo(2);

        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::dictionaryName).isNull();
        reopen(b -> { });
        assertThat(db.getRecord("t", "k").orElseThrow().dictionaryName()).isNull();
        assertThat(db.get("t", "k")).isEqualTo(map("sensor", "y"));
    }

    @Test
    void differentRecordsMayUseDifferentDictionaries() {
        db.write("mixed", "reading", map("sensor", "a"), null, "sensors");
        db.write("mixed", "user", map("username", "alice", "email", "a@example.com"), null, "users");
        assertThat(db.getRecord("mixed", "reading").orElseThrow().dictionaryName()).isEqualTo("sensors");
        assertThat(db.getRecord("mixed", "user").orElseThrow().dictionaryName()).isEqualTo("users");

        reopen(b -> { });
        assertThat(db.getRecord("mixed", "reading").orElseThrow().dictionaryName()).isEqualTo("sensors");
        assertThat(db.getRecord("mixed", "user").orElseThrow().dictionaryName()).isEqualTo("users");
        assertThat(db.get("mixed", "user")).isEqualTo(map("username", "alice", "email", "a@example.com"));
        assertThat(db.get("mixed", "reading")).isEqualTo(map("sensor", "a"));
    }

    // ---- registry ----

    @Test
    void configuredDictionariesAreListed() {
        assertThat(db.listDictionaries()).contains("sensors", "users");
    }

    @Test
    void unknownDictionaryIsRejectedListingTheAvailableNames() {
        Throwable thrown = catchThrowable(() -> db.write("readings", "r1", map("sensor", "x"), null, "sensorz"));

        assertThat(thrown).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sensorz").hasMessageContaining("sensors").hasMessageContaining("users");
        assertThat(db.getRecord("readings", "r1")).isEmpty();
        assertThat(db.listTables()).doesNotContain("readings");
        assertThat(storedTables()).doesNotContain("readings");
    }

    @Test
    void unknownDictionaryLeavesAnExistingRecordIntact() {
        db.write("readings", "r1", "before");

        assertThatThrownBy(() -> db.write("readings", "r1", "after", null, "nope"))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(db.get("readings", "r1")).isEqualTo("before");
        assertThat(db.getRecord("readings", "r1").orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void unknownDictionaryWithNoneRegisteredIsRejected() {
        reopen(b -> { });
        assertThat(db.listDictionaries()).isEmpty();

        assertThatThrownBy(() -> db.write("t", "k", map("a", 1), null, "missing"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing");
    }

    @Test
    void addDictionaryMakesItUsableAndListed() {
        db.addDictionary("metrics", Dictionary.deflate(Map.of("timestamp", "ts", "value", "v")));

        assertThat(db.listDictionaries()).contains("metrics", "sensors", "users");
        db.write("metrics", "m1", map("timestamp", 1, "value", 42), null, "metrics");
        assertThat(db.get("metrics", "m1")).isEqualTo(map("timestamp", 1, "value", 42));
        assertThat(db.getRecord("metrics", "m1").orElseThrow().dictionaryName()).isEqualTo("metrics");
    }

    @Test
    void addingTheSameMappingAgainIsANoOp() {
        db.addDictionary("sensors", Dictionary.deflate(Map.of(
                "sensor", "s", "temperature", "t", "metadata", "m", "location", "l", "building", "b",
                "readings", "r")));
        db.addDictionary("users", Dictionary.deflate(Map.of("username", "u", "email", "e")));

        assertThat(db.listDictionaries()).containsOnlyOnce("sensors", "users");
        db.write("readings", "r1", map("sensor", "x"), null, "sensors");
        assertThat(db.get("readings", "r1")).isEqualTo(map("sensor", "x"));
    }

    @Test
    void addingADifferentMappingUnderAnExistingNameIsRejected() {
        assertThatThrownBy(() -> db.addDictionary("sensors", Dictionary.deflate(Map.of("sensor", "x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sensors");

        db.write("readings", "r1", map("sensor", "DHT22"), null, "sensors");
        assertThat(db.get("readings", "r1")).isEqualTo(map("sensor", "DHT22"));
        reopen(b -> { });
        assertThat(db.get("readings", "r1")).as("read with the mapping kept with the data").isEqualTo(map("sensor", "DHT22"));
    }

    @Test
    void addingADifferentMappingUnderARuntimeNameIsRejected() {
        db.addDictionary("runtime", Dictionary.deflate(Map.of("alpha", "a")));

        assertThatThrownBy(() -> db.addDictionary("runtime", Dictionary.deflate(Map.of("alpha", "a", "beta", "b"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void addDictionaryRejectsBadArguments() {
        assertThatThrownBy(() -> db.addDictionary(null, SENSORS)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> db.addDictionary("", SENSORS)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> db.addDictionary("x", null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(db.listDictionaries()).doesNotContain("", "x");
    }

    @Test
    void removeDictionaryStopsWritesButKeepsRecordsReadable() {
        Map<String, Object> value = map("sensor", "DHT22", "metadata", map("location", "hall"));
        db.write("readings", "r1", value, null, "sensors");

        assertThat(db.removeDictionary("sensors")).isTrue();
        assertThat(db.removeDictionary("sensors")).isFalse();
        assertThat(db.removeDictionary("never-existed")).isFalse();

        assertThat(db.listDictionaries()).doesNotContain("sensors").contains("users");
        assertThatThrownBy(() -> db.write("readings", "r2", value, null, "sensors"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(db.get("readings", "r1")).isEqualTo(value);
        assertThat(db.getRecord("readings", "r1").orElseThrow().dictionaryName()).isEqualTo("sensors");
        assertThat(db.write("readings", "other", 1)).isEqualTo(1);
        db.flush();
        assertThat(db.get("readings", "r1")).isEqualTo(value);
    }

    @Test
    void recordsStayReadableAfterRemoveDictionaryAndRestartWithoutAnyDictionary() {
        Map<String, Object> value = map("sensor", "DHT22", "readings", List.of(map("temperature", 1)));
        db.write("readings", "r1", value, null, "sensors");
        db.removeDictionary("sensors");

        reopen(b -> { });

        assertThat(db.get("readings", "r1")).isEqualTo(value);
        assertThat(db.getRecord("readings", "r1").orElseThrow().dictionaryName()).isEqualTo("sensors");
    }

    @Test
    void usedDictionariesAreKeptAndAvailableAfterRestart() {
        db.write("readings", "r1", map("sensor", "a"), null, "sensors");

        reopen(b -> { });

        assertThat(db.listDictionaries()).contains("sensors");
        assertThat(db.get("readings", "r1")).isEqualTo(map("sensor", "a"));
        assertThat(db.write("readings", "r2", map("sensor", "b", "temperature", 3), null, "sensors")).isEqualTo(1);
        assertThat(db.get("readings", "r2")).isEqualTo(map("sensor", "b", "temperature", 3));
        reopen(b -> { });
        assertThat(db.get("readings", "r2")).isEqualTo(map("sensor", "b", "temperature", 3));
    }

    @Test
    void runtimeDictionaryIsKeptAfterRestart() {
        db.addDictionary("metrics", Dictionary.deflate(Map.of("value", "v")));
        db.write("metrics", "m", map("value", 1), null, "metrics");

        reopen(b -> { });

        assertThat(db.listDictionaries()).contains("metrics");
        assertThat(db.get("metrics", "m")).isEqualTo(map("value", 1));
        assertThatThrownBy(() -> db.addDictionary("metrics", Dictionary.deflate(Map.of("value", "x"))))
                .as("the kept mapping cannot be changed under stored data")
                .isInstanceOf(IllegalArgumentException.class);
        db.addDictionary("metrics", Dictionary.deflate(Map.of("value", "v")));
    }

    @Test
    void restartWithAConflictingConfiguredMappingNeverReadsBackWrongKeys() {
        Map<String, Object> value = map("sensor", "DHT22", "temperature", 20);
        db.write("readings", "r1", value, null, "sensors");
        db.close();

        Dictionary conflicting = Dictionary.deflate(Map.of("sensor", "x", "temperature", "s"));
        PikoDB other = unstarted(b -> b.dictionary("sensors", conflicting));
        try {
            Throwable thrown = catchThrowable(other::start);
            if (thrown != null) {
                assertThat(thrown).isInstanceOfAny(IllegalArgumentException.class, PikoDBException.class)
                        .hasMessageContaining("sensors");
                return;
            }
            assertThat(other.get("readings", "r1")).isEqualTo(value);
        } finally {
            other.close();
        }
    }

    // ---- keys colliding with short names ----

    static Stream<Arguments> collidingValues() {
        return Stream.of(
                Arguments.of("a short name as a plain key", map("s", 5)),
                Arguments.of("a long and a short key together", map("sensor", 1, "s", 2)),
                Arguments.of("a short key nested", map("metadata", map("l", "where"))),
                Arguments.of("a short key inside an array", map("list", List.of(map("t", 1.5)))),
                Arguments.of("a short key and its long key nested", map("metadata", map("location", 1, "l", 2))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("collidingValues")
    void valueWithKeysCollidingWithShortNamesRoundTripsOrIsRejected(String description, Map<String, Object> value) {
        db.write("collide", "previous", "untouched");
        Throwable thrown = catchThrowable(() -> db.write("collide", "k", value, null, "sensors"));

        if (thrown != null) {
            assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
            assertThat(db.getRecord("collide", "k")).isEmpty();
            assertThat(db.get("collide", "previous")).isEqualTo("untouched");
            return;
        }
        assertThat(db.get("collide", "k")).as("read back in this session").isEqualTo(value);
        reopen(b -> b.dictionary("sensors", SENSORS));
        assertThat(db.get("collide", "k")).as("read back after restart").isEqualTo(value);
        reopen(b -> { });
        assertThat(db.get("collide", "k")).as("read back after restart without configuration").isEqualTo(value);
    }
}
