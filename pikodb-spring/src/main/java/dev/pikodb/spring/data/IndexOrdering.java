package dev.pikodb.spring.data;

import dev.pikodb.PikoDB;
import dev.pikodb.Query;
import dev.pikodb.spring.data.repository.query.IndexedProperties;
import java.util.Map;
import org.springframework.data.core.PropertyPath;
import org.springframework.data.domain.Sort;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentEntity;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentProperty;

/**
 * Whether a whole keyspace, in the order of a {@link Sort}, can come from an index: unordered, or
 * ordered by the id or by one property the table has an index on.
 */
final class IndexOrdering {

    private IndexOrdering() {
    }

    /**
     * The query for every record in the order {@code sort} gives, or null when no index serves it (an
     * ordering by several properties, ignoring case, by a property without index, or an engine without
     * indexes).
     */
    static Query all(PikoDB pikoDB, KeyValuePersistentEntity<?, ?> entity, String keyspace, Sort sort) {
        if (sort.stream().count() > 1) {
            return null;
        }
        Map<String, String> indexes;
        try {
            indexes = pikoDB.listIndexes(keyspace);
        }
        catch (UnsupportedOperationException ex) {
            return null;
        }
        if (sort.isUnsorted()) {
            return Query.all();
        }
        Sort.Order order = sort.iterator().next();
        if (order.isIgnoreCase()) {
            return null;
        }
        KeyValuePersistentProperty<?> id = entity.getIdProperty();
        if (id != null && id.getName().equals(order.getProperty())) {
            return Query.all().orderBy(Query.KEY, order.isAscending());
        }
        String path;
        try {
            path = IndexedProperties.pointer(PropertyPath.from(order.getProperty(), entity.getType()));
        }
        catch (RuntimeException ex) {
            return null;
        }
        return indexes.containsValue(path) ? Query.all().orderBy(path, order.isAscending()) : null;
    }
}
