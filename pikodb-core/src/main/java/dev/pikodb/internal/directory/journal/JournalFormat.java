package dev.pikodb.internal.directory.journal;

import dev.pikodb.internal.Validation;
import dev.pikodb.internal.directory.records.StoredRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The journal file format: how writes are framed, checksummed and decoded.
 *
 * <pre>
 * journal  := header frame*
 * header   := magic "PIKOJRN1" (8 bytes) | nameLength u16 | tableName UTF-8 | crc u32
 *             (crc = CRC-32C of the name bytes; the full table name, so a shortened file name still
 *             tells which table the journal belongs to)
 * frame    := length u32 | crc u32 | payload (length bytes)
 *             length is 1..{@link #MAX_PAYLOAD}; crc = CRC-32C of the payload
 * payload  := SET    0x01 | keyLength u16 | key UTF-8 | version i64 | timestamp i64 | flags u8
 *                          | [expiration i64 when flags bit 0] | dictionaryLength u16 | dictionary UTF-8
 *                          | value JSON (the rest of the payload)
 *           | DELETE 0x02 | keyLength u16 | key UTF-8
 *           | SET    0x03 | keyChars u32 | key UTF-16BE | (the rest as for 0x01)
 *           | DELETE 0x04 | keyChars u32 | key UTF-16BE
 * </pre>
 *
 * Keys are written in UTF-8 with a 16-bit length (types 0x01, 0x02) whenever they can be. A key that
 * has no UTF-8 form (an unpaired surrogate) or whose UTF-8 form is longer than 65,535 bytes (keys the
 * Node.js PikoDB accepted) is written as its exact UTF-16 code units instead (types 0x03, 0x04), so
 * that every key reads back exactly as it was, never with a replacement character.
 *
 * All integers are big-endian. A frame carries the complete new state of its key (not a difference),
 * so replaying a frame twice gives the same table: this is what makes compaction crash-safe (see
 * {@code Table}). A frame is valid only when it is complete and its checksum matches; a length of 0
 * (a run of zero bytes, as a file system may leave after a crash) is never valid.
 */
public final class JournalFormat {

    public static final byte[] MAGIC = "PIKOJRN1".getBytes(StandardCharsets.US_ASCII);
    static final int FRAME_HEADER = 8;
    static final int MAX_PAYLOAD = 1 << 30;
    static final byte SET = 1;
    static final byte DELETE = 2;
    static final byte SET_UTF16_KEY = 3;
    static final byte DELETE_UTF16_KEY = 4;
    private static final byte FLAG_EXPIRES = 1;

    private JournalFormat() {
    }

    public static byte[] header(String table) {
        byte[] name = table.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + 2 + name.length + 4);
        buffer.put(MAGIC).putShort((short) name.length).put(name).putInt(crc(name, 0, name.length));
        return buffer.array();
    }

    /**
     * Reads a journal header.
     *
     * @return the table name and the header's length, or {@code null} when the bytes do not start with
     *     a complete, valid header
     */
    public static Header readHeader(byte[] bytes) {
        if (bytes.length < MAGIC.length + 2 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        int nameLength = ((bytes[8] & 0xff) << 8) | (bytes[9] & 0xff);
        int end = 10 + nameLength + 4;
        if (bytes.length < end) {
            return null;
        }
        int storedCrc = ByteBuffer.wrap(bytes, 10 + nameLength, 4).getInt();
        if (storedCrc != crc(bytes, 10, nameLength)) {
            return null;
        }
        return new Header(new String(bytes, 10, nameLength, StandardCharsets.UTF_8), end);
    }

    public record Header(String table, int length) {
    }

    /**
     * Frames a write, in {@code scratch} when it is large enough (its content is overwritten), else in
     * a new buffer; either way the frame is the returned buffer's content.
     *
     * @param scratch a buffer to reuse, or {@code null}
     */
    public static ByteBuffer setFrame(String key, StoredRecord record, ByteBuffer scratch) {
        int asciiKey = asciiLength(key);
        byte[] keyBytes = asciiKey >= 0 ? null : utf8Key(key);
        byte[] dictionary = record.dictionaryName == null ? null
                : record.dictionaryName.getBytes(StandardCharsets.UTF_8);
        int dictionaryLength = dictionary == null ? 0 : dictionary.length;
        int payload = 1 + keyField(key, asciiKey, keyBytes) + 8 + 8 + 1 + (record.expires ? 8 : 0) + 2
                + dictionaryLength + record.valueLength();
        ByteBuffer frame = buffer(FRAME_HEADER + payload, scratch);
        frame.putInt(payload).putInt(0);
        putKey(frame, asciiKey >= 0 || keyBytes != null ? SET : SET_UTF16_KEY, key, asciiKey, keyBytes);
        frame.putLong(record.version).putLong(record.timestamp);
        frame.put(record.expires ? FLAG_EXPIRES : 0);
        if (record.expires) {
            frame.putLong(record.expiration);
        }
        frame.putShort((short) dictionaryLength);
        if (dictionary != null) {
            frame.put(dictionary);
        }
        frame.put(record.bytes, record.valueOffset, record.valueLength());
        return seal(frame, payload);
    }

    /** Frames a delete, in {@code scratch} when it is large enough, as {@link #setFrame} does. */
    public static ByteBuffer deleteFrame(String key, ByteBuffer scratch) {
        int asciiKey = asciiLength(key);
        byte[] keyBytes = asciiKey >= 0 ? null : utf8Key(key);
        int payload = 1 + keyField(key, asciiKey, keyBytes);
        ByteBuffer frame = buffer(FRAME_HEADER + payload, scratch);
        frame.putInt(payload).putInt(0);
        putKey(frame, asciiKey >= 0 || keyBytes != null ? DELETE : DELETE_UTF16_KEY, key, asciiKey, keyBytes);
        return seal(frame, payload);
    }

    private static ByteBuffer buffer(int length, ByteBuffer scratch) {
        if (scratch != null && scratch.hasArray() && scratch.arrayOffset() == 0 && scratch.capacity() >= length) {
            return scratch.clear().limit(length);
        }
        return ByteBuffer.allocate(length);
    }

    /**
     * The key's length when every character is ASCII (its UTF-8 form is then one byte per character,
     * written without an intermediate array) and it fits a 16-bit length, else -1.
     */
    private static int asciiLength(String key) {
        int length = key.length();
        if (length > 0xffff) {
            return -1;
        }
        for (int i = 0; i < length; i++) {
            if (key.charAt(i) >= 0x80) {
                return -1;
            }
        }
        return length;
    }

    private static int keyField(String key, int asciiKey, byte[] keyBytes) {
        if (asciiKey >= 0) {
            return 2 + asciiKey;
        }
        return keyBytes != null ? 2 + keyBytes.length : 4 + 2 * key.length();
    }

    /** The key's UTF-8 form when it has one that fits a 16-bit length, else {@code null}. */
    private static byte[] utf8Key(String key) {
        if (key.length() > 0xffff || Validation.hasUnpairedSurrogate(key)) {
            return null;
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= 0xffff ? bytes : null;
    }

    private static void putKey(ByteBuffer frame, byte type, String key, int asciiKey, byte[] utf8) {
        frame.put(type);
        if (asciiKey >= 0) {
            frame.putShort((short) asciiKey);
            for (int i = 0; i < asciiKey; i++) {
                frame.put((byte) key.charAt(i));
            }
        } else if (utf8 != null) {
            frame.putShort((short) utf8.length).put(utf8);
        } else {
            frame.putInt(key.length());
            for (int i = 0; i < key.length(); i++) {
                frame.putChar(key.charAt(i));
            }
        }
    }

    private static ByteBuffer seal(ByteBuffer frame, int payload) {
        frame.putInt(4, crc(frame.array(), FRAME_HEADER, payload));
        return frame.flip();
    }

    static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /** One decoded frame: a key and its new record, or {@code null} for a delete. */
    record Entry(String key, StoredRecord record) {
    }

    /**
     * Decodes a payload whose checksum has been verified.
     *
     * @throws IllegalArgumentException when the payload is not a well-formed SET or DELETE
     */
    static Entry decode(byte[] bytes, int offset, int length, Interner dictionaries) {
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        try {
            byte type = in.get();
            boolean utf16 = type == SET_UTF16_KEY || type == DELETE_UTF16_KEY;
            String key = utf16 ? utf16(in, in.getInt()) : string(in, in.getShort() & 0xffff);
            if ((type == DELETE || type == DELETE_UTF16_KEY) && !in.hasRemaining()) {
                return new Entry(key, null);
            }
            if (type != SET && type != SET_UTF16_KEY) {
                throw new IllegalArgumentException("unknown frame type " + type);
            }
            long version = in.getLong();
            long timestamp = in.getLong();
            byte flags = in.get();
            Long expiration = (flags & FLAG_EXPIRES) != 0 ? in.getLong() : null;
            int dictionaryLength = in.getShort() & 0xffff;
            String dictionary = dictionaryLength == 0 ? null : dictionaries.intern(string(in, dictionaryLength));
            int from = in.arrayOffset() + in.position();
            int to = in.arrayOffset() + in.limit();
            if (from == to) {
                throw new IllegalArgumentException("empty value");
            }
            return new Entry(key, StoredRecord.of(bytes, from, to, version, timestamp, expiration, dictionary));
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("payload shorter than its fields", e);
        }
    }

    private static String utf16(ByteBuffer in, int chars) {
        if (chars < 0 || chars > in.remaining() / 2) {
            throw new IllegalArgumentException("key length " + chars + " beyond the payload");
        }
        char[] key = new char[chars];
        for (int i = 0; i < chars; i++) {
            key[i] = in.getChar();
        }
        return new String(key);
    }

    private static String string(ByteBuffer in, int length) {
        String text = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return text;
    }

    /** Shares one String instance per dictionary name among all records. */
    @FunctionalInterface
    public interface Interner {
        String intern(String name);
    }
}
