package dev.pikodb.internal;

import dev.pikodb.spi.IndexValue;
import dev.pikodb.spi.QueryPosition;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The opaque cursor of a query page: the position of the page's last record with the ordering it
 * belongs to, as URL-safe Base64 of a small JSON array
 * {@code [1, orderPath, ascending, kind, value, key]} ({@code kind} and {@code value} null when the
 * record has no sort value). The ordering is checked when the cursor is used, so a cursor of another
 * ordering is refused instead of paging wrongly.
 */
public final class QueryCursor {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final int FORMAT = 1;

    private QueryCursor() {
    }

    /**
     * Encodes a position.
     *
     * @param orderPath the query's ordering path
     * @param ascending the query's direction
     * @param position the last record's position
     * @return the cursor
     */
    public static String encode(String orderPath, boolean ascending, QueryPosition position) {
        IndexValue value = position.sortValue();
        Object plain = value == null ? null
                : value.kind() == IndexValue.Kind.NUMBER ? value.value().toString() : value.value();
        byte[] json = MAPPER.writeValueAsBytes(java.util.Arrays.asList(FORMAT, orderPath, ascending,
                value == null ? null : value.kind().name(), plain, position.key()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json);
    }

    /**
     * Decodes a cursor of a query with the given ordering.
     *
     * @param table the table, for messages
     * @param cursor the cursor
     * @param orderPath the query's ordering path
     * @param ascending the query's direction
     * @return the position
     * @throws IllegalArgumentException when the cursor is not one, or belongs to another ordering
     */
    public static QueryPosition decode(String table, String cursor, String orderPath, boolean ascending) {
        List<?> parts;
        try {
            parts = MAPPER.readValue(Base64.getUrlDecoder().decode(cursor), List.class);
        } catch (IllegalArgumentException | JacksonException e) {
            throw invalid(table, cursor);
        }
        if (parts.size() != 6 || !Integer.valueOf(FORMAT).equals(parts.get(0)) || !(parts.get(5) instanceof String key)) {
            throw invalid(table, cursor);
        }
        if (!orderPath.equals(parts.get(1)) || !Boolean.valueOf(ascending).equals(parts.get(2))) {
            throw new IllegalArgumentException("The cursor given to after() for table '" + table + "' belongs to a query"
                    + " ordered by " + parts.get(1) + (Boolean.TRUE.equals(parts.get(2)) ? " ascending" : " descending")
                    + ", not by " + orderPath + (ascending ? " ascending" : " descending")
                    + "; page with the same query that returned the cursor");
        }
        Object kind = parts.get(3);
        Object value = parts.get(4);
        if (kind == null) {
            return new QueryPosition(null, key);
        }
        try {
            IndexValue sortValue = switch (IndexValue.Kind.valueOf(kind.toString())) {
                case BOOLEAN -> IndexValue.of((Boolean) value);
                case NUMBER -> IndexValue.number(new BigDecimal((String) value));
                case STRING -> IndexValue.string((String) value);
            };
            return new QueryPosition(sortValue, key);
        } catch (RuntimeException e) {
            throw invalid(table, cursor);
        }
    }

    private static IllegalArgumentException invalid(String table, String cursor) {
        String shown = cursor.length() > 80 ? cursor.substring(0, 80) + "..." : cursor;
        return new IllegalArgumentException("'" + shown + "' is not a query cursor (table '" + table
                + "'); pass the nextCursor() of an earlier page of the same query to after()");
    }
}
