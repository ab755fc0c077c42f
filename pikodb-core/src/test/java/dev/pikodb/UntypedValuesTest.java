package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.internal.ExactValues;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Untyped reads return exactly what Jackson's natural mapping builds from the stored JSON: the same
 * values and the same classes ({@code LinkedHashMap}, {@code ArrayList}, {@code Integer},
 * {@code Long}, {@code BigInteger}, {@code Double}, {@code String}, {@code Boolean}), whichever way
 * they are read, before and after a reopen, for values the direct reader takes and values it leaves
 * to the mapper.
 */
class UntypedValuesTest extends PikoDBTestSupport {

    private static Map<String, Object> sample() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("id", 7);
        value.put("name", "Alice Johnson");
        value.put("int", Integer.MAX_VALUE);
        value.put("minInt", Integer.MIN_VALUE);
        value.put("long", 2_147_483_648L);
        value.put("maxLong", Long.MAX_VALUE);
        value.put("minLong", Long.MIN_VALUE);
        value.put("big", new BigInteger("123456789012345678901234567890"));
        value.put("decimal", new BigDecimal("12.50"));
        value.put("double", 0.1);
        value.put("negativeZero", -0.0);
        value.put("exponent", 6.02e23);
        value.put("tiny", 1e-300);
        value.put("manyDigits", 3.141592653589793);
        value.put("float", 1.25f);
        value.put("true", true);
        value.put("null", null);
        value.put("escaped", "quote \" backslash \\ tab \t");
        value.put("nonAscii", "café 漢字 😀");
        value.put("clé", "non-ASCII key");
        value.put("empty", Map.of());
        value.put("emptyList", List.of());
        value.put("nested", Map.of("tags", List.of("admin", 1, 2.5, List.of(Map.of("deep", true)))));
        return value;
    }

    private static Object deeplyNested(int depth) {
        Object value = List.of("bottom", 1);
        for (int i = 0; i < depth; i++) {
            value = i % 2 == 0 ? Map.of("level", value) : List.of(value);
        }
        return value;
    }

    /** What the store's natural mapping has always produced: Jackson's untyped read of the JSON. */
    private static Object jacksonReads(Object value) {
        JsonMapper mapper = JsonMapper.builder().build();
        return mapper.readValue(mapper.writeValueAsBytes(value), Object.class);
    }

    @Test
    void getReturnsJacksonsNaturalMappingWithItsClasses() {
        List<Object> values = new ArrayList<>(List.of(sample(), List.of(1, 2L, 3.5, "x"), deeplyNested(10),
                deeplyNested(200), "a string", 42, 5_000_000_000L, 2.5, true, Map.of("only", "ascii"),
                Map.of("a", Map.of("b", List.of()))));
        for (int i = 0; i < values.size(); i++) {
            db.write("values", "k" + i, values.get(i));
        }
        for (int pass = 0; pass < 2; pass++) {
            Map<String, Object> whole = asMap(db.get("values"));
            for (int i = 0; i < values.size(); i++) {
                Object expected = jacksonReads(values.get(i));
                ExactValues.assertSameValueAndTypes("get k" + i, db.get("values", "k" + i), expected);
                ExactValues.assertSameValueAndTypes("get(table) k" + i, whole.get("k" + i), expected);
                ExactValues.assertSameValueAndTypes("getRecord k" + i,
                        db.getRecord("values", "k" + i).orElseThrow().value(), expected);
            }
            db.close();
            db = open(b -> { });
        }
    }

    @Test
    void everyReadBuildsAFreshValue() {
        db.write("values", "k", sample());
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) db.get("values", "k");
        first.put("name", "changed");
        ((Map<String, Object>) first.get("nested")).clear();
        ExactValues.assertSameValueAndTypes("second read", db.get("values", "k"), jacksonReads(sample()));
    }

    @Test
    void aPlainApplicationMapperReadsTheSameAsTheStoresOwn() {
        db.close();
        db = open(b -> b.jsonMapper(JsonMapper.builder().build()));
        db.write("values", "k", sample());
        db.write("values", "deep", deeplyNested(100));

        ExactValues.assertSameValueAndTypes("get k", db.get("values", "k"), jacksonReads(sample()));
        ExactValues.assertSameValueAndTypes("get deep", db.get("values", "deep"), jacksonReads(deeplyNested(100)));
    }

    @Test
    void anApplicationMapperKeepsItsOwnSettings() {
        db.close();
        JsonMapper mapper = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.USE_LONG_FOR_INTS).build();
        db = open(b -> b.jsonMapper(mapper));
        db.write("values", "k", Map.of("n", 1, "d", 2.5));

        Map<?, ?> read = (Map<?, ?>) db.get("values", "k");

        assertThat(read.get("n")).isEqualTo(1L);
        assertThat(read.get("d")).isEqualTo(new BigDecimal("2.5"));
    }
}
