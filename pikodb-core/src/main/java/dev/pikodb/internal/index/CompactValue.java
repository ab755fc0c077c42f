package dev.pikodb.internal.index;

import dev.pikodb.spi.IndexValue;
import java.math.BigDecimal;
import java.util.Comparator;

/**
 * The form in which the indexes hold a value: a {@link Boolean}, a {@link Long} for a number that is
 * an integer within the range of a {@code long}, a {@link BigDecimal} without trailing zeros for any
 * other number, or a {@link String}. Each value has exactly one form, so equal values are
 * {@link Object#equals equal}; {@link #ORDER} orders them as {@link IndexValue} does (booleans,
 * numbers numerically and exactly across the two number forms, strings by code point).
 */
final class CompactValue {

    /** The order of {@link IndexValue#compareTo}. */
    static final Comparator<Object> ORDER = CompactValue::compare;

    private static final int MAX_LONG_DIGITS = 18;

    private CompactValue() {
    }

    /** The compact form of a value. */
    static Object of(IndexValue value) {
        return switch (value.kind()) {
            case BOOLEAN, STRING -> value.value();
            case NUMBER -> number((BigDecimal) value.value());
        };
    }

    /** The compact form of a number given without trailing zeros (as {@link IndexValue#number} makes it). */
    static Object number(BigDecimal canonical) {
        if (canonical.scale() <= 0) {
            int digits = canonical.precision() - canonical.scale();
            if (digits <= MAX_LONG_DIGITS) {
                return canonical.longValueExact();
            }
            if (digits == MAX_LONG_DIGITS + 1 && canonical.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
                    && canonical.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0) {
                return canonical.longValueExact();
            }
        }
        return canonical;
    }

    /** The {@link IndexValue} of a compact value. */
    static IndexValue value(Object compact) {
        if (compact instanceof String string) {
            return IndexValue.string(string);
        }
        if (compact instanceof Long number) {
            return IndexValue.number(BigDecimal.valueOf(number));
        }
        if (compact instanceof BigDecimal number) {
            return IndexValue.number(number);
        }
        return (Boolean) compact ? IndexValue.TRUE : IndexValue.FALSE;
    }

    /** The kind of a compact value. */
    static IndexValue.Kind kind(Object compact) {
        return switch (rank(compact)) {
            case 0 -> IndexValue.Kind.BOOLEAN;
            case 1 -> IndexValue.Kind.NUMBER;
            default -> IndexValue.Kind.STRING;
        };
    }

    static int compare(Object a, Object b) {
        if (a instanceof String x && b instanceof String y) {
            return IndexValue.compareCodePoints(x, y);
        }
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        int byKind = rank(a) - rank(b);
        if (byKind != 0) {
            return byKind;
        }
        if (a instanceof Boolean x) {
            return Boolean.compare(x, (Boolean) b);
        }
        return decimal(a).compareTo(decimal(b));
    }

    /** {@link #compare} of the integer {@code a} (a {@link Long} form) with any compact value, without boxing. */
    static int compareLong(long a, Object b) {
        if (b instanceof Long y) {
            return Long.compare(a, y);
        }
        if (b instanceof BigDecimal y) {
            return BigDecimal.valueOf(a).compareTo(y);
        }
        // Numbers come after booleans and before strings.
        return b instanceof Boolean ? 1 : -1;
    }

    private static BigDecimal decimal(Object number) {
        return number instanceof Long value ? BigDecimal.valueOf(value) : (BigDecimal) number;
    }

    private static int rank(Object compact) {
        if (compact instanceof String) {
            return 2;
        }
        return compact instanceof Boolean ? 0 : 1;
    }
}
