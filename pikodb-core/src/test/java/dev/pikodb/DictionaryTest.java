package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.tck.DictionaryContract;
import dev.pikodb.tck.DictionaryContract.Reading;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Dictionary construction, and the directory engine's on-disk form of compressed records: short keys
 * and the dictionary name {@code n} in the table file (the rules on every engine: {@code DictionaryContract}).
 */
class DictionaryTest extends PikoDBTestSupport {

    @BeforeEach
    void openWithDictionaries() {
        reopen(b -> b.dictionary("sensors", DictionaryContract.SENSORS).dictionary("users", DictionaryContract.USERS));
    }

    // ---- construction ----

    @Test
    void deflateDerivesTheInflateMapping() {
        Dictionary dictionary = Dictionary.deflate(Map.of("sensor", "s", "temperature", "t"));

        assertThat(dictionary.deflateMapping()).isEqualTo(Map.of("sensor", "s", "temperature", "t"));
        assertThat(dictionary.inflateMapping()).isEqualTo(Map.of("s", "sensor", "t", "temperature"));
    }

    @Test
    void inflateDerivesTheDeflateMapping() {
        Dictionary dictionary = Dictionary.inflate(Map.of("s", "sensor", "t", "temperature"));

        assertThat(dictionary.inflateMapping()).isEqualTo(Map.of("s", "sensor", "t", "temperature"));
        assertThat(dictionary.deflateMapping()).isEqualTo(Map.of("sensor", "s", "temperature", "t"));
    }

    @Test
    void constructorAcceptsExactlyOneMapping() {
        assertThat(new Dictionary(Map.of("a", "b"), null).inflateMapping()).isEqualTo(Map.of("b", "a"));
        assertThat(new Dictionary(null, Map.of("b", "a")).deflateMapping()).isEqualTo(Map.of("a", "b"));
    }

