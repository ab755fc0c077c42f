package dev.pikodb.spring.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import org.springframework.util.ObjectUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Maps Spring cache keys to PikoDB keys.
 *
 * <p>A {@code String} is used as it is; numbers, booleans, characters, enums (their name), {@link UUID}s,
 * arrays and any object whose class declares its own {@code toString()} (Spring's
 * {@link org.springframework.cache.interceptor.SimpleKey}, records, {@code java.time} types) are used
 * through their string form. So {@code 42} and {@code "42"} are the same key, as in every cache that
 * stores keys as strings. A key whose class has no {@code toString()} of its own is refused: its
 * identity-based string would change on every restart.
 *
 * <p>A string that PikoDB cannot take as a key (empty, longer than 1024 characters, containing NUL or an
 * unpaired surrogate) and any string starting with {@code #} is replaced by {@code #sha256:} followed by
 * the hex SHA-256 of its UTF-16 code units, so the mapping stays one-to-one.
 */
final class CacheKeys {

    static final String HASH_PREFIX = "#sha256:";

    private static final int MAX_KEY_LENGTH = 1024;

    private CacheKeys() {
    }

    static String toStoreKey(String cacheName, Object key) {
        if (key == null) {
            throw new IllegalArgumentException("Cache '" + cacheName + "' cannot use a null key");
        }
        String text = asString(cacheName, key);
        return needsHash(text) ? hash(text) : text;
    }

    private static String asString(String cacheName, Object key) {
        if (key instanceof String string) {
            return string;
        }
        if (key instanceof Enum<?> constant) {
            return constant.name();
        }
        if (key instanceof Number || key instanceof Boolean || key instanceof Character || key instanceof UUID) {
            return key.toString();
        }
        if (key.getClass().isArray()) {
            return ObjectUtils.nullSafeToString(key);
        }
        if (ReflectionUtils.findMethod(key.getClass(), "toString").getDeclaringClass() == Object.class) {
            throw new IllegalArgumentException("Cache '" + cacheName + "' cannot use a key of type "
                    + key.getClass().getName() + ": the class does not declare toString(), so its string form would"
                    + " change on every restart. Give the class a toString() that identifies the key, or use a"
                    + " String key (for example with a KeyGenerator or a 'key' expression on the annotation).");
        }
        return key.toString();
    }

    private static boolean needsHash(String text) {
        if (text.isEmpty() || text.length() > MAX_KEY_LENGTH || text.charAt(0) == '#') {
            return true;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return true;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return true;
                }
                i++;
            }
            else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static String hash(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HASH_PREFIX + HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_16BE)));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", ex);
        }
    }
}
