package dev.pikodb.spring.data;

import java.util.List;

/**
 * Entities found from indexes by {@link PikoDBKeyValueAdapter#find}: with their keys, in the query's
 * order, and the cursor that continues after the last of them.
 *
 * @param keys the keys of the entities, in the same order
 * @param entities the entities
 * @param nextCursor the cursor of the next page ({@link dev.pikodb.Query#after}), or null when the
 *     query's limit did not cut the result
 * @param <T> the entity type
 */
public record QueriedEntities<T>(List<String> keys, List<T> entities, String nextCursor) {
}
