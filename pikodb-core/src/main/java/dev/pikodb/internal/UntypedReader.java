package dev.pikodb.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the common shape of stored JSON straight from its bytes into Jackson's natural mapping,
 * without a parser or a deserialization context per call. It builds exactly what a mapper with
 * Jackson's default untyped mapping builds for {@code Object.class} (and is used only with such a
 * mapper, see {@link #suits}): objects become {@link LinkedHashMap}s (a repeated key keeps its first position and its last
 * value), arrays {@link ArrayList}s, strings {@link String}s, integers {@link Integer} when they fit,
 * else {@link Long}, numbers with a fraction {@link Double}, {@code true}/{@code false}
 * {@link Boolean}s and {@code null} null.
 *
 * <p>It reads only what it can read exactly and cheaply: an object or array at the root, strings
 * and keys of printable ASCII without escapes, integers of up to 18 digits, numbers with a fraction
 * and no exponent with at most 15 significant and 22 fractional digits, nesting up to
 * {@value #MAX_DEPTH} levels. For anything else (a longer number, an exponent, an escape, a
 * non-ASCII character, a root scalar, malformed input) {@link #read} returns {@link #UNREADABLE}
 * and the caller reads the value with the mapper, which gives the same result or fails with its own
 * exception. Like the store's reader for {@code Object.class}, it ignores whatever follows the root
 * value.
 */
final class UntypedReader {

    /** What {@link #read} returns when the caller must read the value with the mapper instead. */
    static final Object UNREADABLE = new Object();

    /** Deeper values are left to the mapper; recursion this deep needs little stack. */
    static final int MAX_DEPTH = 64;
    /** Longer strings are left to the mapper, which applies its length limits. */
    private static final int MAX_STRING = 100_000;
    /** Longer keys are left to the mapper, which applies its length limits. */
    private static final int MAX_NAME = 256;
    /** Integers with more digits may not fit a {@code long}. */
    private static final int MAX_INTEGER_DIGITS = 18;
    /** With at most 15 significant digits, the mantissa of a number with a fraction is exact in a double. */
    private static final int MAX_SIGNIFICANT_DIGITS = 15;
    /** Powers of ten up to 10^22 are exact in a double. */
    private static final int MAX_FRACTION_DIGITS = 22;
    private static final double[] POWERS_OF_TEN = new double[MAX_FRACTION_DIGITS + 1];

    static {
        double power = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = power;
            power *= 10;
        }
    }

    /** A value of every kind the reader builds, to check that a mapper builds the same. */
    private static final byte[] PROBE = ("{\"s\":\" text \",\"i\":-1,\"l\":12345678901,\"d\":2.5,\"z\":-0.0,\"t\":true,"
            + "\"f\":false,\"n\":null,\"o\":{},\"a\":[],\"s\":{\"list\":[1,\"x\",{\"k\":[0.125,[]]},null]}}")
            .getBytes(StandardCharsets.US_ASCII);

    /** Keys seen recently, so that the same key is not built as a new string on every read. */
    private final KeyCache keys = new KeyCache();

    /**
     * Whether this reader builds exactly what {@code untyped} builds from every JSON value it reads.
     * That holds for a plain {@link JsonMapper} with Jackson's default untyped mapping: no module
     * (which could change how maps, lists, strings or numbers are read), no default typing, none of
     * the features that change the types of numbers or arrays, no strict duplicate detection, and
     * limits that let the parser read everything this reader reads. A probe value read both ways
     * must also come out the same, class by class.
     *
     * @param mapper the mapper
     * @param untyped the mapper's reader for {@code Object.class}
     * @return whether this reader can stand in for {@code untyped}
     */
    static boolean suits(JsonMapper mapper, ObjectReader untyped) {
        if (mapper.getClass() != JsonMapper.class || !mapper.registeredModules().isEmpty()
                || mapper.isEnabled(StreamReadFeature.STRICT_DUPLICATE_DETECTION)) {
            return false;
        }
        DeserializationConfig config = mapper.deserializationConfig();
        if (config.getDefaultTyper(config.constructType(Object.class)) != null) {
            return false;
        }
        for (DeserializationFeature feature : List.of(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS,
                DeserializationFeature.USE_LONG_FOR_INTS, DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS,
                DeserializationFeature.USE_JAVA_ARRAY_FOR_JSON_ARRAY)) {
            if (config.isEnabled(feature)) {
                return false;
            }
        }
        StreamReadConstraints limits = mapper.tokenStreamFactory().streamReadConstraints();
        if (limits.getMaxNestingDepth() < MAX_DEPTH || limits.getMaxStringLength() < MAX_STRING
                || limits.getMaxNameLength() < MAX_NAME || limits.getMaxNumberLength() <= MAX_INTEGER_DIGITS
                || limits.getMaxDocumentLength() > 0 || limits.getMaxTokenCount() > 0) {
            return false;
        }
        try {
            return sameClassesAndValues(new UntypedReader().read(PROBE, 0, PROBE.length), untyped.readValue(PROBE));
        } catch (JacksonException e) {
            return false;
        }
    }

    private static boolean sameClassesAndValues(Object mine, Object theirs) {
        if (mine == null || theirs == null || mine.getClass() != theirs.getClass()) {
            return mine == null && theirs == null;
        }
        if (mine instanceof Map<?, ?> map) {
            Map<?, ?> other = (Map<?, ?>) theirs;
            if (!new ArrayList<>(map.keySet()).equals(new ArrayList<>(other.keySet()))) {
                return false;
            }
            return map.entrySet().stream().allMatch(e -> sameClassesAndValues(e.getValue(), other.get(e.getKey())));
        }
        if (mine instanceof List<?> list) {
            List<?> other = (List<?>) theirs;
            if (list.size() != other.size()) {
                return false;
            }
            for (int i = 0; i < list.size(); i++) {
                if (!sameClassesAndValues(list.get(i), other.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return mine.equals(theirs);
    }

    /**
     * Reads one JSON value.
     *
     * @param json the array holding it
     * @param offset where it starts
     * @param length its length in bytes
     * @return the value, or {@link #UNREADABLE}
     */
    Object read(byte[] json, int offset, int length) {
        Cursor cursor = new Cursor(json, offset, offset + length, keys);
        if (!cursor.skipWhitespace()) {
            return UNREADABLE;
        }
        byte first = json[cursor.position];
        if (first != '{' && first != '[') {
            return UNREADABLE;
        }
        return cursor.value(0);
    }

    /** The position in one value being read. */
    private static final class Cursor {
        private final byte[] json;
        private final int end;
        private final KeyCache keys;
        private int position;

        Cursor(byte[] json, int position, int end, KeyCache keys) {
            this.json = json;
            this.position = position;
            this.end = end;
            this.keys = keys;
        }

        /** Skips whitespace; whether a byte follows. */
        boolean skipWhitespace() {
            while (position < end) {
                byte c = json[position];
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    return true;
                }
                position++;
            }
            return false;
        }

        /** The value at the current position, which is not whitespace. */
        Object value(int depth) {
            switch (json[position]) {
                case '{':
                    return object(depth + 1);
                case '[':
                    return array(depth + 1);
                case '"':
                    return string();
                case 't':
                    return literal('t', 'r', 'u', 'e') ? Boolean.TRUE : UNREADABLE;
                case 'f':
                    return literal('f', 'a', 'l', 's') && position < end && json[position++] == 'e'
                            ? Boolean.FALSE : UNREADABLE;
                case 'n':
                    return literal('n', 'u', 'l', 'l') ? null : UNREADABLE;
                default:
                    return number();
            }
        }

        private Object object(int depth) {
            if (depth > MAX_DEPTH) {
                return UNREADABLE;
            }
            position++;
            Map<String, Object> map = new LinkedHashMap<>();
            if (!skipWhitespace()) {
                return UNREADABLE;
            }
            if (json[position] == '}') {
                position++;
                return map;
            }
            while (true) {
                String key = json[position] == '"' ? key() : null;
                if (key == null || !skipWhitespace() || json[position] != ':') {
                    return UNREADABLE;
                }
                position++;
                if (!skipWhitespace()) {
                    return UNREADABLE;
                }
                Object value = value(depth);
                if (value == UNREADABLE || !skipWhitespace()) {
                    return UNREADABLE;
                }
                map.put(key, value);
                byte next = json[position++];
                if (next == '}') {
                    return map;
                }
                if (next != ',' || !skipWhitespace()) {
                    return UNREADABLE;
                }
            }
        }

        private Object array(int depth) {
            if (depth > MAX_DEPTH) {
                return UNREADABLE;
            }
            position++;
            List<Object> list = new ArrayList<>();
            if (!skipWhitespace()) {
                return UNREADABLE;
            }
            if (json[position] == ']') {
                position++;
                return list;
            }
            while (true) {
                Object value = value(depth);
                if (value == UNREADABLE || !skipWhitespace()) {
                    return UNREADABLE;
                }
                list.add(value);
                byte next = json[position++];
                if (next == ']') {
                    return list;
                }
                if (next != ',' || !skipWhitespace()) {
                    return UNREADABLE;
                }
            }
        }

        /** The end of a string of printable ASCII starting after the quote at the position, or -1. */
        private int plainStringEnd(int limit) {
            int from = position + 1;
            int max = Math.min(end, from + limit + 1);
            for (int i = from; i < max; i++) {
                byte c = json[i];
                if (c == '"') {
                    return i;
                }
                // Negative bytes are non-ASCII; below 0x20 are control characters JSON must escape.
                if (c < 0x20 || c == '\\') {
                    return -1;
                }
            }
            return -1;
        }

        private Object string() {
            int close = plainStringEnd(MAX_STRING);
            if (close < 0) {
                return UNREADABLE;
            }
            String value = new String(json, position + 1, close - position - 1, StandardCharsets.ISO_8859_1);
            position = close + 1;
            return value;
        }

        private String key() {
            int close = plainStringEnd(MAX_NAME);
            if (close < 0) {
                return null;
            }
            String key = keys.key(json, position + 1, close);
            position = close + 1;
            return key;
        }

        private boolean literal(char a, char b, char c, char d) {
            if (end - position < 4 || json[position] != a || json[position + 1] != b || json[position + 2] != c
                    || json[position + 3] != d) {
                return false;
            }
            position += 4;
            return true;
        }

        /** A number in JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?, without an exponent. */
        private Object number() {
            boolean negative = json[position] == '-';
            if (negative) {
                position++;
            }
            int digitsFrom = position;
            long mantissa = 0;
            while (position < end && json[position] >= '0' && json[position] <= '9') {
                mantissa = mantissa * 10 + (json[position] - '0');
                position++;
                if (position - digitsFrom > MAX_INTEGER_DIGITS) {
                    return UNREADABLE;
                }
            }
            int integerDigits = position - digitsFrom;
            if (integerDigits == 0 || (integerDigits > 1 && json[digitsFrom] == '0')) {
                return UNREADABLE;
            }
            if (position < end && json[position] == '.') {
                position++;
                int fractionFrom = position;
                // Leading zeros add nothing to the mantissa: only the digits from the first other count.
                int significant = mantissa == 0 ? 0 : integerDigits;
                while (position < end && json[position] >= '0' && json[position] <= '9') {
                    mantissa = mantissa * 10 + (json[position] - '0');
                    position++;
                    if (mantissa != 0 && ++significant > MAX_SIGNIFICANT_DIGITS
                            || position - fractionFrom > MAX_FRACTION_DIGITS) {
                        return UNREADABLE;
                    }
                }
                int fractionDigits = position - fractionFrom;
                if (fractionDigits == 0 || exponentFollows() || integerDigits > MAX_SIGNIFICANT_DIGITS) {
                    return UNREADABLE;
                }
                // Both operands are exact doubles, so the quotient is the correctly rounded value.
                double value = mantissa / POWERS_OF_TEN[fractionDigits];
                return negative ? -value : value;
            }
            if (exponentFollows()) {
                return UNREADABLE;
            }
            long value = negative ? -mantissa : mantissa;
            return value == (int) value ? (Object) (int) value : (Object) value;
        }

        private boolean exponentFollows() {
            return position < end && (json[position] == 'e' || json[position] == 'E');
        }
    }

    /**
     * A small table of keys by their bytes. Threads share it without locking: an entry is an
     * immutable object, so a reader sees either a whole entry or another one, and only uses an
     * entry whose bytes equal the key's.
     */
    private static final class KeyCache {
        private static final int SIZE = 512;
        private final Entry[] entries = new Entry[SIZE];

        private record Entry(byte[] bytes, String key) {
        }

        String key(byte[] json, int from, int to) {
            int hash = 0;
            for (int i = from; i < to; i++) {
                hash = 31 * hash + json[i];
            }
            int slot = (hash ^ (hash >>> 16)) & (SIZE - 1);
            Entry entry = entries[slot];
            if (entry != null && Arrays.equals(entry.bytes, 0, entry.bytes.length, json, from, to)) {
                return entry.key;
            }
            String key = new String(json, from, to - from, StandardCharsets.ISO_8859_1);
            entries[slot] = new Entry(Arrays.copyOfRange(json, from, to), key);
            return key;
        }
    }
}
