package dev.pikodb.spring.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.convert.converter.Converter;
import org.springframework.session.MapSession;

/**
 * How a session is stored: one record per session, its key the session id, its value a JSON object
 * that any tool can read.
 *
 * <pre>
 * {
 *   "creationTime": 1765072800000,        epoch milliseconds
 *   "lastAccessedTime": 1765073100000,    epoch milliseconds
 *   "maxInactiveSeconds": 1800,           negative: never expires
 *   "principal": "alice",                 present when the session has a principal name (indexed)
 *   "attributes": { "cart": "rO0ABX..." } each attribute serialised, in Base64
 * }
 * </pre>
 *
 * The record's expiration is {@code lastAccessedTime + maxInactiveSeconds}, so the store removes an
 * inactive session by itself, and no read ever returns one.
 */
final class SessionRecords {

    static final String PRINCIPAL = "principal";
    static final String PRINCIPAL_PATH = "/" + PRINCIPAL;
    private static final String CREATION_TIME = "creationTime";
    private static final String LAST_ACCESSED_TIME = "lastAccessedTime";
    private static final String MAX_INACTIVE_SECONDS = "maxInactiveSeconds";
    private static final String ATTRIBUTES = "attributes";

    private final Converter<Object, byte[]> serializer;
    private final Converter<byte[], Object> deserializer;

    SessionRecords(Converter<Object, byte[]> serializer, Converter<byte[], Object> deserializer) {
        this.serializer = serializer;
        this.deserializer = deserializer;
    }

    Converter<Object, byte[]> serializer() {
        return serializer;
    }

    Converter<byte[], Object> deserializer() {
        return deserializer;
    }

    /** A stored value with the times of {@code session} and the attributes of {@code attributes}. */
    Map<String, Object> value(MapSession session, Map<String, String> attributes, String principal) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put(CREATION_TIME, session.getCreationTime().toEpochMilli());
        value.put(LAST_ACCESSED_TIME, session.getLastAccessedTime().toEpochMilli());
        value.put(MAX_INACTIVE_SECONDS, session.getMaxInactiveInterval().getSeconds());
        if (principal != null) {
            value.put(PRINCIPAL, principal);
        }
        value.put(ATTRIBUTES, attributes);
        return value;
    }

    /** The record's expiration for the session's times, or {@code null} when it never expires. */
    static Long expiration(MapSession session) {
        Duration max = session.getMaxInactiveInterval();
        return max.isNegative() ? null : session.getLastAccessedTime().plus(max).toEpochMilli();
    }

    /** The principal name stored in a value, or {@code null}. */
    @SuppressWarnings("unchecked")
    static String principal(Object value) {
        return (String) ((Map<String, Object>) value).get(PRINCIPAL);
    }

    /** The stored attributes of a value, still serialised. */
    @SuppressWarnings("unchecked")
    static Map<String, String> storedAttributes(Object value) {
        Object attributes = ((Map<String, Object>) value).get(ATTRIBUTES);
        Map<String, String> copy = new LinkedHashMap<>();
        if (attributes instanceof Map<?, ?> map) {
            map.forEach((name, serialised) -> copy.put((String) name, (String) serialised));
        }
        return copy;
    }

    /** An attribute's stored form, given as a change that writes it as it is. */
    record Serialised(String value) {
    }

    /**
     * Applies attribute changes (a {@code null} value removes, a {@link Serialised} one is stored as it
     * is) to stored attributes.
     */
    Map<String, String> merge(Map<String, String> stored, Map<String, Object> changes, String sessionId) {
        changes.forEach((name, value) -> {
            if (value == null) {
                stored.remove(name);
            } else if (value instanceof Serialised serialised) {
                stored.put(name, serialised.value());
            } else {
                stored.put(name, serialize(sessionId, name, value));
            }
        });
        return stored;
    }

    /** Every attribute of a session, serialised. */
    Map<String, String> attributesOf(MapSession session) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String name : session.getAttributeNames()) {
            attributes.put(name, serialize(session.getId(), name, session.getAttribute(name)));
        }
        return attributes;
    }

    /**
     * The session a stored value describes, without its attributes: {@link PikoDBSession} deserialises
     * each when it is first read.
     */
    @SuppressWarnings("unchecked")
    static MapSession times(String id, Object value) {
        Map<String, Object> fields = (Map<String, Object>) value;
        MapSession session = new MapSession(id);
        session.setCreationTime(Instant.ofEpochMilli(((Number) fields.get(CREATION_TIME)).longValue()));
        session.setLastAccessedTime(Instant.ofEpochMilli(((Number) fields.get(LAST_ACCESSED_TIME)).longValue()));
        session.setMaxInactiveInterval(Duration.ofSeconds(((Number) fields.get(MAX_INACTIVE_SECONDS)).longValue()));
        return session;
    }

    private String serialize(String sessionId, String name, Object value) {
        try {
            return Base64.getEncoder().encodeToString(serializer.convert(value));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Attribute '" + name + "' of session " + sessionId
                    + " cannot be serialised (" + e.getMessage() + "); store a Serializable value, or give "
                    + "PikoDBSessionRepository a serializer that handles " + value.getClass().getName(), e);
        }
    }

    /** An attribute's value from its stored form. */
    Object deserialize(String sessionId, String name, String serialised) {
        try {
            return deserializer.convert(Base64.getDecoder().decode(serialised));
        } catch (RuntimeException e) {
            throw new IllegalStateException("Attribute '" + name + "' of session " + sessionId
                    + " cannot be deserialised (" + e.getMessage() + "); was it stored by another version of the"
                    + " application's classes? Delete the session, or give PikoDBSessionRepository a"
                    + " deserializer that reads it", e);
        }
    }
}
