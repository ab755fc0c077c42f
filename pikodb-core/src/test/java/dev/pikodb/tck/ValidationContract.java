package dev.pikodb.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDB;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.type.TypeReference;

/** Table names, keys and values are validated before anything changes. */
public abstract class ValidationContract extends ContractSupport {

    /** A named call of the API with one varying argument. */
    record Op(String name, BiConsumer<PikoDB, String> call) {
        @Override
        public String toString() {
            return name;
        }
    }

    // ---- table names ----

    static List<Op> tableOperations() {
        return List.of(
                new Op("write", (db, t) -> db.write(t, "k", "v")),
                new Op("write with expiration", (db, t) -> db.write(t, "k", "v", T0 + 1000)),
                new Op("write with dictionary", (db, t) -> db.write(t, "k", "v", null, null)),
                new Op("compareAndWrite", (db, t) -> db.compareAndWrite(t, "k", 0, "v")),
                new Op("get", (db, t) -> db.get(t, "k")),
                new Op("get typed", (db, t) -> db.get(t, "k", String.class)),
                new Op("get type reference", (db, t) -> db.get(t, "k", new TypeReference<List<String>>() { })),
                new Op("get table", (db, t) -> db.get(t)),
                new Op("getRecord", (db, t) -> db.getRecord(t, "k")),
                new Op("delete", (db, t) -> db.delete(t, "k")),
                new Op("getTableSize", (db, t) -> db.getTableSize(t)),
                new Op("deleteTable", (db, t) -> db.deleteTable(t)),
                new Op("cleanupExpired", (db, t) -> db.cleanupExpired(t)),
                new Op("tableSummary", (db, t) -> db.tableSummary(t)));
    }

    static List<Arguments> invalidTableNames() {
        List<Arguments> names = new ArrayList<>();
        names.add(Arguments.of("null", null));
        names.add(Arguments.of("empty", ""));
        names.add(Arguments.of("256 ASCII bytes", "a".repeat(256)));
        names.add(Arguments.of("256 UTF-8 bytes of 2-byte chars", "é".repeat(128)));
        names.add(Arguments.of("256 UTF-8 bytes of 3-byte chars plus one", "日".repeat(85) + "a"));
        names.add(Arguments.of("256 UTF-8 bytes of 4-byte chars", "😀".repeat(64)));
        names.add(Arguments.of("slash", "a/b"));
        names.add(Arguments.of("leading slash", "/etc"));
        names.add(Arguments.of("backslash", "a\\b"));
        names.add(Arguments.of("parent reference", ".."));
        names.add(Arguments.of("traversal", "../escape"));
        names.add(Arguments.of("double dot inside", "a..b"));
        names.add(Arguments.of("double dot at the end", "name.."));
        names.add(Arguments.of("leading dot", ".hidden"));
        names.add(Arguments.of("single dot", "."));
        names.add(Arguments.of("leading dot journal-like", ".users.journal"));
        names.add(Arguments.of("NUL char", "a\0b"));
        names.add(Arguments.of("only NUL", "\0"));
        for (String reserved : List.of("CON", "con", "Con", "PRN", "prn", "AUX", "Aux", "aux", "NUL", "nul", "nUl")) {
            names.add(Arguments.of("reserved " + reserved, reserved));
        }
        for (int i = 1; i <= 9; i++) {
            names.add(Arguments.of("reserved COM" + i, "COM" + i));
            names.add(Arguments.of("reserved LPT" + i, "LPT" + i));
        }
        names.add(Arguments.of("reserved com1 lower case", "com1"));
        names.add(Arguments.of("reserved Lpt9 mixed case", "Lpt9"));
        names.add(Arguments.of("reserved name with extension", "con.txt"));
        names.add(Arguments.of("temp suffix", "users.tmp"));
        names.add(Arguments.of("bare temp suffix", "a.tmp"));
        names.add(Arguments.of("Node temp file", "users.tmp.123.abc"));
        names.add(Arguments.of(".tmp. inside", "a.tmp.b"));
        return names;
    }

