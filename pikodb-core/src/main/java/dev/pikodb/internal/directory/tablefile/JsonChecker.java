package dev.pikodb.internal.directory.tablefile;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Checks JSON in a byte array as it moves through it, for {@link TableFileScanner}: values are skipped
 * (their bytes are taken as they are), strings read, whitespace and punctuation expected. It accepts
 * RFC 8259 JSON in well-formed UTF-8 (no overlong forms, no encoded surrogates) nested at most
 * {@value #MAX_DEPTH} deep, and a member name only without escaped surrogates (the general reader
 * takes those only as pairs): a strict subset of what Jackson's streaming parser accepts. On anything
 * else it throws {@link Fallback}, which is not an error but a hand-over to the general reader.
 */
class JsonChecker {

    /** Deeper values are left to the general reader. */
    static final int MAX_DEPTH = 512;
    /** Bytes that end a run of plain string content: quote, backslash, control characters, non-ASCII. */
    private static final boolean[] SPECIAL_IN_STRING = new boolean[256];
    /** Eight bytes at a time, the first in the lowest bits. */
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5c5c5c5c5c5c5c5cL;
    private static final long SPACES = 0x2020202020202020L;

    static {
        for (int b = 0; b < 256; b++) {
            SPECIAL_IN_STRING[b] = b < 0x20 || b == '"' || b == '\\' || b >= 0x80;
        }
    }

    /** Leaves the fast path; carries no stack trace (it is not an error). */
    static final class Fallback extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Fallback INSTANCE = new Fallback();

