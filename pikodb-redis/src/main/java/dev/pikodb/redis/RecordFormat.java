package dev.pikodb.redis;

import dev.pikodb.PikoDBException;
import dev.pikodb.spi.EngineRecord;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a record is stored in its table's hash: the Node.js PikoDB's record object, with the value last
 * so that scripts read the metadata without decoding the value, and a reader can hand the value's
 * bytes out without copying them:
 *
 * <pre>{"v":3,"t":1732400000000,"x":null,"n":"sensors","d":{"s":"DHT22"}}</pre>
 *
 * <p>{@code v} is the version, {@code t} the last-write time, {@code x} the expiration or
 * {@code null}, {@code n} the dictionary name (absent when none), {@code d} the value's JSON exactly
 * as the facade encoded it. The field is readable with {@code redis-cli}, and is the form the Node.js
 * PikoDB writes in its table files. A binary header would save a few bytes per record, but JSON keeps
 * the data inspectable and the scripts simple; the value dominates a record's size anyway.
 */
final class RecordFormat {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] V = bytes("{\"v\":");
    private static final byte[] T = bytes(",\"t\":");
    private static final byte[] X = bytes(",\"x\":");
    private static final byte[] N = bytes(",\"n\":");
    private static final byte[] D = bytes(",\"d\":");
    private static final byte[] NULL = bytes("null");

    private RecordFormat() {
    }

    /**
     * The part of a record that names its dictionary, which the write script puts before the value.
     *
     * @param dictionaryName the name, or {@code null}
     * @return {@code ,"n":"<name>"} with the name JSON-escaped, or empty
     */
    static byte[] dictionaryField(String dictionaryName) {
        if (dictionaryName == null) {
            return new byte[0];
        }
        return bytes(",\"n\":" + JSON.writeValueAsString(dictionaryName));
    }

    /**
     * A whole stored record, as the write script makes it: for copying a record in with its version
     * and timestamp.
     *
     * @param record the record
     * @return its stored form
     */
    static byte[] format(EngineRecord record) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(record.jsonLength() + 64);
        out.writeBytes(V);
        out.writeBytes(bytes(Long.toString(record.version())));
        out.writeBytes(T);
        out.writeBytes(bytes(Long.toString(record.timestamp())));
        out.writeBytes(X);
        out.writeBytes(record.expiration() == null ? NULL : bytes(record.expiration().toString()));
        out.writeBytes(dictionaryField(record.dictionaryName()));
        out.writeBytes(D);
        out.write(record.jsonArray(), record.jsonOffset(), record.jsonLength());
        out.writeBytes(bytes("}"));
        return out.toByteArray();
    }

    /**
     * Reads a stored record.
     *
     * @param table the table, for messages
     * @param key the key, for messages
     * @param stored the hash field's value
     * @return the record, its value a view of {@code stored}
     * @throws PikoDBException when the bytes are not a record of this form
     */
    static EngineRecord parse(String table, String key, byte[] stored) {
        try {
            Cursor c = new Cursor(stored);
            c.expect(V);
            long version = c.number();
            c.expect(T);
            long timestamp = c.number();
            c.expect(X);
            Long expiration = c.at(NULL) ? c.skip(NULL) : Long.valueOf(c.number());
            String dictionaryName = null;
            if (c.at(N)) {
                c.skip(N);
                int start = c.pos;
                c.string();
                dictionaryName = JSON.readValue(stored, start, c.pos - start, String.class);
            }
            c.expect(D);
            int end = stored.length - 1;
            if (end < c.pos || stored[end] != '}') {
                throw new IllegalArgumentException("no closing brace");
            }
            return new RedisRecord(stored, c.pos, end - c.pos, version, timestamp, expiration, dictionaryName);
        } catch (RuntimeException e) {
            throw new PikoDBException("Record '" + key + "' of table '" + table + "' is not a PikoDB record ("
                    + e.getMessage() + "); was it written by something else under the same key prefix?", e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A position in a stored record. */
    private static final class Cursor {
        private final byte[] bytes;
        private int pos;

        Cursor(byte[] bytes) {
            this.bytes = bytes;
        }

        boolean at(byte[] token) {
            if (pos + token.length > bytes.length) {
                return false;
            }
            for (int i = 0; i < token.length; i++) {
                if (bytes[pos + i] != token[i]) {
                    return false;
                }
            }
            return true;
        }

        Long skip(byte[] token) {
            pos += token.length;
            return null;
        }

        void expect(byte[] token) {
            if (!at(token)) {
                throw new IllegalArgumentException("expected " + new String(token, StandardCharsets.UTF_8)
                        + " at byte " + pos);
            }
            pos += token.length;
        }

        /** Reads an integer; up to 18 digits without making a string, longer ones with {@link Long#parseLong}. */
        long number() {
            int start = pos;
            boolean negative = pos < bytes.length && bytes[pos] == '-';
            if (negative) {
                pos++;
            }
            int first = pos;
            while (pos < bytes.length && bytes[pos] >= '0' && bytes[pos] <= '9') {
                pos++;
            }
            if (pos == first || pos - first > 18) {
                return Long.parseLong(new String(bytes, start, pos - start, StandardCharsets.US_ASCII));
            }
            long value = 0;
            for (int i = first; i < pos; i++) {
                value = value * 10 + (bytes[i] - '0');
            }
            return negative ? -value : value;
        }

        /** Skips a JSON string, escapes included. */
        void string() {
            if (pos >= bytes.length || bytes[pos] != '"') {
                throw new IllegalArgumentException("expected a string at byte " + pos);
            }
            pos++;
            while (pos < bytes.length && bytes[pos] != '"') {
                pos += bytes[pos] == '\\' ? 2 : 1;
            }
            if (pos >= bytes.length) {
                throw new IllegalArgumentException("unterminated string");
            }
            pos++;
        }
    }

    /** A record over the stored bytes. */
    private record RedisRecord(byte[] jsonArray, int jsonOffset, int jsonLength, long version, long timestamp,
            Long expiration, String dictionaryName) implements EngineRecord {
    }
}
