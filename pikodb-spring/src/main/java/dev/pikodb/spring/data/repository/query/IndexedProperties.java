package dev.pikodb.spring.data.repository.query;

import dev.pikodb.spring.data.Indexed;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.data.core.PropertyPath;
import org.springframework.data.mapping.PersistentEntity;
import org.springframework.data.mapping.PersistentProperty;
import org.springframework.data.mapping.context.MappingContext;

/**
 * The {@link Indexed} properties of an entity type and the indexes they stand for: the index name is
 * the property's dotted path ({@code address.city}), its path the JSON Pointer of the property
 * ({@code /address/city}). Nested objects are followed a few levels deep.
 */
public final class IndexedProperties {

    private static final int MAX_DEPTH = 8;

    private IndexedProperties() {
    }

    /**
     * The indexes the {@link Indexed} properties of a type declare.
     *
     * @param mappingContext the mapping context of the type
     * @param type the entity type
     * @return index name to JSON Pointer, in declaration order
     */
    public static Map<String, String> declared(MappingContext<?, ?> mappingContext, Class<?> type) {
        Map<String, String> indexes = new LinkedHashMap<>();
        collect(mappingContext, mappingContext.getRequiredPersistentEntity(type), new ArrayList<>(), new HashSet<>(),
                indexes);
        return indexes;
    }

    private static void collect(MappingContext<?, ?> mappingContext, PersistentEntity<?, ?> entity, List<String> prefix,
            Set<Class<?>> visiting, Map<String, String> indexes) {
        if (prefix.size() >= MAX_DEPTH || !visiting.add(entity.getType())) {
            return;
        }
        for (PersistentProperty<?> property : entity) {
            List<String> path = new ArrayList<>(prefix);
            path.add(property.getName());
            if (property.isAnnotationPresent(Indexed.class)) {
                indexes.put(String.join(".", path), pointer(path));
            }
            else if (property.isEntity() && !property.isCollectionLike() && !property.isMap()) {
                PersistentEntity<?, ?> nested = mappingContext.getPersistentEntity(property.getActualType());
                if (nested != null) {
                    collect(mappingContext, nested, path, visiting, indexes);
                }
            }
        }
        visiting.remove(entity.getType());
    }

    /**
     * The index name of a property path: its dotted form.
     *
     * @param path a property path
     * @return e.g. {@code address.city}
     */
    public static String indexName(PropertyPath path) {
        return path.toDotPath();
    }

    /**
     * The JSON Pointer of a property path.
     *
     * @param path a property path
     * @return e.g. {@code /address/city}
     */
    public static String pointer(PropertyPath path) {
        List<String> segments = new ArrayList<>();
        for (PropertyPath segment : path) {
            segments.add(segment.getSegment());
        }
        return pointer(segments);
    }

    private static String pointer(List<String> segments) {
        StringBuilder pointer = new StringBuilder();
        for (String segment : segments) {
            pointer.append('/').append(segment.replace("~", "~0").replace("/", "~1"));
        }
        return pointer.toString();
    }
}
