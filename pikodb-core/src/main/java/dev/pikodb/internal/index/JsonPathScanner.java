package dev.pikodb.internal.index;

import dev.pikodb.spi.IndexValue;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Finds the values of a tree of paths ({@link PathValues.Node}) in a record's JSON by scanning its
 * bytes, without a parser object: field names are compared as bytes, values the paths do not reach
 * are skipped, integers of up to 18 digits are read straight into a {@code long}. The JSON is the
 * valid JSON a table holds. Strings or field names with escapes, and objects with more than 64
 * wanted fields, are left to Jackson: {@link #scan} returns false for them.
 */
final class JsonPathScanner {

    /** Thrown (without a stack trace) when the scanner leaves a record to Jackson. */
    private static final class Unhandled extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Unhandled INSTANCE = new Unhandled();

        private Unhandled() {
            super(null, null, false, false);
        }
    }

    private static final int MAX_LONG_DIGITS = 18;

    private final byte[] json;
    private final List<Collection<Object>> out;
    private int at;

    private JsonPathScanner(byte[] json, int from, List<Collection<Object>> out) {
        this.json = json;
        this.at = from;
        this.out = out;
    }

    /**
     * Collects the values the paths through {@code root} find in {@code json[from, to)} into {@code out}.
     *
     * @return false if the record has to be read with Jackson ({@code out} may hold part of the values)
     */
    static boolean scan(byte[] json, int from, int to, PathValues.Node root, List<Collection<Object>> out) {
        if (from >= to || to != json.length) {
            // The scanner stops at the end of the array, so the JSON has to end there.
            return false;
        }
        try {
            JsonPathScanner scanner = new JsonPathScanner(json, from, out);
            scanner.space();
            scanner.walk(root);
            return true;
        } catch (Unhandled | ArrayIndexOutOfBoundsException e) {
            return false;
        }
    }

    private void space() {
        while (true) {
            byte b = json[at];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            at++;
        }
    }

    /** Reads the value at {@code at} whole, collecting what the paths through {@code node} find. */
    private void walk(PathValues.Node node) {
        byte first = json[at];
        if (first == '{') {
            if (node.names.length == 0) {
                skip();
                return;
            }
            if (node.names.length > Long.SIZE) {
                throw Unhandled.INSTANCE;
            }
            at++;
            space();
            if (json[at] == '}') {
                at++;
                return;
            }
            long seen = 0;
            while (true) {
                space();
                int nameStart = at + 1;
                int nameEnd = stringEnd(at);
                at = nameEnd + 1;
                space();
                at++; // ':'
                space();
                int child = child(node, nameStart, nameEnd);
                if (child >= 0 && (seen & (1L << child)) == 0) {
                    seen |= 1L << child;
                    walk(node.named[child]);
                } else {
                    skip();
                }
                space();
                if (json[at++] != ',') {
                    return;
                }
            }
        }
        if (first == '[') {
            boolean ends = node.ends.length > 0;
            if (!ends && node.byIndex.isEmpty()) {
                skip();
                return;
            }
            at++;
            space();
            if (json[at] == ']') {
                at++;
                return;
            }
            for (int i = 0; ; i++) {
                space();
                PathValues.Node child = node.byIndex.isEmpty() ? null : node.byIndex.get(i);
                byte element = json[at];
                if (ends && element != '{' && element != '[') {
                    int start = at;
                    Object value = scalar();
                    if (value != null) {
                        for (int path : node.ends) {
                            PathValues.addElement(out, path, value);
                        }
                    }
                    if (child != null) {
                        at = start;
                        walk(child);
                    }
                } else if (child != null) {
                    walk(child);
                } else {
                    skip();
                }
                space();
                if (json[at++] != ',') {
                    return;
                }
            }
        }
        if (node.ends.length == 0) {
            skip();
            return;
        }
        Object value = scalar();
        if (value != null) {
            for (int path : node.ends) {
                out.set(path, List.of(value));
            }
        }
    }

    /** The ordinal of the child named by the bytes {@code [start, end)}, or -1. */
    private int child(PathValues.Node node, int start, int end) {
        int length = end - start;
        byte[][] names = node.names;
        for (int c = 0; c < names.length; c++) {
            byte[] name = names[c];
            if (name.length == length && Arrays.equals(json, start, end, name, 0, length)) {
                return c;
            }
        }
        return -1;
    }

    /** The position of the closing quote of the string that starts at {@code quote}; escapes are left to Jackson. */
    private int stringEnd(int quote) {
        int i = quote + 1;
        while (true) {
            byte b = json[i];
            if (b == '"') {
                return i;
            }
            if (b == '\\') {
                throw Unhandled.INSTANCE;
            }
            i++;
        }
    }

    /** The compact value of the scalar at {@code at}, or null for {@code null}; moves past it. */
    private Object scalar() {
        byte first = json[at];
        if (first == '"') {
            int end = stringEnd(at);
            String value = new String(json, at + 1, end - at - 1, StandardCharsets.UTF_8);
            at = end + 1;
            return value;
        }
        if (first == 't') {
            at += 4;
            return Boolean.TRUE;
        }
        if (first == 'f') {
            at += 5;
            return Boolean.FALSE;
        }
        if (first == 'n') {
            at += 4;
            return null;
        }
        int start = at;
        boolean negative = first == '-';
        int i = negative ? at + 1 : at;
        long value = 0;
        int digits = 0;
        while (true) {
            byte b = json[i];
            if (b < '0' || b > '9') {
                break;
            }
            value = value * 10 + (b - '0');
            digits++;
            i++;
        }
        byte after = json[i];
        if (after != '.' && after != 'e' && after != 'E' && digits <= MAX_LONG_DIGITS) {
            at = i;
            return negative ? -value : value;
        }
        while (true) {
            byte b = json[i];
            if ((b >= '0' && b <= '9') || b == '.' || b == 'e' || b == 'E' || b == '+' || b == '-') {
                i++;
            } else {
                break;
            }
        }
        at = i;
        BigDecimal decimal = new BigDecimal(new String(json, start, i - start, StandardCharsets.ISO_8859_1));
        return CompactValue.number((BigDecimal) IndexValue.number(decimal).value());
    }

    /** Moves past the value at {@code at}. */
    private void skip() {
        byte first = json[at];
        if (first == '"') {
            at = skipString(at);
            return;
        }
        if (first != '{' && first != '[') {
            while (true) {
                byte b = json[at];
                if (b == ',' || b == '}' || b == ']' || b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                    return;
                }
                at++;
            }
        }
        int depth = 0;
        while (true) {
            byte b = json[at];
            if (b == '"') {
                at = skipString(at);
                continue;
            }
            if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                depth--;
                if (depth == 0) {
                    at++;
                    return;
                }
            }
            at++;
        }
    }

    /** The position after the string that starts at {@code quote}, escapes included. */
    private int skipString(int quote) {
        int i = quote + 1;
        while (true) {
            byte b = json[i];
            if (b == '"') {
                return i + 1;
            }
            i += b == '\\' ? 2 : 1;
        }
    }
}
