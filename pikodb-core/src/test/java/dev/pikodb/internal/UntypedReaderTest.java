package dev.pikodb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.EdgeCasesMode;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The direct reader against Jackson's own untyped reading with default features: whenever it reads
 * a value, the value and the class of every part of it are exactly what Jackson builds; when Jackson
 * fails, the reader leaves the value to it. Also checks that the common shapes do take the direct
 * path, so that the comparison is not vacuous.
 */
class UntypedReaderTest {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final ObjectReader JACKSON = MAPPER.readerFor(Object.class);

    private final UntypedReader reader = new UntypedReader();

    @Test
    void commonValuesAreReadDirectlyAndExactlyAsJacksonReadsThem() {
        List<String> texts = List.of(
                "{\"id\":7,\"name\":\"Alice Johnson\",\"email\":\"a@example.com\",\"age\":41,\"city\":\"Lisbon\","
                        + "\"tags\":[\"admin\",\"beta\"],\"active\":true}",
                "{}", "[]", "[{}]", "{\"a\":[]}", "{\"a\":{}}", "[[[]]]",
                "{\"n\":null,\"t\":true,\"f\":false,\"s\":\"\",\"e\":{\"x\":[1,2,[3]]}}",
                "{\"int\":2147483647,\"min\":-2147483648,\"long\":2147483648,\"neg\":-2147483649}",
                "{\"big\":999999999999999999,\"zero\":0,\"negzero\":-0}",
                "{\"d\":1.5,\"z\":0.0,\"nz\":-0.0,\"small\":0.1,\"p\":123456789.012345,\"one\":1.0}",
                "[0.000000000000001,-0.3,3.14159,99999999999999.9]",
                " \t\r\n{ \"a\" : 1 , \"b\" : [ 1 , 2 ] } ",
                "{\"a\":1,\"a\":2,\"b\":3,\"a\":{\"x\":1}}",
                "{\"k\":\" !#$%&'()*+,-./:;<=>?@[]^_`{|}~\u007f\"}",
                "{\"a\":1} trailing text is ignored, as by the store's mapper");
        for (String text : texts) {
            Object direct = read(text);
            assertThat(direct).as(text).isNotSameAs(UntypedReader.UNREADABLE);
            ExactValues.assertSameValueAndTypes(text, direct, jackson(text));
        }
    }

    @Test
    void leavesToJacksonWhatItDoesNotReadItself() {
        List<String> texts = List.of(
                "\"root string\"", "12", "true", "null", "",
                "   ",
                "{\"e\":1e5}", "{\"e\":1.5E-3}", "{\"big\":1234567890123456789}",
                "{\"big\":-98765432109876543210}", "{\"digits\":1234567890.1234567}",
                "{\"esc\":\"a\\\"b\"}", "{\"uni\":\"caf\u00e9\"}", "{\"caf\u00e9\":1}", "{\"u\":\"\\u0041\"}",
                "\uFEFF{\"bom\":1}",
                "[" + "[".repeat(UntypedReader.MAX_DEPTH) + "]".repeat(UntypedReader.MAX_DEPTH) + "]");
        for (String text : texts) {
            assertThat(read(text)).as(text).isSameAs(UntypedReader.UNREADABLE);
        }
        // The mapper reads the valid ones, with the types the store has always returned.
        assertThat(jackson("{\"big\":-98765432109876543210}")).isEqualTo(
                Map.of("big", new BigInteger("-98765432109876543210")));
        assertThat(jackson("{\"big\":1234567890123456789}")).isEqualTo(Map.of("big", 1234567890123456789L));
        assertThat(jackson("{\"e\":1e5}")).isEqualTo(Map.of("e", 1e5));
    }

