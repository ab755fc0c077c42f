package dev.pikodb;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A page of records found by {@link PikoDB#find}: each live, its value at the returned version
 * matching the query, in the query's order.
 */
public final class QueryResult {

    private final List<Map.Entry<String, DatabaseRecord>> records;
    private final String nextCursor;

    /**
     * Creates a result.
     *
     * @param records key and record pairs, in order
     * @param nextCursor where the next page starts, or {@code null} when nothing was cut
     */
    QueryResult(List<Map.Entry<String, DatabaseRecord>> records, String nextCursor) {
        this.records = List.copyOf(records);
        this.nextCursor = nextCursor;
    }

    /**
     * The records found, in the query's order.
     *
     * @return key and record pairs (unmodifiable)
     */
    public List<Map.Entry<String, DatabaseRecord>> records() {
        return records;
    }

    /**
     * Where the next page starts, for {@link Query#after}: present when the limit cut the result.
     * An opaque string, valid with the same query for as long as the database has that table.
     *
     * @return the cursor, or empty when this page holds the last matching records
     */
    public Optional<String> nextCursor() {
        return Optional.ofNullable(nextCursor);
    }

    @Override
    public String toString() {
        return "QueryResult[" + records.size() + " records" + (nextCursor == null ? "" : ", more") + "]";
    }
}
