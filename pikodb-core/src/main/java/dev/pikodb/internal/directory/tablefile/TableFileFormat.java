package dev.pikodb.internal.directory.tablefile;

import dev.pikodb.internal.Validation;
import dev.pikodb.internal.directory.journal.JournalFormat;
import dev.pikodb.internal.directory.records.Records;
import dev.pikodb.internal.directory.records.Stats;
import dev.pikodb.internal.directory.records.StoredRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.core.json.JsonFactory;

/**
 * The table file format, shared with the Node.js PikoDB: the whole table as one UTF-8 JSON array of
 * {@code [key, record]} pairs.
 *
 * <pre>
 * [["user1",{"d":{"name":"Alice"},"v":3,"t":1732400000000,"x":null}],
 * ["r1",{"d":{"s":"DHT22","t":23.5},"v":1,"t":1732400000001,"x":1732403600000,"n":"sensors"}]]
 * </pre>
 *
 * {@code d} is the value (object keys deflated when {@code n}, the dictionary name, is present),
 * {@code v} the version, {@code t} the last-write timestamp in epoch milliseconds, {@code x} the
 * expiration or {@code null}. One pair per line. When reading, a missing {@code v} counts as 1, a
 * missing {@code t} as 0, a missing or null {@code x} as no expiration, and unknown fields are ignored.
 */
public final class TableFileFormat {

    /**
     * Nesting far beyond what values may have: values are skipped, never built, here (Jackson skips
     * iteratively), so a deep value costs no stack. How deep a value can be read back is the value
     * reader's limit, checked when the value is read, so one deep value never makes its whole table
     * unreadable. The bound only keeps a pathological file (a million levels, more than JavaScript can
     * write) from costing memory out of proportion to its size: such a file is moved aside.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(1_000_000)
                    .maxDocumentLength(-1)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .build())
            .build();
    private static final byte[] D = bytes("{\"d\":");
    private static final byte[] V = bytes(",\"v\":");
    private static final byte[] T = bytes(",\"t\":");
    private static final byte[] X = bytes(",\"x\":");
    private static final byte[] N = bytes(",\"n\":");
    static final byte[] NULL = bytes("null");

    private TableFileFormat() {
    }

    /** Writes every record that is not expired at {@code now}. */
    public static void write(OutputStream out, Iterable<Map.Entry<String, StoredRecord>> records, long now) throws IOException {
        out.write('[');
        boolean first = true;
        for (Map.Entry<String, StoredRecord> entry : records) {
            StoredRecord record = entry.getValue();
            if (record.isExpired(now)) {
                continue;
            }
            if (!first) {
                out.write(',');
                out.write('\n');
            }
            first = false;
            out.write('[');
            writeString(out, entry.getKey());
            out.write(',');
            out.write(D);
            out.write(record.bytes, record.valueOffset, record.valueLength());
            out.write(V);
            out.write(ascii(record.version));
            out.write(T);
            out.write(ascii(record.timestamp));
            out.write(X);
            out.write(record.expires ? ascii(record.expiration) : NULL);
            if (record.dictionaryName != null) {
                out.write(N);
                writeString(out, record.dictionaryName);
            }
            out.write('}');
            out.write(']');
        }
        out.write(']');
        out.write('\n');
    }

