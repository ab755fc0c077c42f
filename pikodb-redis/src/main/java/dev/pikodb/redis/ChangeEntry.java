package dev.pikodb.redis;

import dev.pikodb.ChangeEvent;
import io.lettuce.core.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One entry of a bucket's change stream, as the record scripts append it (see {@link Scripts}).
 *
 * @param id the stream entry's id
 * @param seq the stream's sequence number of the entry
 * @param kind {@code w} written, {@code d} deleted, {@code x} expired, {@code t} table deleted
 * @param key the record key ({@code ""} for a table deletion)
 * @param previous the version before the change; for a table deletion the dropped generation
 * @param version the version after the change
 * @param origin the id of the instance that made the change
 * @param generation the table's generation in the bucket when the change was made
 */
record ChangeEntry(String id, long seq, char kind, String key, long previous, long version, String origin,
        long generation) {

    /** Reads an entry; fields of a later layout are ignored. */
    static ChangeEntry of(StreamMessage<byte[], byte[]> message) {
        long seq = -1;
        long generation = 0;
        char kind = '?';
        String key = null;
        long previous = 0;
        long version = 0;
        String origin = null;
        for (Map.Entry<byte[], byte[]> field : message.getBody().entrySet()) {
            byte[] value = field.getValue();
            switch (field.getKey()[0]) {
                case 's' -> seq = number(value);
                case 'e' -> kind = value.length == 0 ? '?' : (char) value[0];
                case 'k' -> key = new String(value, StandardCharsets.UTF_8);
                case 'p' -> previous = number(value);
                case 'v' -> version = number(value);
                case 'o' -> origin = new String(value, StandardCharsets.UTF_8);
                case 'g' -> generation = number(value);
                default -> {
                    // a field of a later layout
                }
            }
        }
        return new ChangeEntry(message.getId(), seq, kind, key, previous, version, origin, generation);
    }

    /** Whether a stream entry is a table's deletion, read without decoding the entry. */
    static boolean isDeletion(StreamMessage<byte[], byte[]> message) {
        for (Map.Entry<byte[], byte[]> field : message.getBody().entrySet()) {
            if (field.getKey().length == 1 && field.getKey()[0] == 'e') {
                return field.getValue().length == 1 && field.getValue()[0] == 't';
            }
        }
        return false;
    }

    /** A decimal number as the scripts write it (digits, perhaps a leading minus). */
    private static long number(byte[] digits) {
        if (digits.length == 0 || digits.length > 18 || (digits.length == 1 && digits[0] == '-')) {
            return Long.parseLong(new String(digits, StandardCharsets.US_ASCII));
        }
        boolean negative = digits[0] == '-';
        long value = 0;
        for (int i = negative ? 1 : 0; i < digits.length; i++) {
            int digit = digits[i] - '0';
            if (digit < 0 || digit > 9) {
                return Long.parseLong(new String(digits, StandardCharsets.US_ASCII));
            }
            value = value * 10 + digit;
        }
        return negative ? -value : value;
    }

    /** Whether the entry is a table's deletion. */
    boolean deletion() {
        return kind == 't';
    }

    /** The generation the entry belongs to: for a deletion, the one it dropped. */
    long generationOf() {
        return deletion() ? previous : generation;
    }

    /** The change as listeners receive it; {@code null} for an entry of an unknown kind. */
    ChangeEvent event(String table) {
        return switch (kind) {
            case 'w' -> new ChangeEvent(ChangeEvent.Kind.WRITTEN, table, key, previous, version, 0, origin);
            case 'd' -> new ChangeEvent(ChangeEvent.Kind.DELETED, table, key, previous, 0, 0, origin);
            case 'x' -> new ChangeEvent(ChangeEvent.Kind.EXPIRED, table, key, previous, 0, 0, origin);
            case 't' -> new ChangeEvent(ChangeEvent.Kind.TABLE_DELETED, table, null, 0, 0, 0, origin);
            default -> null;
        };
    }

    /** One field of an entry of a change stream or of the stream of listed tables. */
    static String field(StreamMessage<byte[], byte[]> message, char name) {
        for (Map.Entry<byte[], byte[]> field : message.getBody().entrySet()) {
            if (field.getKey().length == 1 && field.getKey()[0] == name) {
                return new String(field.getValue(), StandardCharsets.UTF_8);
            }
        }
        throw new IllegalStateException("Entry " + message.getId() + " of stream "
                + new String(message.getStream(), StandardCharsets.UTF_8) + " has no field '" + name
                + "'; it was not written by PikoDB: remove the stream");
    }
}
