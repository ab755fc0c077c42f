package dev.pikodb.redis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The Redis keys of one database (one key prefix).
 *
 * <p>A table {@code T} lives under the hash tag {@code {<prefix>:<escaped T>}}, so that its keys
 * share one cluster slot (scripts touch them together) while different tables spread over the
 * masters of a cluster:
 * <ul>
 * <li>{@code {<prefix>:<T>}} – a hash: field = record key, value = the record;</li>
 * <li>{@code {<prefix>:<T>}:x} – a sorted set of the keys that expire, scored by expiration.</li>
 * </ul>
 * The database's own keys live under the tag {@code {<prefix>}}, one slot for all of them:
 * {@code {<prefix>}:tables} (a set of table names) and {@code {<prefix>}:dictionaries} (a hash:
 * dictionary name to its deflate mapping as JSON).
 *
 * <p><b>Escaping.</b> In a table name, the bytes {@code %}, <code>{</code>, <code>}</code> and
 * {@code :} are written as {@code %XX} (their UTF-8 code in hex). An escaped name thus contains no
 * brace (it cannot end a hash tag early) and no colon, so the last colon inside a tag separates the
 * prefix from the table: two different (prefix, table) pairs never give the same key, and a table
 * key never equals a database key (a table tag always contains a colon after the prefix, the
 * database tag is the prefix alone, and the key prefix may not contain a brace).
 */
final class KeySpace {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String prefix;
    private final byte[] tables;
    private final byte[] dictionaries;

    KeySpace(String prefix) {
        this.prefix = prefix;
        this.tables = bytes("{" + prefix + "}:tables");
        this.dictionaries = bytes("{" + prefix + "}:dictionaries");
    }

    /**
     * Checks a key prefix.
     *
     * @param prefix the prefix
     * @throws IllegalArgumentException when it is empty or holds a brace
     */
    static void checkPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("keyPrefix must be a non-empty string, e.g. \"pikodb\"");
        }
        if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("keyPrefix '" + prefix + "' must not contain '{' or '}': "
                    + "PikoDB puts the prefix inside Redis Cluster hash tags");
        }
    }

    String prefix() {
        return prefix;
    }

    /** The set of table names. */
    byte[] tablesKey() {
        return tables;
    }

    /** The hash of dictionaries kept with the data. */
    byte[] dictionariesKey() {
        return dictionaries;
    }

    /**
     * The keys of a table, in the order the scripts take them: the records hash, then the sorted set
     * of expirations.
     *
     * @param table a valid table name
     * @return the two keys
     */
    byte[][] table(String table) {
        String tag = "{" + prefix + ":" + escape(table) + "}";
        return new byte[][] {bytes(tag), bytes(tag + ":x")};
    }

    /**
     * Escapes a table name for use inside a hash tag (see the class comment).
     *
     * @param table the table name
     * @return the escaped name
     */
    static String escape(String table) {
        byte[] utf8 = bytes(table);
        ByteArrayOutputStream out = new ByteArrayOutputStream(utf8.length + 8);
        for (byte b : utf8) {
            if (b == '%' || b == '{' || b == '}' || b == ':') {
                out.write('%');
                out.write(HEX[(b >> 4) & 0xF]);
                out.write(HEX[b & 0xF]);
            } else {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
