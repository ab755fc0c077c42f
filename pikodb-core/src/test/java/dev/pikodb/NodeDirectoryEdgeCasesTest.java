package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Directories written by the Node.js PikoDB with content that its rules allow and ours are stricter
 * about: values nested thousands of levels deep, keys with an unpaired surrogate, and keys that are
 * empty or longer than the 1,024 characters new keys may have. Such data opens, reads back, can be
 * deleted, survives compaction and close, and is written back as the Node.js PikoDB wrote it.
 */
class NodeDirectoryEdgeCasesTest extends PikoDBTestSupport {

    private static final JsonMapper DEEP_JSON = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(20_000).build()).build()).build();

    private static final Dictionary SENSORS = Dictionary.deflate(Map.of("sensor", "s"));

    private static String record(String valueJson) {
        return "{\"d\":" + valueJson + ",\"v\":1,\"t\":" + T0 + ",\"x\":null}";
    }

    private static String nestedArrays(int depth) {
        return "[".repeat(depth) + "1" + "]".repeat(depth);
    }

    private static String nestedObjects(String field, int depth) {
        return ("{\"" + field + "\":").repeat(depth) + "\"leaf\"" + "}".repeat(depth);
    }

    /** The nesting depth of a decoded value, counted without recursion. */
    private static int depth(Object value) {
        int depth = 0;
        Object current = value;
        while (current instanceof List<?> || current instanceof Map<?, ?>) {
            depth++;
            current = current instanceof List<?> list ? list.get(0) : ((Map<?, ?>) current).values().iterator().next();
        }
        return depth;
    }

    private static int depth(JsonNode value) {
        int depth = 0;
        JsonNode current = value;
        while (current.isContainer()) {
            depth++;
            current = current.isArray() ? current.get(0) : current.values().iterator().next();
        }
        return depth;
    }

    private void writeNodeTable(String table, String... entries) {
        writeFile(table, "[" + String.join(",\n", entries) + "]");
    }

    // ---- deeply nested values ----------------------------------------------------------------

    @ParameterizedTest(name = "{0} levels")
    @ValueSource(ints = {2_000, 10_000})
    void deeplyNestedValuesWrittenByNodeReadBack(int levels) {
        db.close();
        writeNodeTable("deep",
                "[\"arrays\"," + record(nestedArrays(levels)) + "]",
                "[\"objects\"," + record(nestedObjects("a", levels)) + "]",
                "[\"deflated\",{\"d\":" + nestedObjects("s", levels) + ",\"v\":1,\"t\":" + T0 + ",\"x\":null,\"n\":\"sensors\"}]");
        writeNodeTable("plain", "[\"k\"," + record("\"fine\"") + "]");

        db = open(b -> b.dictionary("sensors", SENSORS));

        assertThat(db.quarantinedFiles()).isEmpty();
        assertThat(db.get("plain", "k")).isEqualTo("fine");
        assertThat(depth(db.get("deep", "arrays"))).isEqualTo(levels);
        assertThat(depth(db.get("deep", "objects"))).isEqualTo(levels);
        Object inflated = db.get("deep", "deflated");
        assertThat(depth(inflated)).isEqualTo(levels);
        assertThat(((Map<?, ?>) inflated).keySet().stream().map(String::valueOf)).containsExactly("sensor");
        assertThat(depth(db.get("deep", "objects", JsonNode.class))).isEqualTo(levels);
        assertThat(depth(db.getRecord("deep", "arrays").orElseThrow().value())).isEqualTo(levels);
        assertThat(db.get("deep")).hasSize(3);
        Throwable typed = org.assertj.core.api.Assertions.catchThrowable(() ->
                assertThat(depth(db.get("deep", "arrays", List.class))).isEqualTo(levels));
        if (typed != null) {
            assertThat(typed).as("a typed read either works or says why").isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nests too deeply");
        }

        db.write("deep", "another", "value");
        db.close();
        assertThat(depth(DEEP_JSON.readTree(dir.resolve("deep").toFile()).get(0).get(1).get("d")))
                .as("table file after close").isEqualTo(levels);

        db = open(b -> b.dictionary("sensors", SENSORS));
        assertThat(depth(db.get("deep", "arrays"))).isEqualTo(levels);
        assertThat(depth(db.get("deep", "deflated"))).isEqualTo(levels);
        assertThat(db.get("deep", "another")).isEqualTo("value");
    }

    @Test
    void aValueDeeperThanTheReadLimitMakesOnlyThatKeyUnreadable() {
        db.close();
        writeNodeTable("deep",
                "[\"too-deep\"," + record(nestedArrays(10_001)) + "]",
                "[\"shallow\"," + record("{\"a\":1}") + "]");

        db = open(b -> { });

        assertThat(db.quarantinedFiles()).isEmpty();
        assertThat(db.get("deep", "shallow")).isEqualTo(Map.of("a", 1));
        assertThatThrownBy(() -> db.get("deep", "too-deep")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too-deep").hasMessageContaining("deep").hasMessageContaining("10000");
        db.close();
        assertThat(TestFiles.size(dir.resolve("deep"))).as("the value is kept as it was").isGreaterThan(20_000);
    }

    @Test
    void aValueTooDeepToWriteIsRefusedAndNothingIsStored() {
        Object value = 1;
        for (int i = 0; i < 5_000; i++) {
            value = List.of(value);
        }
        Object tooDeep = value;

        assertThatThrownBy(() -> db.write("t", "k", tooDeep)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'k'").hasMessageContaining("'t'").hasMessageContaining("1000")
                .satisfies(e -> assertThat(e.getMessage()).as("a short message").hasSizeLessThan(500));
        assertThat(db.getRecord("t", "k")).isEmpty();
        assertThat(db.listTables()).isEmpty();

        Object writable = 1;
        for (int i = 0; i < 900; i++) {
            writable = List.of(writable);
        }
        db.write("t", "k", writable);
        reopen();
        assertThat(depth(db.get("t", "k"))).isEqualTo(900);
    }

    @Test
    void aDeepValueWrittenWithADictionaryIsDeflatedAndInflatedAtEveryLevel() {
        db.close();
        db = open(b -> b.dictionary("sensors", SENSORS));
        Map<String, Object> value = Map.of("sensor", "leaf");
        for (int i = 1; i < 900; i++) {
            value = Map.of("sensor", value);
        }

        db.write("t", "k", value, null, "sensors");
        db.close();

        JsonNode stored = DEEP_JSON.readTree(dir.resolve("t").toFile()).get(0).get(1).get("d");
        assertThat(stored.propertyNames()).containsExactly("s");
        assertThat(depth(stored)).isEqualTo(900);
        db = open(b -> { });
        Object read = db.get("t", "k");
        assertThat(depth(read)).isEqualTo(900);
        assertThat(read).isEqualTo(value);
    }

    @Test
    void anUnparseableTableIsMovedAsideAloneAndTheRestOpens() throws Exception {
        db.close();
        writeNodeTable("deep", "[\"k\"," + record(nestedArrays(2_000)) + "]");
        writeFile("broken", "[[\"k\",{\"d\":[[[1,2");
        writeNodeTable("plain", "[\"k\"," + record("\"fine\"") + "]");

        db = open(b -> { });

        assertThat(db.quarantinedFiles()).extracting(QuarantinedFile::table).containsExactly("broken");
        assertThat(Files.readString(db.quarantinedFiles().get(0).movedTo(), StandardCharsets.UTF_8))
                .isEqualTo("[[\"k\",{\"d\":[[[1,2");
        assertThat(db.listTables()).containsExactly("deep", "plain");
        assertThat(depth(db.get("deep", "k"))).isEqualTo(2_000);
        assertThat(db.get("plain", "k")).isEqualTo("fine");
    }

    @Test
    void aFileNestedBeyondAnyLimitIsMovedAsideAloneWithItsReason() {
        db.close();
        writeNodeTable("absurd", "[\"k\"," + record(nestedArrays(1_000_001)) + "]");
        writeNodeTable("plain", "[\"k\"," + record("\"fine\"") + "]");

        db = open(b -> { });

        assertThat(db.quarantinedFiles()).singleElement().satisfies(file -> {
            assertThat(file.table()).isEqualTo("absurd");
            assertThat(file.reason()).contains("nesting depth");
        });
        assertThat(db.get("plain", "k")).isEqualTo("fine");
    }

    // ---- keys with an unpaired surrogate ------------------------------------------------------

    /** As JavaScript's JSON.stringify writes a key holding a lone high surrogate. */
    private static final String LONE_SURROGATE_JSON = "a\\ud800b";
    private static final String LONE_SURROGATE = "a\ud800b";

    @Test
    void aKeyWithALoneSurrogateRoundTripsAndTheTableKeepsCompactingAndClosing() throws Exception {
        db.close();
        writeNodeTable("t",
                "[\"" + LONE_SURROGATE_JSON + "\"," + record("{\"n\":1}") + "]",
                "[\"other\"," + record("2") + "]");
        db = open(b -> { });

        assertThat(db.get("t")).extracting(Map.Entry::getKey).containsExactlyInAnyOrder(LONE_SURROGATE, "other");
        assertThat(db.get("t", LONE_SURROGATE)).isEqualTo(Map.of("n", 1));
        assertThat(db.getRecord("t", LONE_SURROGATE).orElseThrow().version()).isEqualTo(1);

        String big = "x".repeat(4_000);
        for (int i = 0; i < 600; i++) {
            assertThat(db.write("t", "bulk-" + (i % 50), big)).as("write %d past the compaction threshold", i)
                    .isPositive();
        }
        // Compactions run in the background: wait for one.
        Eventually.await(() -> db.statistics().compactions() > 0);
        assertThat(db.statistics().compactions()).as("compactions").isPositive();
        assertThat(db.failedTables()).isEmpty();
        db.close();

        String raw = Files.readString(dir.resolve("t"), StandardCharsets.UTF_8);
        assertThat(raw).as("written back as the JSON escape Node wrote").contains("\"" + LONE_SURROGATE_JSON + "\"");
        assertThat(raw).doesNotContain("\uFFFD").doesNotContain("a?b");
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".journal"));

        db = open(b -> { });
        assertThat(db.get("t", LONE_SURROGATE)).isEqualTo(Map.of("n", 1));
        assertThat(db.getTableSize("t")).isEqualTo(52);
    }

    @Test
    void deletingALoneSurrogateKeyIsJournalledExactly() throws Exception {
        db.close();
        writeNodeTable("t",
                "[\"" + LONE_SURROGATE_JSON + "\"," + record("1") + "]",
                "[\"a?b\"," + record("2") + "]");
        db = open(b -> { });

        assertThat(db.delete("t", LONE_SURROGATE)).isTrue();
        Path crashed = dir.resolveSibling(dir.getFileName() + "-crashed");
        TestFiles.copyDirectory(dir, crashed);
        Files.deleteIfExists(crashed.resolve(".lock"));

        try (PikoDB copy = new PikoDB(crashed)) {
            copy.start();
            assertThat(copy.get("t")).extracting(Map.Entry::getKey).as("after replaying the journal")
                    .containsExactly("a?b");
        } finally {
            TestFiles.deleteTree(crashed);
        }
    }

    @Test
    void aWriteOfANewKeyWithALoneSurrogateIsRefusedAndNothingIsStored() {
        assertThatThrownBy(() -> db.write("t", LONE_SURROGATE, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("surrogate");
        assertThat(db.listTables()).isEmpty();
        reopen();
        assertThat(db.listTables()).isEmpty();
    }

    // ---- keys longer than 1,024 characters, empty, with NUL -----------------------------------

    @Test
    void keysNodeAllowedButNewWritesMayNotUseCanBeReadAndDeleted() throws Exception {
        String longKey = "k".repeat(2_000);
        String veryLongKey = "é".repeat(40_000);
        db.close();
        writeNodeTable("t",
                "[\"\"," + record("\"empty\"") + "]",
                "[\"" + longKey + "\"," + record("\"long\"") + "]",
                "[\"" + veryLongKey + "\"," + record("\"very long\"") + "]",
                "[\"a\\u0000b\"," + record("\"nul\"") + "]",
                "[\"normal\"," + record("\"normal\"") + "]");
        db = open(b -> { });

        assertThat(db.get("t")).hasSize(5);
        assertThat(db.get("t", "")).isEqualTo("empty");
        assertThat(db.get("t", longKey, String.class)).isEqualTo("long");
        assertThat(db.getRecord("t", veryLongKey).orElseThrow().value()).isEqualTo("very long");
        assertThat(db.get("t", "a\0b")).isEqualTo("nul");

        assertThatThrownBy(() -> db.write("t", "", "new")).as("the rules for writing keys stay")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> db.compareAndWrite("t", longKey, 1, "new")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> db.get("t", "k".repeat(1_500))).as("a bad key that is not stored")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1024");
        assertThat(db.get("t", "")).as("unchanged by the refused write").isEqualTo("empty");

        assertThat(db.delete("t", "")).isTrue();
        assertThat(db.delete("t", longKey)).isTrue();
        assertThat(db.delete("t", veryLongKey)).isTrue();
        assertThat(db.delete("t", "a\0b")).isTrue();
        assertThat(db.getRecord("t", "normal")).isPresent();

        Path crashed = dir.resolveSibling(dir.getFileName() + "-crashed");
        TestFiles.copyDirectory(dir, crashed);
        Files.deleteIfExists(crashed.resolve(".lock"));
        try (PikoDB copy = new PikoDB(crashed)) {
            copy.start();
            assertThat(copy.get("t")).as("the deletes replayed from the journal").extracting(Map.Entry::getKey)
                    .containsExactly("normal");
        } finally {
            TestFiles.deleteTree(crashed);
        }
        db.close();
        db = open(b -> { });
        assertThat(db.get("t")).extracting(Map.Entry::getKey).containsExactly("normal");
    }

    @Test
    void keysNodeAllowedSurviveCompactionAndClose() {
        String longKey = "k".repeat(2_000);
        db.close();
        List<String> json = new ArrayList<>();
        json.add("[\"\"," + record("\"empty\"") + "]");
        json.add("[\"" + longKey + "\"," + record("\"long\"") + "]");
        writeNodeTable("t", json.toArray(String[]::new));
        db = open(b -> { });
        db.write("t", "x", 1);
        db.close();
        db = open(b -> { });
        assertThat(db.get("t", "")).isEqualTo("empty");
        assertThat(db.get("t", longKey)).isEqualTo("long");
        assertThat(db.getTableSize("t")).isEqualTo(3);
    }
}
