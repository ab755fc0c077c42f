package dev.pikodb.spi;

/**
 * Where a record stands in a query's order: its sort value and its key. A cursor is the position of
 * the last record of a page; the next page holds the records after it.
 *
 * @param sortValue the record's value at the ordering path (the smallest of its values when
 *     ascending, the largest when descending), or {@code null} when it has none there or the
 *     ordering is by {@link QueryCondition#KEY}
 * @param key the record's key
 */
public record QueryPosition(IndexValue sortValue, String key) {

    /**
     * Checks the key.
     *
     * @param sortValue the sort value or {@code null}
     * @param key the key
     */
    public QueryPosition {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
    }
}