        private Fallback() {
            super("not on the fast path", null, false, false);
        }
    }

    final byte[] in;
    final int end;
    int pos;
    private final boolean[] inObject = new boolean[MAX_DEPTH];
    /** Set by {@link #skipString}: whether the string just read had an escape, and non-ASCII bytes. */
    private boolean escaped;
    private boolean nonAscii;

    JsonChecker(byte[] in) {
        this.in = in;
        this.end = in.length;
    }

    /** Skips one JSON value, checking it. */
    final void skipValue() {
        int depth = 0;
        while (true) {
            // a value starts at pos
            byte b = peek();
            switch (b) {
                case '"' -> {
                    pos++;
                    skipString(false);
                }
                case '{' -> {
                    pos++;
                    whitespace();
                    if (peek() == '}') {
                        pos++;
                    } else {
                        depth = push(depth, true);
                        memberName();
                        continue;
                    }
                }
                case '[' -> {
                    pos++;
                    whitespace();
                    if (peek() == ']') {
                        pos++;
                    } else {
                        depth = push(depth, false);
                        continue;
                    }
                }
                case 't' -> literal('t', 'r', 'u', 'e');
                case 'f' -> {
                    literal('f', 'a', 'l', 's');
                    expect('e');
                }
                case 'n' -> literal('n', 'u', 'l', 'l');
                default -> number();
            }
            // a value ended: close what it ends, or go on to the next element
            while (true) {
                if (depth == 0) {
                    return;
                }
                whitespace();
                byte next = next();
                boolean object = inObject[depth - 1];
                if (next == ',') {
                    whitespace();
                    if (object) {
                        memberName();
                    }
                    break;
                }
                if (next != (object ? '}' : ']')) {
                    throw Fallback.INSTANCE;
                }
                depth--;
            }
        }
    }

    private int push(int depth, boolean object) {
        if (depth == MAX_DEPTH) {
            throw Fallback.INSTANCE;
        }
        inObject[depth] = object;
        return depth + 1;
    }

    /** A member's name and colon, up to its value. */
    private void memberName() {
        expect('"');
        skipString(true);
        whitespace();
        expect(':');
        whitespace();
    }

    private void literal(char a, char b, char c, char d) {
        if (pos + 4 > end || in[pos] != a || in[pos + 1] != b || in[pos + 2] != c || in[pos + 3] != d) {
            throw Fallback.INSTANCE;
        }
        pos += 4;
    }

    /** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?} */
    private void number() {
        if (pos < end && in[pos] == '-') {
            pos++;
        }
        if (pos < end && in[pos] == '0') {
            pos++;
        } else if (digits() == 0) {
            throw Fallback.INSTANCE;
        }
        if (pos < end && in[pos] == '.') {
            pos++;
            if (digits() == 0) {
                throw Fallback.INSTANCE;
            }
        }
        if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
            pos++;
            if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
                pos++;
            }
            if (digits() == 0) {
                throw Fallback.INSTANCE;
            }
        }
    }

    private int digits() {
        int start = pos;
        while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
        return pos - start;
    }

    /** Reads a string after its opening quote and returns its text. */
    final String decodedString(boolean name) {
        int start = pos;
        skipString(name);
        int length = pos - 1 - start;
        if (!escaped) {
            return new String(in, start, length, nonAscii ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        }
        return unescape(start, pos - 1);
    }

    /**
     * Skips a string after its opening quote, up to and including its closing quote, checking its
     * escapes and its UTF-8; sets {@link #escaped} and {@link #nonAscii}.
     *
     * @param name whether the string is an object member's name: the general reader accepts an
     *     escaped surrogate in a name only as part of a pair, so any escaped surrogate there is left to it
     */
    private void skipString(boolean name) {
        boolean sawEscape = false;
        boolean sawNonAscii = false;
        while (true) {
            pos = plainRunEnd(pos);
            if (pos >= end) {
                throw Fallback.INSTANCE;
            }
            int b = in[pos] & 0xff;
            if (b == '"') {
                pos++;
                escaped = sawEscape;
                nonAscii = sawNonAscii;
                return;
            }
            if (b == '\\') {
                sawEscape = true;
                escape(name);
            } else if (b < 0x20) {
                throw Fallback.INSTANCE;
            } else {
                sawNonAscii = true;
                utf8(b);
            }
        }
    }

    /**
     * Where the run of plain string bytes that starts at {@code from} ends: the first quote,
     * backslash, control character or non-ASCII byte, or the end of the input. Tests eight bytes at a
     * time: in each word, the lowest byte flagged is the first special byte (a flag above it may be
     * false, carried from it by the subtractions, and is never looked at).
     */
    private int plainRunEnd(int from) {
        int at = from;
        while (at + Long.BYTES <= end) {
            long word = (long) WORDS.get(in, at);
            long quotes = word ^ QUOTES;
            long backslashes = word ^ BACKSLASHES;
            long special = ((quotes - ONES) & ~quotes | (backslashes - ONES) & ~backslashes | (word - SPACES) | word)
                    & HIGH_BITS;
            if (special != 0) {
                return at + (Long.numberOfTrailingZeros(special) >>> 3);
            }
            at += Long.BYTES;
        }
        while (at < end && !SPECIAL_IN_STRING[in[at] & 0xff]) {
            at++;
        }
        return at;
    }

    /** Checks the escape at pos and skips it. */
    private void escape(boolean name) {
        if (pos + 1 >= end) {
            throw Fallback.INSTANCE;
        }
        switch (in[pos + 1]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> pos += 2;
            case 'u' -> {
                if (pos + 6 > end) {
                    throw Fallback.INSTANCE;
                }
                int code = 0;
                for (int i = pos + 2; i < pos + 6; i++) {
                    int digit = hex(in[i]);
                    if (digit < 0) {
                        throw Fallback.INSTANCE;
                    }
                    code = code << 4 | digit;
                }
                if (name && code >= Character.MIN_SURROGATE && code <= Character.MAX_SURROGATE) {
                    throw Fallback.INSTANCE;
                }
                pos += 6;
            }
            default -> throw Fallback.INSTANCE;
        }
    }

    /** Checks the well-formed UTF-8 sequence (Unicode Table 3-7) that starts with {@code b} at pos, and skips it. */
    private void utf8(int b) {
        int length;
        int low = 0x80;
        int high = 0xbf;
        if (b >= 0xc2 && b <= 0xdf) {
            length = 2;
        } else if (b >= 0xe0 && b <= 0xef) {
            length = 3;
            if (b == 0xe0) {
                low = 0xa0;
            } else if (b == 0xed) {
                high = 0x9f;
            }
        } else if (b >= 0xf0 && b <= 0xf4) {
            length = 4;
            if (b == 0xf0) {
                low = 0x90;
            } else if (b == 0xf4) {
                high = 0x8f;
            }
        } else {
            throw Fallback.INSTANCE;
        }
        if (pos + length > end) {
            throw Fallback.INSTANCE;
        }
        int second = in[pos + 1] & 0xff;
        if (second < low || second > high) {
            throw Fallback.INSTANCE;
        }
        for (int i = pos + 2; i < pos + length; i++) {
            if ((in[i] & 0xc0) != 0x80) {
                throw Fallback.INSTANCE;
            }
        }
        pos += length;
    }

    /** The text of the checked string in {@code in[from, to)}, which has escapes. */
    private String unescape(int from, int to) {
        StringBuilder text = new StringBuilder(to - from);
        int run = from;
        int i = from;
        while (i < to) {
            if (in[i] != '\\') {
                i++;
                continue;
            }
            text.append(new String(in, run, i - run, StandardCharsets.UTF_8));
            byte kind = in[i + 1];
            switch (kind) {
                case 'b' -> text.append('\b');
                case 'f' -> text.append('\f');
                case 'n' -> text.append('\n');
                case 'r' -> text.append('\r');
                case 't' -> text.append('\t');
                case 'u' -> text.append((char) (hex(in[i + 2]) << 12 | hex(in[i + 3]) << 8 | hex(in[i + 4]) << 4
                        | hex(in[i + 5])));
                default -> text.append((char) kind);
            }
            i += kind == 'u' ? 6 : 2;
            run = i;
        }
        text.append(new String(in, run, to - run, StandardCharsets.UTF_8));
        return text.toString();
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    final void whitespace() {
        while (pos < end) {
            byte b = in[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            pos++;
        }
    }

    final byte peek() {
        if (pos >= end) {
            throw Fallback.INSTANCE;
        }
        return in[pos];
    }

    final byte next() {
        if (pos >= end) {
            throw Fallback.INSTANCE;
        }
        return in[pos++];
    }

    final void expect(char c) {
        if (pos >= end || in[pos] != c) {
            throw Fallback.INSTANCE;
        }
        pos++;
    }
}