    static Stream<Arguments> invalidTableNamesForEveryOperation() {
        return invalidTableNames().stream().flatMap(name -> tableOperations().stream()
                .map(op -> Arguments.of(name.get()[0], name.get()[1], op)));
    }

    @ParameterizedTest(name = "{2}: {0}")
    @MethodSource("invalidTableNamesForEveryOperation")
    @OneDatabaseForAllCases
    void invalidTableNameIsRejectedBeforeAnythingChanges(String description, String table, Op op) {
        Throwable thrown = catchThrowable(() -> op.call().accept(db, table));

        assertThat(thrown).as("%s with table name %s", op, description)
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(thrown.getMessage()).isNotBlank().containsIgnoringCase("table");
        assertThat(db.listTables()).isEmpty();
        db.flush();
        assertThat(storedTables()).isEmpty();
    }

    @Test
    void nameLengthLimitCountsUtf8BytesNotChars() {
        assertThat("é".repeat(128).getBytes(StandardCharsets.UTF_8)).hasSize(256);
        assertThat("é".repeat(128)).hasSize(128);
        assertThatThrownBy(() -> db.write("é".repeat(128), "k", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(db.write("é".repeat(127) + "a", "k", 1)).isEqualTo(1);
    }

    static Stream<Arguments> validTableNames() {
        return Stream.of(
                Arguments.of("255 ASCII bytes", "a".repeat(255)),
                Arguments.of("255 UTF-8 bytes of 2-byte chars", "é".repeat(127) + "a"),
                Arguments.of("255 UTF-8 bytes of 3-byte chars", "日".repeat(85)),
                Arguments.of("255 UTF-8 bytes with 4-byte chars", "😀".repeat(63) + "abc"),
                Arguments.of("plain", "users"),
                Arguments.of("single dot inside", "a.b"),
                Arguments.of("spaces", "my table"),
                Arguments.of("punctuation", "users-2024_v1#x@y"),
                Arguments.of("unicode", "日本語テーブル"),
                Arguments.of("COM10 is not reserved", "COM10"),
                Arguments.of("COM0 is not reserved", "COM0"),
                Arguments.of("LPT is not reserved", "LPT"),
                Arguments.of("CONSOLE is not reserved", "CONSOLE"),
                Arguments.of("null word", "null"),
                Arguments.of("auxiliary", "auxiliary"),
                Arguments.of("tmp without dot", "tmp"),
                Arguments.of("tmp. prefix", "tmp.data"),
                Arguments.of("tmpl suffix", "x.tmpl"),
                Arguments.of("tmpx suffix", "a.tmpx"),
                Arguments.of("tmp in the middle without dots", "atmpb"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validTableNames")
    void validTableNameWorksEverywhere(String description, String table) {
        assertThat(db.write(table, "k", map("v", 1))).isEqualTo(1);
        assertThat(db.get(table, "k")).isEqualTo(map("v", 1));
        assertThat(db.getTableSize(table)).isEqualTo(1);
        assertThat(db.listTables()).contains(table);
        db.flush();
        assertThat(storedTables()).containsExactly(table);

        reopen();

        assertThat(db.listTables()).containsExactly(table);
        assertThat(db.get(table, "k")).isEqualTo(map("v", 1));
        assertThat(db.deleteTable(table)).isTrue();
        assertThat(storedTables()).isEmpty();
    }

    // ---- keys ----

    static List<Op> keyOperations() {
        return List.of(
                new Op("write", (db, k) -> db.write("t", k, "v")),
                new Op("write with expiration", (db, k) -> db.write("t", k, "v", T0 + 1000)),
                new Op("write with dictionary", (db, k) -> db.write("t", k, "v", null, null)),
                new Op("compareAndWrite", (db, k) -> db.compareAndWrite("t", k, 0, "v")),
                new Op("get", (db, k) -> db.get("t", k)),
                new Op("get typed", (db, k) -> db.get("t", k, String.class)),
                new Op("get type reference", (db, k) -> db.get("t", k, new TypeReference<Map<String, Object>>() { })),
                new Op("getRecord", (db, k) -> db.getRecord("t", k)),
                new Op("delete", (db, k) -> db.delete("t", k)));
    }

    static Stream<Arguments> invalidKeysForEveryOperation() {
        List<Arguments> keys = List.of(
                Arguments.of("null", null),
                Arguments.of("empty", ""),
                Arguments.of("1025 chars", "k".repeat(1025)),
                Arguments.of("1026 chars from 513 surrogate pairs", "😀".repeat(513)),
                Arguments.of("NUL inside", "a\0b"),
                Arguments.of("only NUL", "\0"));
        return keys.stream().flatMap(key -> keyOperations().stream()
                .map(op -> Arguments.of(key.get()[0], key.get()[1], op)));
    }

    @ParameterizedTest(name = "{2}: {0}")
    @MethodSource("invalidKeysForEveryOperation")
    @OneDatabaseForAllCases
    void invalidKeyIsRejectedBeforeAnythingChanges(String description, String key, Op op) {
        // The same write in every case, so every case starts from the same contents of the shared database.
        db.write("t", "existing", "kept");

        Throwable thrown = catchThrowable(() -> op.call().accept(db, key));

        assertThat(thrown).as("%s with key %s", op, description).isInstanceOf(IllegalArgumentException.class);
        assertThat(thrown.getMessage()).isNotBlank().containsIgnoringCase("key");
        assertThat(db.getTableSize("t")).isEqualTo(1);
        assertThat(db.get("t", "existing")).isEqualTo("kept");
        assertThat(db.listTables()).containsExactly("t");
    }

    static Stream<Arguments> validKeys() {
        return Stream.of(
                Arguments.of("1024 ASCII chars", "k".repeat(1024)),
                Arguments.of("1024 chars of 2 UTF-8 bytes each", "é".repeat(1024)),
                Arguments.of("1024 chars from 512 surrogate pairs", "😀".repeat(512)),
                Arguments.of("single char", "k"),
                Arguments.of("path-like", "../../etc/passwd"),
                Arguments.of("reserved device name", "CON"),
                Arguments.of("leading dot", ".k"),
                Arguments.of("whitespace only", " "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validKeys")
    void validKeyWorksEverywhere(String description, String key) {
        assertThat(db.write("t", key, 1)).isEqualTo(1);
        assertThat(db.compareAndWrite("t", key, 1, 2)).isTrue();
        assertThat(db.get("t", key)).isEqualTo(2);
        assertThat(db.get("t", key, Long.class)).isEqualTo(2L);
        assertThat(db.getRecord("t", key)).isPresent();

        reopen();

        assertThat(db.get("t", key)).isEqualTo(2);
        assertThat(asMap(db.get("t"))).containsOnlyKeys(key);
        assertThat(db.delete("t", key)).isTrue();
    }

    // ---- values ----

    /** A bean whose getter refers back to the bean itself. */
    public static class SelfReferencing {
        public String name = "loop";
        public SelfReferencing self = this;
    }

    /** One half of an indirect cycle of beans. */
    public static class Parent {
        public Child child;
    }

    /** The other half of an indirect cycle of beans. */
    public static class Child {
        public Parent parent;
    }

    /** A bean Jackson cannot serialise: its getter throws. */
    public static class Exploding {
        public String getOk() {
            return "fine";
        }

        public String getValue() {
            throw new IllegalStateException("getter failure");
        }
    }

    static Stream<Arguments> unserialisableValues() {
        return Stream.of(
                Arguments.of("self-referencing bean", (Supplier<Object>) SelfReferencing::new),
                Arguments.of("indirect cycle of beans", (Supplier<Object>) () -> {
                    Parent parent = new Parent();
                    parent.child = new Child();
                    parent.child.parent = parent;
                    return parent;
                }),
                Arguments.of("map containing itself", (Supplier<Object>) () -> {
                    Map<String, Object> map = new HashMap<>();
                    map.put("name", "x");
                    map.put("self", map);
                    return map;
                }),
                Arguments.of("list containing itself", (Supplier<Object>) () -> {
                    List<Object> list = new ArrayList<>();
                    list.add(1);
                    list.add(list);
                    return list;
                }),
                Arguments.of("bean with a throwing getter", (Supplier<Object>) Exploding::new),
                Arguments.of("throwing bean nested in a map after good entries", (Supplier<Object>) () ->
                        map("first", "ok", "second", List.of(1, 2, 3), "third", new Exploding())),
                Arguments.of("throwing bean at the end of a list", (Supplier<Object>) () ->
                        List.of("a", "b", new Exploding())));
    }

    record ValueOp(String name, Call call) {
        interface Call {
            Object apply(PikoDB db, String table, String key, Object value);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<ValueOp> valueOperations() {
        return List.of(
                new ValueOp("write", (db, t, k, v) -> db.write(t, k, v)),
                new ValueOp("write with expiration", (db, t, k, v) -> db.write(t, k, v, T0 + 5000)),
                new ValueOp("write with dictionary", (db, t, k, v) -> db.write(t, k, v, null, "dict")),
                new ValueOp("compareAndWrite on absent key", (db, t, k, v) -> db.compareAndWrite(t, k, 0, v)));
    }

    static Stream<Arguments> unserialisableValuesForEveryWrite() {
        return unserialisableValues().flatMap(value -> valueOperations().stream()
                .map(op -> Arguments.of(value.get()[0], value.get()[1], op)));
    }

    @ParameterizedTest(name = "{2}: {0}")
    @MethodSource("unserialisableValuesForEveryWrite")
    void unserialisableValueIsRejectedAndCreatesNothing(String description, Supplier<Object> value, ValueOp op) {
        db.addDictionary("dict", Dictionary.deflate(Map.of("name", "n", "first", "f")));

        Throwable thrown = catchThrowable(() -> op.call().apply(db, "values", "the-key", value.get()));

        assertThat(thrown).as("%s of %s", op, description).isInstanceOf(IllegalArgumentException.class);
        assertThat(thrown.getMessage()).isNotBlank();
        assertThat(db.getRecord("values", "the-key")).isEmpty();
        assertThat(db.listTables()).doesNotContain("values");
        assertThat(db.getTableSize("values")).isZero();
        db.flush();
        assertThat(storedTables()).isEmpty();
        reopen();
        assertThat(db.listTables()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unserialisableValues")
    void unserialisableValueLeavesThePreviousRecordIntact(String description, Supplier<Object> value) {
        db.write("values", "the-key", map("good", 1));
        db.write("values", "the-key", map("good", 2));
        clock.advance(100);

        assertThatThrownBy(() -> db.write("values", "the-key", value.get()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> db.compareAndWrite("values", "the-key", 2, value.get()))
                .isInstanceOf(IllegalArgumentException.class);

        DatabaseRecord record = db.getRecord("values", "the-key").orElseThrow();
        assertThat(record.value()).isEqualTo(map("good", 2));
        assertThat(record.version()).isEqualTo(2);
        assertThat(record.timestamp()).isEqualTo(T0);
        assertThat(db.write("values", "the-key", map("good", 3))).as("the next write continues the versions")
                .isEqualTo(3);
        reopen();
        assertThat(db.get("values", "the-key")).isEqualTo(map("good", 3));
        assertThat(db.getRecord("values", "the-key").orElseThrow().version()).isEqualTo(3);
    }

    /** A class without properties; Jackson 3 serialises it as an empty object by default. */
    public static class NoProperties {
    }

    @Test
    void beanWithoutPropertiesIsEitherRejectedOrStoredAsAnEmptyObject() {
        Throwable thrown = catchThrowable(() -> db.write("values", "k", new NoProperties()));

        if (thrown != null) {
            assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
            assertThat(db.listTables()).doesNotContain("values");
        } else {
            assertThat(db.get("values", "k")).isEqualTo(Map.of());
        }
    }
}
