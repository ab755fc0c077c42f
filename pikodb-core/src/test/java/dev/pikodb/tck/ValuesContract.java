package dev.pikodb.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseRecord;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Every kind of value round-trips, reads return fresh objects, and typed reads convert as Jackson does. */
public abstract class ValuesContract extends ContractSupport {

    /** A small record value. */
    public record Point(int x, int y) {
    }

    /** A record value with lists, a nested record and an enum. */
    public record Customer(String name, int age, List<String> tags, Point home, Level level) {
    }

    /** An enum property, stored by name. */
    public enum Level { BRONZE, GOLD }

    /** A classic mutable JavaBean. */
    public static class Person {
        private String firstName;
        private long id;
        private Double score;

        public Person() {
        }

        Person(String firstName, long id, Double score) {
            this.firstName = firstName;
            this.id = id;
            this.score = score;
        }

        public String getFirstName() {
            return firstName;
        }

        public void setFirstName(String firstName) {
            this.firstName = firstName;
        }

        public long getId() {
            return id;
        }

        public void setId(long id) {
            this.id = id;
        }

        public Double getScore() {
            return score;
        }

        public void setScore(Double score) {
            this.score = score;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Person p && Objects.equals(firstName, p.firstName) && id == p.id
                    && Objects.equals(score, p.score);
        }

        @Override
        public int hashCode() {
            return Objects.hash(firstName, id, score);
        }

        @Override
        public String toString() {
            return "Person[" + firstName + ", " + id + ", " + score + "]";
        }
    }

