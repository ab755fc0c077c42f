package dev.pikodb.spring.data;

import dev.pikodb.DatabaseRecord;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentEntity;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentProperty;
import org.springframework.data.mapping.context.MappingContext;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns entities into and out of their stored form for {@link PikoDBKeyValueAdapter}: reads a record's
 * value into an entity (the key as its id when the value carries none, the record's version as its
 * {@code @Version}), turns a query parameter into the form its property has in the stored JSON, and
 * knows the {@link EntityMetadata} of each entity type and the entity type of each keyspace.
 */
final class EntityConverter {

    private final MappingContext<? extends KeyValuePersistentEntity<?, ?>, ? extends KeyValuePersistentProperty<?>> mappingContext;

    private final JsonMapper jsonMapper;

    private final Map<Class<?>, EntityMetadata> metadata = new ConcurrentHashMap<>();

    private final Map<String, Class<?>> keyspaceTypes = new ConcurrentHashMap<>();

    EntityConverter(
            MappingContext<? extends KeyValuePersistentEntity<?, ?>, ? extends KeyValuePersistentProperty<?>> mappingContext,
            JsonMapper jsonMapper) {
        this.mappingContext = mappingContext;
        this.jsonMapper = jsonMapper;
    }

    /**
     * The form a query parameter has in the stored JSON, as the entity's property is written: a
     * {@link String}, {@link Number} or {@link Boolean} ({@code Status.OPEN} is {@code "OPEN"}).
     *
     * @param value a query parameter
     * @return its stored form
     * @throws IllegalArgumentException when it is stored as an object, an array or null
     */
    Object toStoredForm(Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Double || value instanceof Float || value instanceof Short || value instanceof Byte
                || value instanceof java.math.BigDecimal || value instanceof java.math.BigInteger) {
            return value;
        }
        JsonNode node = jsonMapper.valueToTree(value);
        if (node.isString()) {
            return node.stringValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        throw new IllegalArgumentException("A " + value.getClass().getName() + " is stored as " + node.getNodeType()
                + ", which no index compares; query by a string, number or boolean property");
    }

    /**
     * Reads a record's value into an entity of the type, carrying the record's version and, when the
     * value has no id, the key as its id.
     */
    <T> T read(String key, DatabaseRecord record, String keyspace, Class<T> type) {
        T value = convert(record.value(), type);
        if (value == null || type == Object.class) {
            return value;
        }
        EntityMetadata entity = metadata(type, keyspace);
        return entity.withVersion(entity.withIdIfMissing(value, key), record.version());
    }

    private <T> T convert(Object natural, Class<T> type) {
        if (natural == null || type == Object.class) {
            return type.cast(natural);
        }
        return jsonMapper.convertValue(natural, type);
    }

    /** The metadata of an entity type, remembering it as the type of the keyspace. */
    EntityMetadata metadata(Class<?> type, String keyspace) {
        Class<?> userType = ClassUtils.getUserClass(type);
        keyspaceTypes.putIfAbsent(keyspace, userType);
        return metadata.computeIfAbsent(userType,
                (t) -> new EntityMetadata(mappingContext.getRequiredPersistentEntity(t)));
    }

    /**
     * The entity type of a keyspace: the one read or written there first, else the mapping context's,
     * else {@code Object}.
     */
    Class<?> typeOf(String keyspace) {
        Class<?> known = keyspaceTypes.get(keyspace);
        if (known != null) {
            return known;
        }
        for (KeyValuePersistentEntity<?, ?> entity : mappingContext.getPersistentEntities()) {
            if (keyspace.equals(entity.getKeySpace())) {
                keyspaceTypes.putIfAbsent(keyspace, entity.getType());
                return entity.getType();
            }
        }
        return Object.class;
    }
}
