package dev.pikodb.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.Dictionary;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The canonical index values and the indexing of a record's JSON, shared by every engine. */
class IndexValueTest {

    @Test
    void numbersOfEveryJavaTypeAreOneCanonicalValue() {
        IndexValue two = IndexValue.of(2);
        for (Object same : List.of(2L, 2.0, 2.0f, (short) 2, (byte) 2, BigInteger.TWO, new BigDecimal("2.000"),
                new BigDecimal("0.2E1"))) {
            assertThat(IndexValue.of(same)).as("%s", same).isEqualTo(two).hasSameHashCodeAs(two);
        }
        assertThat(IndexValue.of(0.0)).isEqualTo(IndexValue.of(new BigDecimal("0.000"))).isEqualTo(IndexValue.of(-0.0));
        assertThat(IndexValue.of(9_007_199_254_740_993L)).isNotEqualTo(IndexValue.of(9_007_199_254_740_992L));
        assertThat(IndexValue.of(0.1)).isEqualTo(IndexValue.number(new BigDecimal("0.1")));
        assertThat(IndexValue.of(2)).isNotEqualTo(IndexValue.of("2"));
        assertThatThrownBy(() -> IndexValue.of(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IndexValue.of(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object");
    }

    @Test
    void kindsOrderBooleansNumbersStrings() {
        List<IndexValue> values = new ArrayList<>(List.of(IndexValue.of("a"), IndexValue.of(-5), IndexValue.TRUE,
                IndexValue.of(""), IndexValue.FALSE, IndexValue.of(3.5)));
        values.sort(null);
        assertThat(values).containsExactly(IndexValue.FALSE, IndexValue.TRUE, IndexValue.of(-5), IndexValue.of(3.5),
                IndexValue.of(""), IndexValue.of("a"));
    }

    @Test
    void stringsCompareAsTheirCodePointsDo() {
        Random random = new Random(5);
        String[] alphabet = {"a", "z", "\u00e9", "\uE000", "\uFFFF", "\uD83D\uDE00", "\uD800\uDC00", "\uDBFF\uDFFF"};
        for (int i = 0; i < 2_000; i++) {
            String a = randomString(random, alphabet);
            String b = randomString(random, alphabet);
            int expected = Integer.signum(java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray()));
            assertThat(Integer.signum(IndexValue.compareCodePoints(a, b))).as("%s vs %s", a, b).isEqualTo(expected);
        }
    }

    private static String randomString(Random random, String[] alphabet) {
        StringBuilder out = new StringBuilder();
        for (int i = random.nextInt(4); i > 0; i--) {
            out.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return out.toString();
    }

    @Test
    void aRecordIsIndexedByTheScalarsAtThePath() {
        EngineRecord record = record("{\"owner\":\"alice\",\"n\":2.50,\"big\":123456789012345678901234567890,"
                + "\"tags\":[\"x\",1,true,null,{\"a\":1},[\"nested\"],\"x\"],\"a/b\":{\"c~d\":7},"
                + "\"list\":[{\"k\":\"first\"},{\"k\":\"second\"}],\"none\":null,\"obj\":{\"k\":1}}", null);

        assertThat(IndexedValues.at(record, "/owner", null)).containsExactly(IndexValue.of("alice"));
        assertThat(IndexedValues.at(record, "/n", null)).containsExactly(IndexValue.of(2.5));
        assertThat(IndexedValues.at(record, "/big", null))
                .containsExactly(IndexValue.of(new BigInteger("123456789012345678901234567890")));
        assertThat(IndexedValues.at(record, "/tags", null))
                .containsExactly(IndexValue.of("x"), IndexValue.of(1), IndexValue.TRUE);
        assertThat(IndexedValues.at(record, "/a~1b/c~0d", null)).containsExactly(IndexValue.of(7));
        assertThat(IndexedValues.at(record, "/list/1/k", null)).containsExactly(IndexValue.of("second"));
        assertThat(IndexedValues.at(record, "/list/2/k", null)).isEmpty();
        assertThat(IndexedValues.at(record, "/none", null)).isEmpty();
        assertThat(IndexedValues.at(record, "/obj", null)).isEmpty();
        assertThat(IndexedValues.at(record, "/missing/deeper", null)).isEmpty();
        assertThat(IndexedValues.at(record, "/owner/deeper", null)).isEmpty();
        assertThat(IndexedValues.at(record("\"whole\"", null), "", null)).containsExactly(IndexValue.of("whole"));
    }

    @Test
    void pathsUseTheOriginalNamesOfADeflatedValue() {
        Dictionary dictionary = Dictionary.deflate(Map.of("address", "a", "city", "c"));
        EngineRecord record = record("{\"a\":{\"c\":\"Oslo\"},\"kept\":1}", "d");

        assertThat(IndexedValues.at(record, "/address/city", dictionary)).containsExactly(IndexValue.of("Oslo"));
        assertThat(IndexedValues.at(record, "/kept", dictionary)).containsExactly(IndexValue.of(1));
    }

    @Test
    void aDeepValueIsReadAlongThePathWithoutRecursion() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        EngineRecord record = record("{\"skip\":" + deep + ",\"owner\":\"bob\"}", null);

        assertThat(IndexedValues.at(record, "/owner", null)).isEqualTo(Set.of(IndexValue.of("bob")));
    }

    @Test
    void pathProblemsAreNamed() {
        assertThat(QueryCondition.pathProblem("/a/b")).isNull();
        assertThat(QueryCondition.pathProblem("")).isNull();
        assertThat(QueryCondition.pathProblem(QueryCondition.KEY)).isNull();
        assertThat(QueryCondition.pathProblem("a")).contains("\"/a\"");
        assertThat(QueryCondition.pathProblem("/a~2")).contains("~");
        assertThat(QueryCondition.pathProblem(null)).contains("null");
    }

    private static EngineRecord record(String json, String dictionaryName) {
        return EngineRecord.of(json.getBytes(StandardCharsets.UTF_8), 1, 0, null, dictionaryName);
    }
}
