package dev.pikodb;

import dev.pikodb.spi.IndexValue;
import dev.pikodb.spi.QueryCondition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link PikoDB#find} and {@link PikoDB#count} look for: conditions on indexed paths of the
 * values (or on the record's key, {@link #KEY}), an ordering, a page size and where a page starts.
 * Immutable; every method returns a new query.
 *
 * <pre>{@code
 * db.createIndex("notes", "owner", "/owner");
 * db.createIndex("notes", "created", "/created");
 * QueryResult page = db.find("notes", Query.eq("/owner", "alice").orderBy("/created", false).limit(20));
 * QueryResult next = db.find("notes", Query.eq("/owner", "alice").orderBy("/created", false).limit(20)
 *         .after(page.nextCursor().orElseThrow()));
 * }</pre>
 *
 * <p><b>Paths</b> are JSON Pointers (RFC 6901) into the value, as given to
 * {@link PikoDB#createIndex}: {@code "/owner"}, {@code "/address/city"}, {@code ""} for the whole
 * value. Every path a query uses needs an index on the table; {@link #KEY} needs none.
 *
 * <p><b>Comparison.</b> Values are strings, numbers and booleans. Numbers compare numerically and
 * exactly whatever their Java type ({@code 2}, {@code 2L}, {@code 2.0} and {@code new BigDecimal("2.00")}
 * are equal; 2<sup>53</sup> and 2<sup>53</sup>+1 are not); strings by Unicode code point;
 * {@code false < true}. A condition matches only values of its own kind. A {@code null} or missing
 * value is not indexed and matches no condition. An array matches when any of its elements does.
 *
 * <p><b>Ordering.</b> By default records come in key order. {@link #orderBy} orders by an indexed
 * path; a record whose value there is an array is placed by its smallest element when ascending,
 * its largest when descending; records with no value there come last; ties go by key ascending.
 * Across kinds, booleans come before numbers and numbers before strings.
 */
public final class Query {

    /** Addresses the record's key in place of a path: in conditions and in {@link #orderBy}. */
    public static final String KEY = QueryCondition.KEY;

    private static final Query ALL = new Query(QueryCondition.All.INSTANCE, KEY, true, Integer.MAX_VALUE, null);

    private final QueryCondition condition;
    private final String orderPath;
    private final boolean ascending;
    private final int limit;
    private final String after;

    private Query(QueryCondition condition, String orderPath, boolean ascending, int limit, String after) {
        this.condition = condition;
        this.orderPath = orderPath;
        this.ascending = ascending;
        this.limit = limit;
        this.after = after;
    }

    /**
     * Every record of the table, in key order unless ordered otherwise.
     *
     * @return the query
     */
    public static Query all() {
        return ALL;
    }

    /**
     * Records whose value at {@code path} equals {@code value} (for an array: one of whose elements does).
     *
     * @param path a JSON Pointer, or {@link #KEY}
     * @param value a {@link String}, {@link Number} or {@link Boolean}
     * @return the query
     * @throws IllegalArgumentException for an invalid path, or a value that is null or of another kind
     */
    public static Query eq(String path, Object value) {
        return of(new QueryCondition.In(checkPath(path), Set.of(value(path, value))));
    }

    /**
     * Records whose value at {@code path} equals one of {@code values}. An empty collection matches nothing.
     *
     * @param path a JSON Pointer, or {@link #KEY}
     * @param values strings, numbers and booleans
     * @return the query
     * @throws IllegalArgumentException for an invalid path, a null collection or an invalid value in it
     */
    public static Query in(String path, Collection<?> values) {
        checkPath(path);
        if (values == null) {
            throw new IllegalArgumentException("Query.in(\"" + path + "\", values): values must not be null");
        }
        Set<IndexValue> normalized = new LinkedHashSet<>();
        for (Object value : values) {
            normalized.add(value(path, value));
        }
        return of(new QueryCondition.In(path, normalized));
    }

    /**
     * Records whose value at {@code path} lies in {@code [fromInclusive, toExclusive)}, of the bounds' kind:
     * {@code range("/n", 1, 5)} matches the numbers 1 to 5 (excluded), never the string {@code "3"}.
     * A null bound leaves that side open; with both null, every record with an indexed value at the path
     * matches.
     *
     * @param path a JSON Pointer, or {@link #KEY}
     * @param fromInclusive the lower bound, or {@code null}
     * @param toExclusive the upper bound, or {@code null}
     * @return the query
     * @throws IllegalArgumentException for an invalid path or bound, or bounds of different kinds
     */
    public static Query range(String path, Object fromInclusive, Object toExclusive) {
        checkPath(path);
        IndexValue from = fromInclusive == null ? null : value(path, fromInclusive);
        IndexValue to = toExclusive == null ? null : value(path, toExclusive);
        if (from != null && to != null && from.kind() != to.kind()) {
            throw new IllegalArgumentException("Query.range(\"" + path + "\", " + fromInclusive + ", " + toExclusive
                    + "): the bounds are of different kinds (" + from.kind() + ", " + to.kind() + ")");
        }
        return of(new QueryCondition.Range(path, from, to));
    }

    /**
     * Records whose value at {@code path} is a string starting with {@code prefix}.
     *
     * @param path a JSON Pointer, or {@link #KEY}
     * @param prefix the prefix; the empty prefix matches every string
     * @return the query
     * @throws IllegalArgumentException for an invalid path or a null prefix
     */
    public static Query prefix(String path, String prefix) {
        checkPath(path);
        if (prefix == null) {
            throw new IllegalArgumentException("Query.prefix(\"" + path + "\", prefix): prefix must not be null");
        }
        return of(new QueryCondition.Prefix(path, prefix));
    }

    /**
     * Records that match both queries' conditions. The ordering, limit and cursor are this query's.
     *
     * @param other a query without ordering, limit or cursor
     * @return the query
     * @throws IllegalArgumentException when {@code other} is null or has an ordering, limit or cursor
     */
    public Query and(Query other) {
        checkCombinable("and", other);
        return new Query(QueryCondition.and(condition, other.condition), orderPath, ascending, limit, after);
    }

    /**
     * Records that match either query's conditions, each returned once. The ordering, limit and cursor
     * are this query's.
     *
     * @param other a query without ordering, limit or cursor
     * @return the query
     * @throws IllegalArgumentException when {@code other} is null or has an ordering, limit or cursor
     */
    public Query or(Query other) {
        checkCombinable("or", other);
        return new Query(QueryCondition.or(condition, other.condition), orderPath, ascending, limit, after);
    }

    /**
     * Orders the records by their value at an indexed path (see the class description), ties by key
     * ascending. The default is {@link #KEY} ascending.
     *
     * @param path a JSON Pointer with an index, or {@link #KEY}
     * @param ascending true for ascending
     * @return the query
     * @throws IllegalArgumentException for an invalid path
     */
    public Query orderBy(String path, boolean ascending) {
        return new Query(condition, checkPath(path), ascending, limit, after);
    }

    /**
     * Returns at most {@code max} records; when more match, {@link QueryResult#nextCursor()} continues.
     *
     * @param max the page size, at least 1
     * @return the query
     * @throws IllegalArgumentException when {@code max < 1}
     */
    public Query limit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("Query.limit(" + max + "): the limit must be at least 1");
        }
        return new Query(condition, orderPath, ascending, max, after);
    }

    /**
     * Continues after the last record of an earlier page of the same query (same conditions and ordering):
     * each record that matches and is unchanged across the pages is returned exactly once, in order, while
     * other records are written meanwhile.
     *
     * @param cursor {@link QueryResult#nextCursor()} of the earlier page
     * @return the query
     * @throws IllegalArgumentException when the cursor is null or empty (a cursor from another query is
     *     refused by {@link PikoDB#find})
     */
    public Query after(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            throw new IllegalArgumentException("Query.after(cursor): the cursor must be a nextCursor() of an earlier page");
        }
        return new Query(condition, orderPath, ascending, limit, cursor);
    }

    /** The conditions, for the facade and engines. */
    QueryCondition condition() {
        return condition;
    }

    String orderPath() {
        return orderPath;
    }

    boolean ascending() {
        return ascending;
    }

    int limit() {
        return limit;
    }

    String afterCursor() {
        return after;
    }

    /** The paths this query needs indexes on (never {@link #KEY}). */
    List<String> indexedPaths() {
        List<String> paths = new ArrayList<>(condition.paths());
        if (!orderPath.equals(KEY) && !paths.contains(orderPath)) {
            paths.add(orderPath);
        }
        paths.remove(KEY);
        return paths;
    }

    private static Query of(QueryCondition condition) {
        return new Query(condition, KEY, true, Integer.MAX_VALUE, null);
    }

    private void checkCombinable(String operation, Query other) {
        if (other == null) {
            throw new IllegalArgumentException("Query." + operation + "(other): other must not be null");
        }
        if (!other.orderPath.equals(KEY) || !other.ascending || other.limit != Integer.MAX_VALUE || other.after != null) {
            throw new IllegalArgumentException("Query." + operation + "(other): other has an ordering, limit or cursor;"
                    + " combine the conditions first, then call orderBy, limit and after on the result");
        }
    }

    private static String checkPath(String path) {
        String problem = QueryCondition.pathProblem(path);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return path;
    }

    private static IndexValue value(String path, Object value) {
        try {
            return IndexValue.of(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Query on \"" + path + "\": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Query query && condition.equals(query.condition) && orderPath.equals(query.orderPath)
                && ascending == query.ascending && limit == query.limit && Objects.equals(after, query.after);
    }

    @Override
    public int hashCode() {
        return Objects.hash(condition, orderPath, ascending, limit, after);
    }

    @Override
    public String toString() {
        return "Query[" + condition + " orderBy " + orderPath + (ascending ? " asc" : " desc")
                + (limit == Integer.MAX_VALUE ? "" : " limit " + limit) + (after == null ? "" : " after " + after) + "]";
    }
}
