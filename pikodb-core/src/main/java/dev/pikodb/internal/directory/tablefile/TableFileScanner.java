package dev.pikodb.internal.directory.tablefile;

import dev.pikodb.internal.directory.journal.JournalFormat;
import dev.pikodb.internal.directory.records.StoredRecord;

/**
 * The fast path of reading a table file ({@link TableFileFormat}): one pass over the bytes that checks
 * the JSON as it goes, with no tokens, no location objects and no parser state per value.
 *
 * <p>It accepts only input that it can read with certainty, a strict subset of what the general reader
 * (Jackson's streaming parser) accepts, with the very same result: JSON as {@link JsonChecker} accepts
 * it, entries {@code [key, {fields}]}, fields {@code v}, {@code t} and {@code x} as integers of at most
 * 18 digits, {@code x} and {@code n} also {@code null}. On anything else (an error, or merely a form it
 * does not handle, such as a version written {@code 3.0}), {@link #read} answers {@code false} and the
 * caller reads the file again with the general reader, which applies the rules and gives the error
 * messages of the format. Nothing here reports errors.
 */
final class TableFileScanner extends JsonChecker {

    private TableFileScanner(byte[] in) {
        super(in);
    }

    /**
     * Reads a table file into {@code entries} when it takes the fast path.
     *
     * @return {@code true} when the whole file was read; {@code false} when the file must be read by the
     *     general reader (then {@code entries} may hold part of it: the caller clears them)
     */
    static boolean read(byte[] bytes, TableFileFormat.Entries entries, JournalFormat.Interner dictionaries) {
        try {
            new TableFileScanner(bytes).table(entries, dictionaries);
            return true;
        } catch (Fallback e) {
            return false;
        }
    }

    private void table(TableFileFormat.Entries records, JournalFormat.Interner dictionaries) {
        whitespace();
        expect('[');
        whitespace();
        if (peek() == ']') {
            pos++;
        } else {
            while (true) {
                entry(records, dictionaries);
                whitespace();
                byte next = next();
                if (next == ']') {
                    break;
                }
                if (next != ',') {
                    throw Fallback.INSTANCE;
                }
                whitespace();
            }
        }
        whitespace();
        if (pos != end) {
            throw Fallback.INSTANCE;
        }
    }

    private void entry(TableFileFormat.Entries records, JournalFormat.Interner dictionaries) {
        expect('[');
        whitespace();
        expect('"');
        String key = decodedString(false);
        whitespace();
        expect(',');
        whitespace();
        expect('{');
        whitespace();
        int valueStart = -1;
        int valueEnd = -1;
        long version = 1;
        long timestamp = 0;
        Long expiration = null;
        String dictionary = null;
        if (peek() == '}') {
            pos++;
        } else {
            while (true) {
                expect('"');
                int field = fieldName();
                whitespace();
                expect(':');
                whitespace();
                switch (field) {
                    case 'd' -> {
                        valueStart = pos;
                        skipValue();
                        valueEnd = pos;
                    }
                    case 'v' -> version = integer();
                    case 't' -> timestamp = integer();
                    case 'x' -> expiration = isNull() ? null : integer();
                    case 'n' -> {
                        if (isNull()) {
                            dictionary = null;
                        } else {
                            expect('"');
                            dictionary = dictionaries.intern(decodedString(false));
                        }
                    }
                    default -> skipValue();
                }
                whitespace();
                byte next = next();
                if (next == '}') {
                    break;
                }
                if (next != ',') {
                    throw Fallback.INSTANCE;
                }
                whitespace();
            }
        }
        whitespace();
        expect(']');
        Object held = valueStart < 0
                ? StoredRecord.held(TableFileFormat.NULL, 0, TableFileFormat.NULL.length, version, timestamp, expiration,
                        dictionary)
                : StoredRecord.held(in, valueStart, valueEnd, version, timestamp, expiration, dictionary);
        records.add(key, held);
    }

    /**
     * Reads a field name (after its opening quote): the name's only character when it is one of
     * {@code d v t x n} (however written), else 0.
     */
    private int fieldName() {
        if (pos + 1 < end && in[pos + 1] == '"') {
            int c = in[pos];
            if (c >= 0x20 && c != '"' && c != '\\') {
                pos += 2;
                return c;
            }
        }
        String name = decodedString(true);
        return name.length() == 1 ? name.charAt(0) : 0;
    }

    /** Reads {@code null} when it comes next. */
    private boolean isNull() {
        if (pos + 4 <= end && in[pos] == 'n' && in[pos + 1] == 'u' && in[pos + 2] == 'l' && in[pos + 3] == 'l') {
            pos += 4;
            return true;
        }
        return false;
    }

    /** An integer of at most 18 digits (so it cannot overflow); anything else leaves the fast path. */
    private long integer() {
        boolean negative = pos < end && in[pos] == '-';
        if (negative) {
            pos++;
        }
        int start = pos;
        long value = 0;
        while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
            value = value * 10 + (in[pos] - '0');
            pos++;
        }
        int digits = pos - start;
        if (digits == 0 || digits > 18 || (digits > 1 && in[start] == '0')
                || (pos < end && (in[pos] == '.' || in[pos] == 'e' || in[pos] == 'E'))) {
            throw Fallback.INSTANCE;
        }
        return negative ? -value : value;
    }
}
