package dev.pikodb.redis;

import dev.pikodb.spi.IndexValue;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The members of a bucket's index sorted set ({@code <tag>:i}, see {@link KeySpace}): byte strings
 * whose byte order ({@code ZRANGEBYLEX}) is the order of {@link IndexValue#compareTo} and then of the
 * record key in code point order, so one sorted set serves equality, ranges, prefixes and ordering.
 *
 * <pre>
 * member  = id value key         an entry of index id for one value of the record
 *         | id ABSENT key        the record has no value at the index's path
 *         | "00000000:" key      the key index every table has (id 0)
 * id      = 8 lowercase hex digits of the index id, then ':'
 * value   = 0x01 ('0' | '1')                                 a boolean
 *         | 0x02 0x02                                        the number 0
 *         | 0x02 0x03 exponent digits 0x00                   a positive number 0.digits x 10^exponent
 *         | 0x02 0x01 ~exponent ninesComplement(digits) 0xFF  a negative number
 *         | 0x03 escaped(UTF-8) 0x00                         a string; 0x00 as 0x01 0x01, 0x01 as 0x01 0x02
 * ABSENT  = 0x04
 * </pre>
 *
 * The exponent is 8 bytes big-endian of {@code exponent ^ Long.MIN_VALUE}; digits are the ASCII
 * digits of the exact decimal without trailing zeros (the first one never 0), so numbers compare
 * exactly ({@code 2^53} and {@code 2^53+1} differ). Every value encoding ends where a reader can tell
 * (self-delimiting), so no encoding is a prefix of another and the key that follows never changes the
 * order of two different values. Record keys and strings are valid UTF-8 and never hold 0xFF, so
 * {@code prefix + 0xFF} bounds every member that starts with {@code prefix}.
 */
final class IndexCodec {

    static final byte BOOLEAN = 1;
    static final byte NUMBER = 2;
    static final byte STRING = 3;
    static final byte ABSENT = 4;
    /** The id of the key index. */
    static final long KEY_INDEX = 0;

    private IndexCodec() {
    }

    /** The prefix of every member of an index. */
    static byte[] id(long id) {
        String hex = Long.toHexString(id);
        byte[] prefix = new byte[Math.max(8, hex.length()) + 1];
        int pad = prefix.length - 1 - hex.length();
        Arrays.fill(prefix, 0, pad, (byte) '0');
        for (int i = 0; i < hex.length(); i++) {
            prefix[pad + i] = (byte) hex.charAt(i);
        }
        prefix[prefix.length - 1] = ':';
        return prefix;
    }

    /** The encoding of a value (without id and key). */
    static byte[] value(IndexValue value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16);
        switch (value.kind()) {
            case BOOLEAN -> {
                out.write(BOOLEAN);
                out.write((Boolean) value.value() ? '1' : '0');
            }
            case NUMBER -> number(out, (BigDecimal) value.value());
            case STRING -> {
                out.write(STRING);
                for (byte b : ((String) value.value()).getBytes(StandardCharsets.UTF_8)) {
                    if (b == 0 || b == 1) {
                        out.write(1);
                        out.write(b + 1);
                    } else {
                        out.write(b);
                    }
                }
                out.write(0);
            }
            default -> throw new IllegalArgumentException(value.toString());
        }
        return out.toByteArray();
    }

    /** The encoding of a string prefix: every string value that starts with it starts with these bytes. */
    static byte[] stringPrefix(String prefix) {
        byte[] full = value(IndexValue.string(prefix));
        return Arrays.copyOf(full, full.length - 1);
    }

    private static void number(ByteArrayOutputStream out, BigDecimal number) {
        out.write(NUMBER);
        int sign = number.signum();
        if (sign == 0) {
            out.write(2);
            return;
        }
        BigDecimal magnitude = number.abs().stripTrailingZeros();
        String digits = magnitude.unscaledValue().toString();
        long exponent = (long) digits.length() - magnitude.scale();
        long biased = exponent ^ Long.MIN_VALUE;
        out.write(sign > 0 ? 3 : 1);
        for (int shift = 56; shift >= 0; shift -= 8) {
            int b = (int) (biased >>> shift) & 0xFF;
            out.write(sign > 0 ? b : ~b & 0xFF);
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            out.write(sign > 0 ? c : '9' - c + '0');
        }
        out.write(sign > 0 ? 0 : 0xFF);
    }

    /** A member: id, value encoding (or none for the key index), key. */
    static byte[] member(byte[] id, byte[] value, String key) {
        byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
        byte[] member = new byte[id.length + value.length + utf8.length];
        System.arraycopy(id, 0, member, 0, id.length);
        System.arraycopy(value, 0, member, id.length, value.length);
        System.arraycopy(utf8, 0, member, id.length + value.length, utf8.length);
        return member;
    }

    /** Where the value encoding that starts at {@code from} ends (exclusive). */
    static int valueEnd(byte[] member, int from) {
        switch (member[from]) {
            case BOOLEAN:
                return from + 2;
            case ABSENT:
                return from + 1;
            case STRING:
                for (int i = from + 1; ; i++) {
                    if (member[i] == 0) {
                        return i + 1;
                    }
                }
            case NUMBER:
                if (member[from + 1] == 2) {
                    return from + 2;
                }
                byte end = member[from + 1] == 3 ? 0 : (byte) 0xFF;
                for (int i = from + 10; ; i++) {
                    if (member[i] == end) {
                        return i + 1;
                    }
                }
            default:
                throw new IllegalArgumentException("not an index member");
        }
    }

    /** A bound of a lex range: {@code [bytes} or {@code (bytes}. */
    static byte[] bound(boolean inclusive, byte[]... parts) {
        int length = 1;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] bound = new byte[length];
        bound[0] = (byte) (inclusive ? '[' : '(');
        int at = 1;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, bound, at, part.length);
            at += part.length;
        }
        return bound;
    }

    static final byte[] FF = {(byte) 0xFF};
}
