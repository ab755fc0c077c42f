package dev.pikodb.spring.cache;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Maps cache names to table names, one to one, so that any name Spring code uses is a cache.
 *
 * <p>The cache {@code n} is the table {@code cache-} followed by {@code n} with:
 * <ul>
 * <li>{@code A-Z a-z 0-9 _ -} kept as they are, so simple names stay readable ({@code books} is
 * {@code cache-books});</li>
 * <li>{@code .} kept, except where the table name would break a rule (a {@code .} followed by
 * {@code .}, a {@code .} at the end, a {@code .} followed by {@code tmp} at the end or before a
 * {@code .}), where it is written {@code %2E};</li>
 * <li>every other character written as the bytes of its UTF-8 form, each as {@code %} and two
 * upper-case hex digits: {@code users::byId} is {@code cache-users%3A%3AbyId}, {@code my cache} is
 * {@code cache-my%20cache}, {@code café} is {@code cache-caf%C3%A9}.</li>
 * </ul>
 * Percent-decoding gives the name back, so two names never share a table; the result contains no
 * {@code /}, {@code \}, {@code ..}, NUL, space or other character a file system or Redis treats
 * specially, and is the same on every storage engine. A result longer than a table name may be (255
 * bytes) is cut to its first {@value #KEPT} characters (never inside a {@code %XX}) followed by
 * {@code ~} and the hex SHA-256 of the name's UTF-8 bytes; {@code ~} appears in no other result, so
 * such names cannot meet a short one either. Names differing only in case are different tables,
 * which share one file on a case-insensitive file system, as any two such table names do.
 *
 * <p>Every name that caches could have before this mapping (1 to 200 characters from
 * {@code A-Z a-z 0-9 . _ -} without {@code ..}, {@code .tmp.} or a {@code .tmp} ending) maps to the
 * same table as before, except for names ending in {@code .}.
 */
final class CacheTableNames {

    /** The prefix of every cache table. */
    static final String PREFIX = "cache-";

    private static final int MAX_TABLE_BYTES = 255;

    private static final char HASHED = '~';

    private static final int HASH_HEX = 64;

    /** Characters of the encoded name kept before {@code ~<sha256>} when the name is too long. */
    static final int KEPT = MAX_TABLE_BYTES - 6 - 1 - HASH_HEX;

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private CacheTableNames() {
    }

    /**
     * The table of a cache.
     *
     * @param cacheName any non-empty name that is valid Unicode
     * @return the table name
     * @throws IllegalArgumentException for a null or empty name, or one with an unpaired surrogate
     */
    static String tableName(String cacheName) {
        if (cacheName == null || cacheName.isEmpty()) {
            throw new IllegalArgumentException("A cache name must not be " + (cacheName == null ? "null" : "empty")
                    + "; give the cache a name (any text: it is mapped to the table 'cache-<name>')");
        }
        StringBuilder encoded = new StringBuilder(PREFIX.length() + cacheName.length());
        encoded.append(PREFIX);
        int length = cacheName.length();
        for (int i = 0; i < length; i++) {
            char c = cacheName.charAt(i);
            if (isKept(c)) {
                encoded.append(c);
            }
            else if (c == '.') {
                encoded.append(dotNeedsEscape(cacheName, i) ? "%2E" : ".");
            }
            else {
                int end = i + 1;
                if (Character.isHighSurrogate(c) && end < length && Character.isLowSurrogate(cacheName.charAt(end))) {
                    end++;
                }
                else if (Character.isSurrogate(c)) {
                    throw new IllegalArgumentException("Cache name '" + cacheName.replace(c, '?') + "' is not valid"
                            + " Unicode (it has an unpaired surrogate character at index " + i + "); fix the name");
                }
                for (byte b : cacheName.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    encoded.append('%').append(HEX.toHexDigits(b));
                }
                i = end - 1;
            }
        }
        if (encoded.length() <= MAX_TABLE_BYTES) {
            return encoded.toString();
        }
        int kept = PREFIX.length() + KEPT;
        // never cut a %XX in two
        if (encoded.charAt(kept - 1) == '%') {
            kept -= 1;
        }
        else if (encoded.charAt(kept - 2) == '%') {
            kept -= 2;
        }
        return encoded.substring(0, kept) + HASHED + sha256(cacheName);
    }

    /**
     * The cache a table holds, when the table is a cache's.
     *
     * @param table a table name
     * @return the cache name, or {@code null} when the table is no cache's table or its name was cut
     *     (a long name, known only to the caches created with it)
     */
    static String cacheName(String table) {
        if (!table.startsWith(PREFIX) || table.indexOf(HASHED) >= 0) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(table.length());
        for (int i = PREFIX.length(); i < table.length(); i++) {
            char c = table.charAt(i);
            if (c == '%') {
                if (i + 2 >= table.length() || !HexFormat.isHexDigit(table.charAt(i + 1))
                        || !HexFormat.isHexDigit(table.charAt(i + 2))) {
                    return null;
                }
                bytes.write(HexFormat.fromHexDigits(table, i + 1, i + 3));
                i += 2;
            }
            else if (c < 0x80) {
                bytes.write(c);
            }
            else {
                return null;
            }
        }
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes.toByteArray()))
                .toString();
        }
        catch (CharacterCodingException ex) {
            return null;
        }
        // Only the table this name maps to is its cache ('cache-a%41' is a table, but not a cache's).
        return (!name.isEmpty() && tableName(name).equals(table)) ? name : null;
    }

    private static boolean isKept(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    /** Whether a '.' would, kept, make '..', end the name, or make '.tmp' at the end or before a '.'. */
    private static boolean dotNeedsEscape(String name, int at) {
        int next = at + 1;
        if (next == name.length() || name.charAt(next) == '.') {
            return true;
        }
        if (name.startsWith("tmp", next)) {
            int after = next + 3;
            return after == name.length() || name.charAt(after) == '.';
        }
        return false;
    }

    private static String sha256(String name) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(name.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", ex);
        }
    }
}
