package dev.pikodb.spi;

import java.util.List;
import java.util.Map;

/**
 * What an engine answers to a {@link QueryPlan}: the live records that match, in the plan's order.
 *
 * @param records key and record pairs, at most the plan's limit, each live and matching at its version
 * @param next the position of the last record when the limit cut the result (more records match
 *     after it), else {@code null}
 */
public record QueryPage(List<Map.Entry<String, EngineRecord>> records, QueryPosition next) {

    /**
     * Copies the records.
     *
     * @param records the records
     * @param next the next position or {@code null}
     */
    public QueryPage {
        records = List.copyOf(records);
    }
}
