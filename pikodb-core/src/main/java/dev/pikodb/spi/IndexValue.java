package dev.pikodb.spi;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;

/**
 * A value as indexes hold and compare it: a string, a number or a boolean in a canonical form, so
 * that equal values are {@link #equals equal} whatever the Java type or JSON text they came from.
 * Numbers are exact decimals without trailing zeros ({@code 2}, {@code 2L}, {@code 2.0} and the JSON
 * {@code 2.00} are one value; 2<sup>53</sup> and 2<sup>53</sup>+1 are two). Order: booleans, then
 * numbers, then strings; {@code false < true}; numbers numerically; strings by Unicode code point.
 */
public final class IndexValue implements Comparable<IndexValue> {

    /** The kinds of indexed values, in their order. */
    public enum Kind {
        /** {@code false} and {@code true}. */
        BOOLEAN,
        /** Exact decimals. */
        NUMBER,
        /** Unicode strings. */
        STRING
    }

    /** {@code false}. */
    public static final IndexValue FALSE = new IndexValue(Kind.BOOLEAN, Boolean.FALSE);
    /** {@code true}. */
    public static final IndexValue TRUE = new IndexValue(Kind.BOOLEAN, Boolean.TRUE);

    private final Kind kind;
    private final Object value;

    private IndexValue(Kind kind, Object value) {
        this.kind = kind;
        this.value = value;
    }

    /**
     * The canonical form of a query value.
     *
     * @param value a {@link String}, {@link Boolean} or {@link Number} ({@link Integer}, {@link Long},
     *     {@link Short}, {@link Byte}, {@link BigInteger}, {@link BigDecimal}, finite {@link Double} or {@link Float})
     * @return the value
     * @throws IllegalArgumentException for null, other types, NaN and infinities
     */
    public static IndexValue of(Object value) {
        if (value instanceof String string) {
            return string(string);
        }
        if (value instanceof Boolean bool) {
            return bool ? TRUE : FALSE;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return number(BigDecimal.valueOf(((Number) value).longValue()));
        }
        if (value instanceof BigInteger big) {
            return number(new BigDecimal(big));
        }
        if (value instanceof BigDecimal decimal) {
            return number(decimal);
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("the value " + value + " is not a JSON number and is never indexed");
            }
            // The shortest decimal that reads back as this double or float: the text Jackson writes for it.
            return number(new BigDecimal(value instanceof Float ? Float.toString((Float) value) : Double.toString(d)));
        }
        if (value == null) {
            throw new IllegalArgumentException("null is not indexed and matches no condition");
        }
        throw new IllegalArgumentException("a " + value.getClass().getName() + " is not an indexed kind of value;"
                + " conditions take strings, numbers and booleans");
    }

    /**
     * A string value.
     *
     * @param value the string
     * @return the value
     */
    public static IndexValue string(String value) {
        return new IndexValue(Kind.STRING, Objects.requireNonNull(value, "value"));
    }

    /**
     * A number value.
     *
     * @param value the number
     * @return the value, canonical
     */
    public static IndexValue number(BigDecimal value) {
        BigDecimal canonical = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
        return new IndexValue(Kind.NUMBER, canonical);
    }

    /**
     * This value's kind.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The value: a {@link String}, a {@link Boolean}, or a {@link BigDecimal} without trailing zeros.
     *
     * @return the value
     */
    public Object value() {
        return value;
    }

    /**
     * The value as JSON text: a quoted string, {@code true}, {@code false} or a plain decimal.
     *
     * @return the text
     */
    public String toJson() {
        return switch (kind) {
            case BOOLEAN -> value.toString();
            case NUMBER -> ((BigDecimal) value).toString();
            case STRING -> '"' + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        };
    }

    @Override
    public int compareTo(IndexValue other) {
        if (kind != other.kind) {
            return kind.compareTo(other.kind);
        }
        return switch (kind) {
            case BOOLEAN -> Boolean.compare((Boolean) value, (Boolean) other.value);
            case NUMBER -> ((BigDecimal) value).compareTo((BigDecimal) other.value);
            case STRING -> compareCodePoints((String) value, (String) other.value);
        };
    }

    /**
     * Compares strings by Unicode code point (unlike {@link String#compareTo}, which compares UTF-16
     * units and so puts U+10000 and above before U+E000 to U+FFFF).
     *
     * @param a a string
     * @param b a string
     * @return negative, zero or positive as {@code a} is before, equal to or after {@code b}
     */
    public static int compareCodePoints(String a, String b) {
        int length = Math.min(a.length(), b.length());
        for (int i = 0; i < length; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                boolean xSurrogate = Character.isSurrogate(x);
                boolean ySurrogate = Character.isSurrogate(y);
                if (xSurrogate != ySurrogate) {
                    // Surrogates encode code points above every non-surrogate unit.
                    return xSurrogate ? 1 : -1;
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IndexValue that && kind == that.kind && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + value.hashCode();
    }

    @Override
    public String toString() {
        return toJson();
    }
}