    /** Thrown when a table file is not in this format. */
    public static final class MalformedTableFileException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedTableFileException(String message) {
            super(message);
        }
    }

    /**
     * The entries of a table file in file order, later entries of a key replacing earlier ones, as
     * they are read; gathered first so that the table's map is made at its final size at once
     * (growing it entry by entry costs a good part of a load).
     */
    static final class Entries {
        private String[] keys = new String[64];
        // In the compact form that Records keeps (StoredRecord#held): no object per record meanwhile.
        private Object[] records = new Object[64];
        private int size;

        void add(String key, StoredRecord record) {
            add(key, record.held());
        }

        /** Adds a record in the form {@link StoredRecord#held()} gives. */
        void add(String key, Object held) {
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                records = Arrays.copyOf(records, size * 2);
            }
            keys[size] = key;
            records[size] = held;
            size++;
        }

        void clear() {
            Arrays.fill(keys, 0, size, null);
            Arrays.fill(records, 0, size, null);
            size = 0;
        }

        int size() {
            return size;
        }

        /** Puts every entry into {@code into}, in file order. */
        void putAll(Records into) {
            into.putAllHeld(keys, records, size);
        }
    }

    /**
     * Reads a table file. Expired records are loaded too: they are invisible to reads and removed like
     * any other expired record.
     *
     * @return the file's records
     * @throws MalformedTableFileException naming the problem and its byte offset
     */
    public static Records read(byte[] bytes, Stats stats, JournalFormat.Interner dictionaries)
            throws MalformedTableFileException {
        Entries entries = new Entries();
        if (!TableFileScanner.read(bytes, entries, dictionaries)) {
            entries.clear();
            readWithParser(bytes, entries, dictionaries);
        }
        Records records = new Records(stats, entries.size());
        entries.putAll(records);
        return records;
    }

    /**
     * Reads a table file with Jackson's streaming parser: the general reader, which defines what the
     * format accepts and reports every problem. {@link #read} takes a faster path first
     * ({@link TableFileScanner}) and comes here for any file that path does not take.
     *
     * @throws MalformedTableFileException naming the problem and its byte offset
     */
    static void readWithParser(byte[] bytes, Entries records, JournalFormat.Interner dictionaries)
            throws MalformedTableFileException {
        try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), bytes)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw malformed(parser, "the file does not start with a JSON array");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.START_ARRAY) {
                if (parser.nextToken() != JsonToken.VALUE_STRING) {
                    throw malformed(parser, "an entry does not start with a string key");
                }
                String key = parser.getString();
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw malformed(parser, "the record of key '" + Validation.printable(key) + "' is not an object");
                }
                StoredRecord record = readRecord(parser, bytes, key, dictionaries);
                if (parser.nextToken() != JsonToken.END_ARRAY) {
                    throw malformed(parser, "the entry of key '" + Validation.printable(key) + "' has more than two elements");
                }
                records.add(key, record);
            }
            if (token != JsonToken.END_ARRAY) {
                throw malformed(parser, "an element of the top-level array is not a [key, record] pair");
            }
            if (parser.nextToken() != null) {
                throw malformed(parser, "there is content after the top-level array");
            }
        } catch (JacksonException e) {
            // Some failures (a stream constraint) carry no location.
            String where = e.getLocation() == null ? "" : " at byte " + e.getLocation().getByteOffset();
            throw new MalformedTableFileException("invalid JSON: " + e.getOriginalMessage() + where);
        }
    }

    private static StoredRecord readRecord(JsonParser parser, byte[] bytes, String key,
            JournalFormat.Interner dictionaries) throws MalformedTableFileException {
        int valueStart = -1;
        int valueEnd = -1;
        long version = 1;
        long timestamp = 0;
        Long expiration = null;
        String dictionary = null;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = parser.currentName();
            JsonToken token = parser.nextToken();
            switch (field) {
                case "d" -> {
                    valueStart = (int) parser.currentTokenLocation().getByteOffset();
                    valueEnd = endOfValue(parser);
                }
                case "v" -> version = longField(parser, token, key, "v");
                case "t" -> timestamp = longField(parser, token, key, "t");
                case "x" -> expiration = token == JsonToken.VALUE_NULL ? null : longField(parser, token, key, "x");
                case "n" -> dictionary = token == JsonToken.VALUE_NULL ? null : dictionaries.intern(parser.getString());
                default -> parser.skipChildren();
            }
        }
        if (valueStart < 0) {
            return StoredRecord.of(NULL, version, timestamp, expiration, dictionary);
        }
        return StoredRecord.of(bytes, valueStart, valueEnd, version, timestamp, expiration, dictionary);
    }

    /**
     * Skips the current value and returns the offset just after it, so that its exact bytes can be
     * taken from the input without building a tree.
     */
    private static int endOfValue(JsonParser parser) {
        if (parser.currentToken().isStructStart()) {
            parser.skipChildren();
        } else {
            parser.finishToken();
        }
        return (int) parser.currentLocation().getByteOffset();
    }

    private static long longField(JsonParser parser, JsonToken token, String key, String field)
            throws MalformedTableFileException {
        if (token != JsonToken.VALUE_NUMBER_INT) {
            if (token == JsonToken.VALUE_NUMBER_FLOAT) {
                return (long) parser.getDoubleValue();
            }
            throw malformed(parser, "field '" + field + "' of key '" + Validation.printable(key) + "' is not a number");
        }
        return parser.getLongValue();
    }

    private static MalformedTableFileException malformed(JsonParser parser, String problem) {
        return new MalformedTableFileException(problem + " (at byte " + parser.currentTokenLocation().getByteOffset() + ")");
    }

    /**
     * Writes a JSON string. A string that is not valid Unicode (an unpaired surrogate, which the
     * Node.js PikoDB accepts in keys and writes as {@code \ud800}) has no UTF-8 form: its unpaired
     * surrogates are written as JSON escapes, exactly as JavaScript's {@code JSON.stringify} writes
     * them, so that it reads back as the same string.
     */
    static void writeString(OutputStream out, String text) throws IOException {
        out.write('"');
        if (!Validation.hasUnpairedSurrogate(text)) {
            out.write(JsonStringEncoder.getInstance().quoteAsUTF8(text));
        } else {
            int start = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1));
                if (paired) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    out.write(JsonStringEncoder.getInstance().quoteAsUTF8(text.substring(start, i)));
                    out.write(String.format("\\u%04x", (int) c).getBytes(StandardCharsets.US_ASCII));
                    start = i + 1;
                }
            }
            out.write(JsonStringEncoder.getInstance().quoteAsUTF8(text.substring(start)));
        }
        out.write('"');
    }

    private static byte[] ascii(long number) {
        return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