    @Test
    void constructorRejectsBothMappingsWithTheSeedMessage() {
        assertThatThrownBy(() -> new Dictionary(Map.of("a", "b"), Map.of("b", "a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Dictionary should provide only one of deflate or inflate (not both)");
    }

    @Test
    void constructorRejectsNeitherMappingWithTheSeedMessage() {
        assertThatThrownBy(() -> new Dictionary(null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Dictionary must provide either deflate or inflate mapping");
    }

    @Test
    void mappingThatIsNotOneToOneIsRejected() {
        assertThatThrownBy(() -> Dictionary.deflate(Map.of("sensor", "s", "status", "s")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s");
        assertThatThrownBy(() -> Dictionary.inflate(Map.of("a", "name", "b", "name")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
    }

    @Test
    void mappingsAreImmutableCopies() {
        Map<String, String> source = new HashMap<>(Map.of("sensor", "s"));
        Dictionary dictionary = Dictionary.deflate(source);
        source.put("temperature", "t");

        assertThat(dictionary.deflateMapping()).containsOnlyKeys("sensor");
        assertThat(dictionary.inflateMapping()).containsOnlyKeys("s");
        assertThatThrownBy(() -> dictionary.deflateMapping().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> dictionary.inflateMapping().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- on-disk form ----

    @Test
    void pojoValueIsCompressedToo() {
        db.write("readings", "r1", new Reading("DHT22", 21.0), null, "sensors");

        assertThat(db.get("readings", "r1", Reading.class)).isEqualTo(new Reading("DHT22", 21.0));
        db.close();
        assertThat(tableFileEntries("readings").get("r1").get("d").propertyNames()).containsExactlyInAnyOrder("s", "t");
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
        db.close();

        JsonNode d = tableFileEntries("readings").get("r1").get("d");
        JsonNode expected = JSON.valueToTree(map(
                "s", "DHT22",
                "m", map("l", map("b", "A", "floor", 2)),
                "r", List.of(map("t", 1.5, "unit", "C"), map("t", 2.5),
                        List.of(map("s", "nested in array of arrays")), "plain string", 7)));
        assertThat(d).isEqualTo(expected);
    }

    @Test
    void onlyKeysAreCompressedNeverValues() {
        Map<String, Object> value = map("sensor", "temperature", "other", List.of("sensor", "metadata"));

        db.write("readings", "r1", value, null, "sensors");
        db.close();

        JsonNode d = tableFileEntries("readings").get("r1").get("d");
        assertThat(d).isEqualTo(JSON.valueToTree(map("s", "temperature", "other", List.of("sensor", "metadata"))));
    }

    @Test
    void tableFileHasShortKeysAndTheDictionaryName() {
        db.write("readings", "r1", map("sensor", "DHT22", "temperature", 23.5), T0 + 3_600_000, "sensors");
        db.write("readings", "plain", map("sensor", "raw"));
        db.close();

        Map<String, JsonNode> entries = tableFileEntries("readings");
        JsonNode r1 = entries.get("r1");
        assertThat(r1.get("d")).isEqualTo(JSON.valueToTree(map("s", "DHT22", "t", 23.5)));
        assertThat(r1.get("n").stringValue()).isEqualTo("sensors");
        assertThat(r1.get("x").longValue()).isEqualTo(T0 + 3_600_000);
        JsonNode plain = entries.get("plain");
        assertThat(plain.has("n")).as("no dictionary, no n").isFalse();
        assertThat(plain.get("d")).isEqualTo(JSON.valueToTree(map("sensor", "raw")));
    }

    @Test
    void dictionaryShrinksTheTableFile() throws Exception {
        for (int i = 0; i < 200; i++) {
            Map<String, Object> value = map("sensor", "DHT" + i, "temperature", i / 2.0,
                    "metadata", map("location", map("building", "A")));
            db.write("compressed", "r" + i, value, null, "sensors");
            db.write("uncompressed", "r" + i, value);
        }
        db.close();

        assertThat(Files.size(dir.resolve("compressed"))).isLessThan(Files.size(dir.resolve("uncompressed")));
    }

    @Test
    void nullDictionaryNameMeansNoDictionary() {
        db.write("t", "k", map("sensor", "x"), null, null);

        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::dictionaryName).isNull();
        db.close();
        assertThat(tableFileEntries("t").get("k").get("d").has("sensor")).isTrue();
    }

    @Test
    void overwritingWithoutADictionaryStoresPlainKeys() {
        db.write("t", "k", map("sensor", "x"), null, "sensors");
        assertThat(db.write("t", "k", map("sensor", "y"))).isEqualTo(2);

        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::dictionaryName).isNull();
        db.close();
        JsonNode record = tableFileEntries("t").get("k");
        assertThat(record.has("n")).isFalse();
        assertThat(record.get("d")).isEqualTo(JSON.valueToTree(map("sensor", "y")));
    }

    @Test
    void differentRecordsMayUseDifferentDictionaries() {
        db.write("mixed", "reading", map("sensor", "a"), null, "sensors");
        db.write("mixed", "user", map("username", "alice", "email", "a@example.com"), null, "users");
        db.close();

        Map<String, JsonNode> entries = tableFileEntries("mixed");
        assertThat(entries.get("reading").get("n").stringValue()).isEqualTo("sensors");
        assertThat(entries.get("user").get("n").stringValue()).isEqualTo("users");
        assertThat(entries.get("user").get("d")).isEqualTo(JSON.valueToTree(map("u", "alice", "e", "a@example.com")));

        reopen(b -> { });
        assertThat(db.get("mixed", "user")).isEqualTo(map("username", "alice", "email", "a@example.com"));
        assertThat(db.get("mixed", "reading")).isEqualTo(map("sensor", "a"));
    }

    @Test
    void addDictionaryMakesItUsableAndListed() {
        db.addDictionary("metrics", Dictionary.deflate(Map.of("timestamp", "ts", "value", "v")));

        assertThat(db.listDictionaries()).contains("metrics", "sensors", "users");
        db.write("metrics", "m1", map("timestamp", 1, "value", 42), null, "metrics");
        assertThat(db.get("metrics", "m1")).isEqualTo(map("timestamp", 1, "value", 42));
        db.close();
        assertThat(tableFileEntries("metrics").get("m1").get("d")).isEqualTo(JSON.valueToTree(map("ts", 1, "v", 42)));
    }

    @Test
    void addingADifferentMappingUnderAnExistingNameIsRejected() {
        assertThatThrownBy(() -> db.addDictionary("sensors", Dictionary.deflate(Map.of("sensor", "x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sensors");

        db.write("readings", "r1", map("sensor", "DHT22"), null, "sensors");
        db.close();
        assertThat(tableFileEntries("readings").get("r1").get("d")).isEqualTo(JSON.valueToTree(map("s", "DHT22")));
    }

    @Test
    void recordsStayReadableAfterRemoveDictionaryAndRestartWithoutAnyDictionary() {
        Map<String, Object> value = map("sensor", "DHT22", "readings", List.of(map("temperature", 1)));
        db.write("readings", "r1", value, null, "sensors");
        db.removeDictionary("sensors");

        reopen(b -> { });

        assertThat(db.get("readings", "r1")).isEqualTo(value);
        assertThat(db.getRecord("readings", "r1").orElseThrow().dictionaryName()).isEqualTo("sensors");
        db.close();
        Map<String, JsonNode> entries = tableFileEntries("readings");
        assertThat(entries.get("r1").get("n").stringValue()).isEqualTo("sensors");
        assertThat(entries.get("r1").get("d")).isEqualTo(JSON.valueToTree(map("s", "DHT22", "r", List.of(map("t", 1)))));
    }

    @Test
    void usedDictionariesAreKeptAndAvailableAfterRestart() {
        db.write("readings", "r1", map("sensor", "a"), null, "sensors");

        reopen(b -> { });

        assertThat(db.listDictionaries()).contains("sensors");
        assertThat(db.get("readings", "r1")).isEqualTo(map("sensor", "a"));
        assertThat(db.write("readings", "r2", map("sensor", "b", "temperature", 3), null, "sensors")).isEqualTo(1);
        assertThat(db.get("readings", "r2")).isEqualTo(map("sensor", "b", "temperature", 3));
        db.close();
        assertThat(tableFileEntries("readings").get("r2").get("d")).isEqualTo(JSON.valueToTree(map("s", "b", "t", 3)));
    }
}