    static Stream<Arguments> naturalValues() {
        return Stream.of(
                Arguments.of("string", "hello", String.class),
                Arguments.of("empty string", "", String.class),
                Arguments.of("unicode string", "héllo wörld 日本語 😀", String.class),
                Arguments.of("string with quotes and control chars", "a\"b\\c\nd\te\u0001f", String.class),
                Arguments.of("int", 42, Integer.class),
                Arguments.of("negative int", -7, Integer.class),
                Arguments.of("zero", 0, Integer.class),
                Arguments.of("int max", Integer.MAX_VALUE, Integer.class),
                Arguments.of("long beyond int", 3_000_000_000L, Long.class),
                Arguments.of("long max", Long.MAX_VALUE, Long.class),
                Arguments.of("long min", Long.MIN_VALUE, Long.class),
                Arguments.of("big integer", new BigInteger("123456789012345678901234567890"), BigInteger.class),
                Arguments.of("double", 3.14, Double.class),
                Arguments.of("negative double", -0.5, Double.class),
                Arguments.of("double with zero fraction", 1.0, Double.class),
                Arguments.of("tiny double", 4.9E-324, Double.class),
                Arguments.of("true", true, Boolean.class),
                Arguments.of("false", false, Boolean.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("naturalValues")
    void scalarRoundTripsAsJacksonsNaturalType(String description, Object value, Class<?> expectedType) {
        assertThat(db.write("values", "k", value)).isEqualTo(1);

        Object read = db.get("values", "k");

        assertThat(read).isInstanceOf(expectedType).isEqualTo(value);
        assertThat(db.getRecord("values", "k")).get().extracting(DatabaseRecord::value).isEqualTo(value);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("naturalValues")
    void scalarRoundTripsAfterRestart(String description, Object value, Class<?> expectedType) {
        db.write("values", "k", value);

        reopen();

        assertThat(db.get("values", "k")).isInstanceOf(expectedType).isEqualTo(value);
    }

    @Test
    void doubleKeepsFullPrecision() {
        double value = 0.1 + 0.2;
        db.write("values", "d", value);
        assertThat(db.get("values", "d")).isEqualTo(value);
        reopen();
        assertThat(db.get("values", "d")).isEqualTo(value);
    }

    @Test
    void recordRoundTripsTypedAndUntyped() {
        Customer customer = new Customer("Alice", 30, List.of("a", "b"), new Point(1, 2), Level.GOLD);

        db.write("customers", "alice", customer);

        assertThat(db.get("customers", "alice", Customer.class)).isEqualTo(customer);
        Object untyped = db.get("customers", "alice");
        assertThat(untyped).isInstanceOf(LinkedHashMap.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) untyped;
        assertThat(map).containsEntry("name", "Alice").containsEntry("age", 30).containsEntry("level", "GOLD");
        assertThat(map.get("tags")).isInstanceOf(ArrayList.class).isEqualTo(List.of("a", "b"));
        assertThat(map.get("home")).isInstanceOf(LinkedHashMap.class).isEqualTo(Map.of("x", 1, "y", 2));
    }

    @Test
    void pojoRoundTripsTypedAndUntyped() {
        Person person = new Person("Bob", 5_000_000_000L, 9.5);

        db.write("people", "bob", person);

        assertThat(db.get("people", "bob", Person.class)).isEqualTo(person);
        assertThat(db.get("people", "bob")).isInstanceOf(LinkedHashMap.class)
                .isEqualTo(map("firstName", "Bob", "id", 5_000_000_000L, "score", 9.5));
        reopen();
        assertThat(db.get("people", "bob", Person.class)).isEqualTo(person);
    }

    @Test
    void nestedMapsAndListsRoundTripAsLinkedHashMapAndArrayList() {
        Map<String, Object> value = map(
                "name", "Alice",
                "nested", map("deeper", map("list", List.of(1, 2L + Integer.MAX_VALUE, "three", 4.5, true))),
                "empty map", map(),
                "empty list", List.of(),
                "null inside", null,
                "list of maps", List.of(map("a", 1), map("b", List.of(List.of(1, 2), List.of()))));

        db.write("docs", "doc", value);

        Object read = db.get("docs", "doc");
        assertThat(read).isInstanceOf(LinkedHashMap.class).isEqualTo(value);
        Map<?, ?> nested = (Map<?, ?>) ((Map<?, ?>) read).get("nested");
        assertThat(nested).isInstanceOf(LinkedHashMap.class);
        Object list = ((Map<?, ?>) nested.get("deeper")).get("list");
        assertThat(list).isInstanceOf(ArrayList.class);
        assertThat(((List<?>) list).get(0)).isInstanceOf(Integer.class);
        assertThat(((List<?>) list).get(1)).isInstanceOf(Long.class);
        assertThat(((Map<?, ?>) read).containsKey("null inside")).isTrue();
        reopen();
        assertThat(db.get("docs", "doc")).isEqualTo(value);
    }

    @Test
    void topLevelListRoundTrips() {
        List<Object> value = Arrays.asList("a", 1, null, map("k", "v"), List.of(true, false));
        db.write("lists", "l", value);
        assertThat(db.get("lists", "l")).isInstanceOf(ArrayList.class).isEqualTo(value);
    }

    @Test
    void primitiveArrayIsStoredAsJsonArray() {
        db.write("lists", "ints", new int[] {3, 1, 2});
        assertThat(db.get("lists", "ints")).isInstanceOf(ArrayList.class).isEqualTo(List.of(3, 1, 2));
        assertThat(db.get("lists", "ints", int[].class)).containsExactly(3, 1, 2);
    }

    @Test
    void jsonNodeRoundTrips() {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", "Alice");
        node.putArray("scores").add(1).add(2.5);
        node.putObject("inner").put("flag", true).putNull("nothing");

        db.write("nodes", "n", node);

        assertThat(db.get("nodes", "n", JsonNode.class)).isEqualTo(node);
        assertThat(db.get("nodes", "n")).isInstanceOf(LinkedHashMap.class)
                .isEqualTo(map("name", "Alice", "scores", List.of(1, 2.5),
                        "inner", map("flag", true, "nothing", null)));
    }

    @Test
    void scalarJsonNodeRoundTrips() {
        db.write("nodes", "s", JSON.getNodeFactory().stringNode("text"));
        db.write("nodes", "i", JSON.getNodeFactory().numberNode(7));
        assertThat(db.get("nodes", "s")).isEqualTo("text");
        assertThat(db.get("nodes", "i")).isEqualTo(7);
    }

    @Test
    void largeValueRoundTrips() {
        String big = "x".repeat(2_000_000);
        db.write("big", "k", map("payload", big));
        assertThat(db.get("big", "k")).isEqualTo(map("payload", big));
        reopen();
        assertThat(db.get("big", "k")).isEqualTo(map("payload", big));
    }

    @Test
    void everyReadReturnsAFreshObject() {
        db.write("t", "k", map("list", new ArrayList<>(List.of(1, 2)), "inner", map("a", 1)));

        Object first = db.get("t", "k");
        Object second = db.get("t", "k");

        assertThat(first).isNotSameAs(second).isEqualTo(second);
        assertThat(((Map<?, ?>) first).get("list")).isNotSameAs(((Map<?, ?>) second).get("list"));
        assertThat(db.getRecord("t", "k").orElseThrow().value()).isNotSameAs(db.getRecord("t", "k").orElseThrow().value());
        assertThat(db.get("t").get(0).getValue()).isNotSameAs(db.get("t").get(0).getValue());
    }

    @Test
    @SuppressWarnings("unchecked")
    void mutatingAWrittenObjectChangesNothing() {
        List<Object> list = new ArrayList<>(List.of(1, 2));
        Map<String, Object> inner = map("a", 1);
        Map<String, Object> value = map("list", list, "inner", inner);
        Person person = new Person("Carol", 1, 1.0);

        db.write("t", "map", value);
        db.write("t", "pojo", person);
        value.put("added", true);
        list.add(3);
        inner.put("a", 99);
        person.setFirstName("Mallory");

        assertThat(db.get("t", "map")).isEqualTo(map("list", List.of(1, 2), "inner", map("a", 1)));
        assertThat(db.get("t", "pojo", Person.class)).isEqualTo(new Person("Carol", 1, 1.0));
    }

    @Test
    @SuppressWarnings("unchecked")
    void mutatingAReadObjectChangesNothing() {
        Map<String, Object> original = map("list", List.of(1, 2), "inner", map("a", 1));
        db.write("t", "k", original);

        Map<String, Object> read = (Map<String, Object>) db.get("t", "k");
        read.put("added", true);
        ((List<Object>) read.get("list")).add(3);
        ((Map<String, Object>) read.get("inner")).put("a", 99);
        Map<String, Object> fromRecord = (Map<String, Object>) db.getRecord("t", "k").orElseThrow().value();
        fromRecord.clear();
        Map<String, Object> fromTable = (Map<String, Object>) db.get("t").get(0).getValue();
        fromTable.put("x", 1);

        assertThat(db.get("t", "k")).isEqualTo(original);
        reopen();
        assertThat(db.get("t", "k")).isEqualTo(original);
    }

    @Test
    void mutatingATypedReadChangesNothing() {
        db.write("people", "p", new Person("Dan", 2, 2.0));
        Person read = db.get("people", "p", Person.class);
        read.setFirstName("Eve");
        assertThat(db.get("people", "p", Person.class)).isEqualTo(new Person("Dan", 2, 2.0));
    }

    @Test
    void typedGetConvertsNumbersAsJacksonDoes() {
        db.write("n", "int", 42);
        db.write("n", "long", 5_000_000_000L);
        db.write("n", "double", 2.5);

        assertThat(db.get("n", "int", Long.class)).isEqualTo(42L);
        assertThat(db.get("n", "int", Integer.class)).isEqualTo(42);
        assertThat(db.get("n", "int", BigInteger.class)).isEqualTo(BigInteger.valueOf(42));
        assertThat(db.get("n", "int", Double.class)).isEqualTo(42.0);
        assertThat(db.get("n", "int", Short.class)).isEqualTo((short) 42);
        assertThat(db.get("n", "long", Long.class)).isEqualTo(5_000_000_000L);
        assertThat(db.get("n", "long", BigDecimal.class)).isEqualByComparingTo("5000000000");
        assertThat(db.get("n", "double", BigDecimal.class)).isEqualByComparingTo("2.5");
        assertThat(db.get("n", "double", Double.class)).isEqualTo(2.5);
        assertThat(db.get("n", "int", Object.class)).isEqualTo(42);
    }

    @Test
    void typedGetConvertsMapToPojoAndRecord() {
        db.write("t", "person", map("firstName", "Fay", "id", 3, "score", 1));
        db.write("t", "point", map("x", 5, "y", 6));

        assertThat(db.get("t", "person", Person.class)).isEqualTo(new Person("Fay", 3, 1.0));
        assertThat(db.get("t", "point", Point.class)).isEqualTo(new Point(5, 6));
        assertThat(db.get("t", "point", Map.class)).isEqualTo(Map.of("x", 5, "y", 6));
    }

    @Test
    void typedGetOfMissingKeyIsNull() {
        assertThat(db.get("t", "missing", Person.class)).isNull();
        assertThat(db.get("t", "missing", new TypeReference<List<Point>>() { })).isNull();
    }

    @Test
    void typeReferenceConvertsGenericTypes() {
        db.write("t", "points", List.of(new Point(1, 2), new Point(3, 4)));
        db.write("t", "counts", map("a", 1, "b", 2));
        db.write("t", "longs", List.of(1, 2, 3));

        List<Point> points = db.get("t", "points", new TypeReference<List<Point>>() { });
        Map<String, Long> counts = db.get("t", "counts", new TypeReference<Map<String, Long>>() { });
        List<Long> longs = db.get("t", "longs", new TypeReference<List<Long>>() { });

        assertThat(points).containsExactly(new Point(1, 2), new Point(3, 4));
        assertThat(counts).containsEntry("a", 1L).containsEntry("b", 2L);
        assertThat(longs).containsExactly(1L, 2L, 3L);
        assertThat(longs.get(0)).isInstanceOf(Long.class);
    }

    @Test
    void getTableReturnsValuesInNaturalMapping() {
        db.write("t", "a", map("x", 1));
        db.write("t", "b", List.of("y"));
        db.write("t", "c", 7_000_000_000L);

        Map<String, Object> all = asMap(db.get("t"));

        assertThat(all).hasSize(3);
        assertThat(all.get("a")).isInstanceOf(LinkedHashMap.class).isEqualTo(Map.of("x", 1));
        assertThat(all.get("b")).isInstanceOf(ArrayList.class).isEqualTo(List.of("y"));
        assertThat(all.get("c")).isInstanceOf(Long.class).isEqualTo(7_000_000_000L);
    }

    @Test
    void unusualKeysRoundTrip() {
        List<String> keys = List.of("with space", "quote\"and\\backslash", "日本語キー", "😀", "../not-a-path",
                "/", ".", "..", "a.tmp", "CON", "line\nbreak", "k".repeat(1024));
        for (String key : keys) {
            db.write("keys", key, key.length());
        }
        for (String key : keys) {
            assertThat(db.get("keys", key)).as("key %s", key).isEqualTo(key.length());
        }
        reopen();
        for (String key : keys) {
            assertThat(db.get("keys", key)).as("key %s after restart", key).isEqualTo(key.length());
        }
        assertThat(db.getTableSize("keys")).isEqualTo(keys.size());
    }
}
