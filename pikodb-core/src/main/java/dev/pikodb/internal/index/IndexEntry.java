package dev.pikodb.internal.index;

import dev.pikodb.spi.IndexValue;

/**
 * One entry of a {@link SecondaryIndex}: a value and the key of a record that has it, ordered by
 * value, then by key in code point order. Bounds for scans are entries whose key stands before or
 * after every key.
 */
final class IndexEntry implements Comparable<IndexEntry> {

    private static final int BEFORE_ALL_KEYS = -1;
    private static final int AFTER_ALL_KEYS = 1;

    final IndexValue value;
    final String key;
    /** 0 for a real entry; -1 or +1 for a bound before or after every key with this value. */
    private final int bound;

    IndexEntry(IndexValue value, String key) {
        this(value, key, 0);
    }

    private IndexEntry(IndexValue value, String key, int bound) {
        this.value = value;
        this.key = key;
        this.bound = bound;
    }

    /** A bound just before every entry with {@code value}. */
    static IndexEntry before(IndexValue value) {
        return new IndexEntry(value, null, BEFORE_ALL_KEYS);
    }

    /** A bound just after every entry with {@code value}. */
    static IndexEntry after(IndexValue value) {
        return new IndexEntry(value, null, AFTER_ALL_KEYS);
    }

    @Override
    public int compareTo(IndexEntry other) {
        int byValue = value.compareTo(other.value);
        if (byValue != 0) {
            return byValue;
        }
        if (bound != 0 || other.bound != 0) {
            return Integer.compare(bound, other.bound);
        }
        return IndexValue.compareCodePoints(key, other.key);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IndexEntry entry && compareTo(entry) == 0;
    }

    @Override
    public int hashCode() {
        return value.hashCode() * 31 + (key == null ? bound : key.hashCode());
    }

    @Override
    public String toString() {
        return value + "=" + key;
    }
}
