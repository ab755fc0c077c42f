package dev.pikodb.spring.cache;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cache.support.NullValue;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The format of one cache entry: {@code {"t": <type>, "v": <value>}}, where {@code t} is the Jackson
 * canonical type the value is read back as (inferred from the value, see {@link CacheValueTypes};
 * absent for a cached {@code null}) and {@code v} the value as JSON. Entries written by earlier versions
 * may also carry {@code "x"}, the epoch milliseconds after which the entry is expired: they stay
 * readable, and are a miss after that instant. An entry that cannot be read back is a miss, logged once
 * at WARN.
 */
final class CacheEntries {

    /** The cache's own logger, so that what an application configures for the cache applies. */
    private static final Logger logger = LoggerFactory.getLogger(PikoDBCache.class);

    private static final String TYPE = "t";

    private static final String VALUE = "v";

    /** The expiry instant that entries written by earlier versions carry; honoured, no longer written. */
    private static final String EXPIRES_AT = "x";

    private final String name;

    private final String table;

    private final JsonMapper jsonMapper;

    private final Clock clock;

    private final boolean allowNullValues;

    private volatile boolean unreadableLogged;

    private volatile boolean mixedLogged;

    CacheEntries(String name, String table, JsonMapper jsonMapper, Clock clock, boolean allowNullValues) {
        this.name = name;
        this.table = table;
        this.jsonMapper = jsonMapper;
        this.clock = clock;
        this.allowNullValues = allowNullValues;
    }

    /** The entry that stores a store value ({@link NullValue} for a cached null). */
    ObjectNode encode(Object storeValue) {
        ObjectNode entry = jsonMapper.createObjectNode();
        if (storeValue != NullValue.INSTANCE) {
            Set<String> mixed = new LinkedHashSet<>();
            JavaType type = CacheValueTypes.typeOf(storeValue, jsonMapper.getTypeFactory(), mixed);
            if (!mixed.isEmpty() && !mixedLogged) {
                mixedLogged = true;
                logger.warn("Cache '{}': a value of type {} mixes element classes ({}); they are read back as {}, which"
                        + " Jackson rebuilds only when that type carries @JsonTypeInfo, else the entry is a miss."
                        + " Logged once per cache.", name, storeValue.getClass().getName(), String.join(", ", mixed),
                        type.toCanonical());
            }
            entry.put(TYPE, type.toCanonical());
            entry.set(VALUE, serialize(storeValue, type));
        }
        return entry;
    }

    /**
     * Writes the value with the element types it is read back with, so that type ids of polymorphic
     * elements are written; the root collection or map is declared by its interface, which the value's
     * own class (an immutable JDK collection, say) always implements.
     */
    private JsonNode serialize(Object value, JavaType type) {
        JavaType declared = type;
        if (value instanceof java.util.Collection<?>) {
            declared = jsonMapper.getTypeFactory().constructCollectionType(java.util.Collection.class, type.getContentType());
        }
        else if (value instanceof java.util.Map<?, ?>) {
            declared = jsonMapper.getTypeFactory().constructMapType(java.util.Map.class, type.getKeyType(),
                    type.getContentType());
        }
        try {
            return jsonMapper.writerFor(declared).valueToTree(value);
        }
        catch (JacksonException ex) {
            throw new IllegalArgumentException("Cache '" + name + "' cannot store a value of type "
                    + value.getClass().getName() + " as JSON: " + ex.getOriginalMessage(), ex);
        }
    }

    /** The stored value of an entry, {@link NullValue} for a cached null, or null for a miss. */
    Object decode(String storeKey, JsonNode entry) {
        if (!entry.isObject()) {
            logUnreadable(storeKey, "it is not a cache entry", null);
            return null;
        }
        JsonNode expiresAt = entry.get(EXPIRES_AT);
        if (expiresAt != null && clock.millis() > expiresAt.asLong()) {
            return null;
        }
        JsonNode type = entry.get(TYPE);
        if (type == null) {
            return allowNullValues ? NullValue.INSTANCE : null;
        }
        try {
            JavaType javaType = jsonMapper.getTypeFactory().constructFromCanonical(type.asString());
            return jsonMapper.treeToValue(entry.get(VALUE), javaType);
        }
        catch (JacksonException | IllegalArgumentException ex) {
            logUnreadable(storeKey, "its value of type " + type.asString() + " cannot be read back", ex);
            return null;
        }
    }

    private void logUnreadable(String storeKey, String reason, Exception ex) {
        if (!unreadableLogged) {
            unreadableLogged = true;
            logger.warn("Cache '{}' (table '{}'): entry '{}' is treated as a miss because {}; it is replaced on the next"
                    + " put. Further unreadable entries of this cache are logged at DEBUG.", name, table, storeKey,
                    reason, ex);
        }
        else if (logger.isDebugEnabled()) {
            logger.debug("Cache '{}': entry '{}' is treated as a miss because {}", name, storeKey, reason, ex);
        }
    }
}