    @Test
    void leavesMalformedInputToJackson() {
        List<String> texts = List.of("{", "[", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,}", "[1,]", "[1 2]",
                "{\"a\" 1}", "{a:1}", "{'a':1}", "[01]", "[-]", "[1.]", "[.5]", "[+1]", "[-01]", "[tru]", "[truex]",
                "[nul]", "[fals]", "[falsey]", "[NaN]", "[1.5.2]", "{\"a\":1}}", "{\"a\":\"x\u0001\"}",
                "{\"a\":\"unterminated}", "[1]x", "{\"a\":[1}", "{\"a\":{]}", "[\u000b1]", "[/*c*/1]");
        for (String text : texts) {
            Object direct = read(text);
            Object expected;
            try {
                expected = jackson(text);
            } catch (JacksonException e) {
                assertThat(direct).as(text).isSameAs(UntypedReader.UNREADABLE);
                continue;
            }
            // Some of these are valid for Jackson (what follows the root value is ignored).
            if (direct != UntypedReader.UNREADABLE) {
                ExactValues.assertSameValueAndTypes(text, direct, expected);
            }
        }
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
    void readsGeneratedValuesExactlyAsJackson(@ForAll("values") Object value) {
        String text = MAPPER.writeValueAsString(value);
        Object direct = read(text);
        if (direct != UntypedReader.UNREADABLE) {
            ExactValues.assertSameValueAndTypes(text, direct, jackson(text));
        }
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void agreesWithJacksonOnDamagedText(@ForAll("values") Object value, @ForAll("damage") int[] damage) {
        byte[] bytes = MAPPER.writeValueAsBytes(value);
        if (bytes.length == 0) {
            return;
        }
        int at = Math.floorMod(damage[0], bytes.length);
        byte[] damaged;
        switch (damage[1]) {
            case 0 -> {
                damaged = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, damaged, 0, at);
                System.arraycopy(bytes, at + 1, damaged, at, bytes.length - at - 1);
            }
            case 1 -> {
                damaged = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, damaged, 0, at);
                damaged[at] = (byte) damage[2];
                System.arraycopy(bytes, at, damaged, at + 1, bytes.length - at);
            }
            default -> {
                damaged = bytes.clone();
                damaged[at] = (byte) damage[2];
            }
        }
        Object direct = reader.read(damaged, 0, damaged.length);
        Object expected;
        try {
            expected = JACKSON.readValue(damaged);
        } catch (JacksonException e) {
            assertThat(direct).isSameAs(UntypedReader.UNREADABLE);
            return;
        }
        if (direct != UntypedReader.UNREADABLE) {
            ExactValues.assertSameValueAndTypes(new String(damaged, StandardCharsets.ISO_8859_1), direct, expected);
        }
    }

    @Test
    void standsInOnlyForMappersWithJacksonsDefaultUntypedMapping() {
        assertThat(suits(JsonMapper.builder().build())).isTrue();
        assertThat(suits(MAPPER)).isTrue();
        assertThat(suits(JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build()))
                .isFalse();
        assertThat(suits(JsonMapper.builder().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS).build()))
                .isFalse();
        assertThat(suits(JsonMapper.builder().enable(DeserializationFeature.USE_LONG_FOR_INTS).build())).isFalse();
        assertThat(suits(JsonMapper.builder().enable(DeserializationFeature.USE_JAVA_ARRAY_FOR_JSON_ARRAY).build()))
                .isFalse();
        assertThat(suits(JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()))
                .isFalse();
        assertThat(suits(JsonMapper.builder().addModule(new SimpleModule("any")).build())).isFalse();
        assertThat(suits(JsonMapper.builder().activateDefaultTyping(
                BasicPolymorphicTypeValidator.builder().allowIfBaseType(Object.class).build()).build())).isFalse();
        assertThat(suits(JsonMapper.builder(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(10).build()).build())
                .build())).isFalse();
        assertThat(suits(JsonMapper.builder(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxDocumentLength(1000).build()).build())
                .build())).isFalse();
    }

    private static boolean suits(JsonMapper mapper) {
        return UntypedReader.suits(mapper, mapper.readerFor(Object.class));
    }

    @Test
    void readsAValueInsideALargerArray() {
        byte[] framed = "xx{\"a\":[1,2.5,\"s\"]}yy".getBytes(StandardCharsets.US_ASCII);
        Object direct = reader.read(framed, 2, framed.length - 4);
        ExactValues.assertSameValueAndTypes("framed", direct, jackson("{\"a\":[1,2.5,\"s\"]}"));
    }

    @Provide
    Arbitrary<Object> values() {
        return values(4);
    }

    @Provide
    Arbitrary<int[]> damage() {
        return Arbitraries.integers().between(0, 1 << 20).array(int[].class).ofSize(3)
                .map(values -> new int[] {values[0], values[1] % 3, values[2] % 128});
    }

    private Arbitrary<Object> scalar() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMaxLength(12).map(s -> (Object) s),
                Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(6).map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.longs().between(-1_000_000_000_000L, 1_000_000_000_000L).map(l -> (Object) l),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(25).negate(), BigInteger.TEN.pow(25))
                        .map(b -> (Object) b),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.doubles().between(-1e6, 1e6).ofScale(4).map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just(null));
    }

    /** Values nested at most {@code depth} levels, with at most 4 entries per level. */
    private Arbitrary<Object> values(int depth) {
        if (depth == 0) {
            return scalar();
        }
        Arbitrary<Object> inner = values(depth - 1);
        return Arbitraries.frequencyOf(
                Tuple.of(3, scalar()),
                Tuple.of(1, inner.list().ofMaxSize(4).map(l -> (Object) l)),
                Tuple.of(2, Arbitraries.maps(Arbitraries.strings().ascii().ofMaxLength(5), inner)
                        .ofMaxSize(4).map(m -> (Object) new LinkedHashMap<>(m))));
    }

    private Object read(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return reader.read(bytes, 0, bytes.length);
    }

    private static Object jackson(String text) {
        return JACKSON.readValue(text.getBytes(StandardCharsets.UTF_8));
    }
}
