package dev.pikodb.spi;

import java.util.Collection;
import java.util.Comparator;

/**
 * A query as the facade hands it to an engine: validated, its values canonical, every path it uses
 * either {@link QueryCondition#KEY} or the path of one of the table's indexes.
 *
 * <p><b>Order</b> ({@link #order()}): by sort value ({@link #sortValue}), ascending or descending;
 * records with no value at the ordering path after all others; ties, and the records without a value,
 * by key ascending in code point order. With {@link QueryCondition#KEY} as the ordering path, by key,
 * ascending or descending.
 *
 * @param condition what records must match
 * @param orderPath the path to order by, or {@link QueryCondition#KEY}
 * @param ascending the direction
 * @param limit the most records to return ({@link Integer#MAX_VALUE} for no limit)
 * @param after return only records after this position, or {@code null} from the start
 */
public record QueryPlan(QueryCondition condition, String orderPath, boolean ascending, int limit, QueryPosition after) {

    /**
     * Checks the arguments.
     *
     * @param condition the condition
     * @param orderPath the ordering path
     * @param ascending the direction
     * @param limit the limit
     * @param after the start position or {@code null}
     */
    public QueryPlan {
        if (condition == null || orderPath == null) {
            throw new IllegalArgumentException("condition and orderPath must not be null");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
    }

    /**
     * Whether the records are ordered by key.
     *
     * @return true when {@link #orderPath()} is {@link QueryCondition#KEY}
     */
    public boolean orderedByKey() {
        return orderPath.equals(QueryCondition.KEY);
    }

    /**
     * A record's sort value: the smallest of its values at the ordering path when ascending, the
     * largest when descending.
     *
     * @param values the record's values at {@link #orderPath()}
     * @return the sort value, or {@code null} when there are none or the ordering is by key
     */
    public IndexValue sortValue(Collection<IndexValue> values) {
        if (orderedByKey() || values.isEmpty()) {
            return null;
        }
        IndexValue chosen = null;
        for (IndexValue value : values) {
            if (chosen == null || (ascending ? value.compareTo(chosen) < 0 : value.compareTo(chosen) > 0)) {
                chosen = value;
            }
        }
        return chosen;
    }

    /**
     * The plan's order of positions (see the class description).
     *
     * @return the comparator
     */
    public Comparator<QueryPosition> order() {
        if (orderedByKey()) {
            Comparator<QueryPosition> byKey = (a, b) -> IndexValue.compareCodePoints(a.key(), b.key());
            return ascending ? byKey : byKey.reversed();
        }
        return (a, b) -> {
            IndexValue x = a.sortValue();
            IndexValue y = b.sortValue();
            if (x == null || y == null) {
                if (x != y) {
                    return x == null ? 1 : -1;
                }
            } else {
                int byValue = ascending ? x.compareTo(y) : y.compareTo(x);
                if (byValue != 0) {
                    return byValue;
                }
            }
            return IndexValue.compareCodePoints(a.key(), b.key());
        };
    }
}
