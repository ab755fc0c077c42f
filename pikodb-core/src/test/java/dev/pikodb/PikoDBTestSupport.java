package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Opens a started {@link PikoDB} over a temporary directory with a controllable clock, and offers
 * helpers to reopen it and to inspect the files on disk.
 */
abstract class PikoDBTestSupport {

    /** 2024-11-23T22:13:20Z, the timestamp the on-disk format example uses. */
    static final long T0 = 1_732_400_000_000L;

    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    MutableClock clock;

    PikoDB db;

    private final List<PikoDB> opened = new ArrayList<>();

    @BeforeEach
    void openDatabase() {
        clock = new MutableClock(T0);
        db = open(b -> { });
    }

    @AfterEach
    void closeDatabases() {
        for (PikoDB each : opened) {
            each.close();
        }
    }

    /** Opens (constructs and starts) a database over {@link #dir} with the test clock. */
    PikoDB open(Consumer<DatabaseOptions.Builder> customizer) {
        DatabaseOptions.Builder builder = DatabaseOptions.builder().databaseDirectory(dir).clock(clock);
        customizer.accept(builder);
        PikoDB created = new PikoDB(builder.build());
        opened.add(created);
        created.start();
        return created;
    }

    /** Closes the current database and opens a new one over the same directory. */
    PikoDB reopen() {
        return reopen(b -> { });
    }

    PikoDB reopen(Consumer<DatabaseOptions.Builder> customizer) {
        db.close();
        db = open(customizer);
        return db;
    }

    /** The names of the non-hidden files in the database directory, sorted. */
    List<String> visibleFiles() {
        return files().stream().filter(name -> !name.startsWith(".")).collect(Collectors.toList());
    }

    /** The names of all files in the database directory, sorted. */
    List<String> files() {
        return files(dir);
    }

    static List<String> files(Path directory) {
        return TestFiles.fileNames(directory);
    }

    /** Parses a table file as UTF-8 JSON. */
    JsonNode readTableFile(String table) {
        return readJson(dir.resolve(table));
    }

    static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses a table file and returns its entries by key, asserting on the way that it is a JSON
     * array of {@code [key, {d, v, t, x[, n]}]} pairs.
     */
    Map<String, JsonNode> tableFileEntries(String table) {
        return entriesOf(readTableFile(table));
    }

    static Map<String, JsonNode> entriesOf(JsonNode root) {
        assertThat(root.isArray()).as("table file is a JSON array: %s", root).isTrue();
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        for (JsonNode pair : root) {
            assertThat(pair.isArray()).as("entry is a [key, record] pair: %s", pair).isTrue();
            assertThat(pair.size()).as("entry is a [key, record] pair: %s", pair).isEqualTo(2);
            assertThat(pair.get(0).isString()).as("entry key is a string: %s", pair).isTrue();
            JsonNode record = pair.get(1);
            assertThat(record.isObject()).as("record is an object: %s", pair).isTrue();
            assertThat(record.propertyNames()).as("record fields of %s", pair).contains("d", "v", "t", "x");
            assertThat(record.propertyNames()).as("record fields of %s", pair).isSubsetOf("d", "v", "t", "x", "n");
            assertThat(record.get("v").isIntegralNumber()).as("v is an integer: %s", pair).isTrue();
            assertThat(record.get("t").isIntegralNumber()).as("t is an integer: %s", pair).isTrue();
            assertThat(record.get("x").isNull() || record.get("x").isIntegralNumber())
                    .as("x is null or an integer: %s", pair).isTrue();
            if (record.has("n")) {
                assertThat(record.get("n").isString()).as("n is a string: %s", pair).isTrue();
            }
            assertThat(entries.put(pair.get(0).stringValue(), record)).as("duplicate key in %s", root).isNull();
        }
        return entries;
    }

    /** Writes a file into the database directory (for hand-made table files). */
    void writeFile(String name, String content) {
        try {
            Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The live entries of a table as a map. */
    static Map<String, Object> asMap(List<Map.Entry<String, Object>> entries) {
        Map<String, Object> map = new HashMap<>();
        for (Map.Entry<String, Object> entry : entries) {
            assertThat(map.containsKey(entry.getKey())).as("duplicate key %s", entry.getKey()).isFalse();
            map.put(entry.getKey(), entry.getValue());
        }
        return map;
    }

    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
