package dev.pikodb;

import dev.pikodb.internal.Validation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A key dictionary for "dictionary compression": it maps long JSON object keys to short ones.
 *
 * <p>Give either the deflate mapping (long to short) or the inflate mapping (short to long); the other
 * direction is derived. The mapping must be one-to-one. A dictionary is applied recursively to every
 * object nested in a value, and keys it does not name are kept as they are. Reads always return the
 * original (long) keys.
 *
 * <pre>{@code
 * Dictionary sensors = Dictionary.deflate(Map.of("sensor", "s", "temperature", "t"));
 * db.addDictionary("sensors", sensors);
 * db.write("readings", "r1", Map.of("sensor", "DHT22", "temperature", 23.5), null, "sensors");
 * }</pre>
 *
 * <p>Instances are immutable.
 */
public final class Dictionary {

    private final Map<String, String> deflate;
    private final Map<String, String> inflate;

    /**
     * Creates a dictionary from exactly one of the two mappings.
     *
     * @param deflate long key to short key, or {@code null} when {@code inflate} is given
     * @param inflate short key to long key, or {@code null} when {@code deflate} is given
     * @throws IllegalArgumentException when both or neither mapping is given, when a mapping has a
     *     {@code null} or empty key or value, or when two keys map to the same value
     */
    public Dictionary(Map<String, String> deflate, Map<String, String> inflate) {
        if (deflate != null && inflate != null) {
            throw new IllegalArgumentException(
                    "Dictionary should provide only one of deflate or inflate (not both). The inverse will be auto-generated.");
        }
        if (deflate == null && inflate == null) {
            throw new IllegalArgumentException("Dictionary must provide either deflate or inflate mapping");
        }
        if (deflate != null) {
            this.deflate = copyOf(deflate, "deflate");
            this.inflate = invert(this.deflate, "deflate");
        } else {
            this.inflate = copyOf(inflate, "inflate");
            this.deflate = invert(this.inflate, "inflate");
        }
    }

    /**
     * Creates a dictionary from a long-to-short key mapping.
     *
     * @param longToShort the deflate mapping, for example {@code sensor -> s}
     * @return the dictionary
     * @throws IllegalArgumentException when the mapping is null, has empty entries or is not one-to-one
     */
    public static Dictionary deflate(Map<String, String> longToShort) {
        if (longToShort == null) {
            throw new IllegalArgumentException("Dictionary deflate mapping must not be null");
        }
        return new Dictionary(longToShort, null);
    }

    /**
     * Creates a dictionary from a short-to-long key mapping.
     *
     * @param shortToLong the inflate mapping, for example {@code s -> sensor}
     * @return the dictionary
     * @throws IllegalArgumentException when the mapping is null, has empty entries or is not one-to-one
     */
    public static Dictionary inflate(Map<String, String> shortToLong) {
        if (shortToLong == null) {
            throw new IllegalArgumentException("Dictionary inflate mapping must not be null");
        }
        return new Dictionary(null, shortToLong);
    }

    /**
     * Returns the long-to-short mapping.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> deflateMapping() {
        return deflate;
    }

    /**
     * Returns the short-to-long mapping.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> inflateMapping() {
        return inflate;
    }

    private static Map<String, String> copyOf(Map<String, String> mapping, String direction) {
        Map<String, String> copy = new LinkedHashMap<>();
        mapping.forEach((from, to) -> {
            if (from == null || from.isEmpty() || to == null || to.isEmpty()) {
                throw new IllegalArgumentException("Dictionary " + direction + " mapping has an empty or null entry: "
                        + from + " -> " + to + "; every key and value must be a non-empty string");
            }
            if (Validation.hasUnpairedSurrogate(from) || Validation.hasUnpairedSurrogate(to)) {
                throw new IllegalArgumentException("Dictionary " + direction + " mapping entry "
                        + Validation.printable(from) + " -> " + Validation.printable(to) + " is not valid Unicode");
            }
            copy.put(from, to);
        });
        return Collections.unmodifiableMap(copy);
    }

    private static Map<String, String> invert(Map<String, String> mapping, String direction) {
        Map<String, String> inverse = new LinkedHashMap<>();
        mapping.forEach((from, to) -> {
            String previous = inverse.put(to, from);
            if (previous != null) {
                throw new IllegalArgumentException("Dictionary " + direction + " mapping is not one-to-one: both '"
                        + previous + "' and '" + from + "' map to '" + to + "'");
            }
        });
        return Collections.unmodifiableMap(inverse);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Dictionary that && deflate.equals(that.deflate);
    }

    @Override
    public int hashCode() {
        return Objects.hash(deflate);
    }

    @Override
    public String toString() {
        return "Dictionary" + deflate;
    }
}
