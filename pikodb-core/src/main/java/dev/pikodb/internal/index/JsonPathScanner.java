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
 * are skipped, integers of up to 18 digits are read straight into a {@code long}, and what follows
 * the last wanted field of the outermost object is not read at all. The JSON is the
 * valid JSON a table holds. Strings or field names with escapes, and objects with more than 64
 * wanted fields, are left to Jackson: {@link #scan} returns false for them.
 *
 * <p>What is found goes to a {@link Sink}: a string as the range of its UTF-8 bytes and an integer as
 * a {@code long}, so that a reader that has seen the value before makes no object for it.
 */
final class JsonPathScanner {

    /**
     * Receives the values found, each with the number of its path; {@code element} tells an element
     * of an array (of which a path may have several, repeated ones included) from the value at the
     * path itself (the only one the path has).
     */
    interface Sink {
        /** A string without escapes: the UTF-8 bytes {@code json[from, to)}. */
        void string(int path, byte[] json, int from, int to, boolean element);

        /** An integer within 18 digits. */
        void integer(int path, long value, boolean element);

        /** Any other value, in its {@link CompactValue} form. */
        void value(int path, Object value, boolean element);
    }

    /** Collects into lists, as {@link PathValues#read} gives them. */
    private static final class ListSink implements Sink {
        private final List<Collection<Object>> out;

        ListSink(List<Collection<Object>> out) {
            this.out = out;
        }

        @Override
        public void string(int path, byte[] json, int from, int to, boolean element) {
            value(path, new String(json, from, to - from, StandardCharsets.UTF_8), element);
        }

        @Override
        public void integer(int path, long value, boolean element) {
            value(path, value, element);
        }

        @Override
        public void value(int path, Object value, boolean element) {
            if (element) {
                PathValues.addElement(out, path, value);
            } else {
                out.set(path, List.of(value));
            }
        }
    }

    /** Thrown (without a stack trace) when the scanner leaves a record to Jackson. */
    private static final class Unhandled extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Unhandled INSTANCE = new Unhandled();

        private Unhandled() {
            super(null, null, false, false);
        }
    }

    private static final int MAX_LONG_DIGITS = 18;

    private byte[] json;
    private Sink out;
    private PathValues.Node root;
    private int at;

    /** A scanner for {@link #scan(byte[], int, int, PathValues.Node, Sink)}, used by one thread for many records. */
    JsonPathScanner() {
    }

    /**
     * Collects the values the paths through {@code root} find in {@code json[from, to)} into {@code out}.
     *
     * @return false if the record has to be read with Jackson ({@code out} may hold part of the values)
     */
    static boolean scan(byte[] json, int from, int to, PathValues.Node root, List<Collection<Object>> out) {
        return new JsonPathScanner().scan(json, from, to, root, new ListSink(out));
    }

    /**
     * Gives the values the paths through {@code root} find in {@code json[from, to)} to {@code out}.
     *
     * @return false if the record has to be read with Jackson ({@code out} may have had part of the values)
     */
    boolean scan(byte[] json, int from, int to, PathValues.Node root, Sink out) {
        if (from >= to || to != json.length) {
            // The scanner stops at the end of the array, so the JSON has to end there.
            return false;
        }
        try {
            this.json = json;
            this.at = from;
            this.out = out;
            this.root = root;
            space();
            walk(root);
            return true;
        } catch (Unhandled | ArrayIndexOutOfBoundsException e) {
            return false;
        } finally {
            this.json = null;
            this.out = null;
            this.root = null;
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
                    if (node == root && seen == everyChild(node)) {
                        // Only a repeat of a field can follow, and the first one counts: the rest is not read.
                        return;
                    }
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
                    scalar(node.ends, true);
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
        scalar(node.ends, false);
    }

    /** The bits of every field child of a node, as {@link #walk} marks those it has seen. */
    private static long everyChild(PathValues.Node node) {
        return node.names.length == Long.SIZE ? -1L : (1L << node.names.length) - 1;
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

    /** Gives the scalar at {@code at} to each of {@code paths} (nothing for {@code null}); moves past it. */
    private void scalar(int[] paths, boolean element) {
        byte first = json[at];
        if (first == '"') {
            int end = stringEnd(at);
            for (int path : paths) {
                out.string(path, json, at + 1, end, element);
            }
            at = end + 1;
            return;
        }
        if (first == 't') {
            at += 4;
            value(paths, Boolean.TRUE, element);
            return;
        }
        if (first == 'f') {
            at += 5;
            value(paths, Boolean.FALSE, element);
            return;
        }
        if (first == 'n') {
            at += 4;
            return;
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
            for (int path : paths) {
                out.integer(path, negative ? -value : value, element);
            }
            return;
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
        value(paths, CompactValue.number((BigDecimal) IndexValue.number(decimal).value()), element);
    }

    private void value(int[] paths, Object value, boolean element) {
        for (int path : paths) {
            out.value(path, value, element);
        }
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
