package dev.pikodb.spi;

import dev.pikodb.Dictionary;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The values a record is indexed by at a path, the same for every engine: the string, number or
 * boolean found at the JSON Pointer; for an array, each such element; nothing for {@code null}, a
 * missing path, an object, or nested arrays. Paths use the original field names: the value's
 * deflated names are looked up through its dictionary, so dictionaries are invisible.
 */
public final class IndexedValues {

    /** Reads floating point numbers as exact decimals, so the JSON text {@code 0.1} is exactly 0.1. */
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** Reads whatever the engines store: values written by the Node.js PikoDB may be deeper or longer than Jackson's defaults. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Integer.MAX_VALUE)
                    .maxDocumentLength(-1)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .build())
            .build();

    private IndexedValues() {
    }

    /**
     * Parses a record's JSON once, for extracting the values of several paths.
     *
     * @param record the record
     * @return the value's tree (object keys as stored, deflated when the record has a dictionary)
     */
    public static JsonNode parse(EngineRecord record) {
        return MAPPER.readTree(record.jsonArray(), record.jsonOffset(), record.jsonLength());
    }

    /**
     * The values at a path.
     *
     * @param root the tree from {@link #parse}
     * @param path a JSON Pointer with the original field names
     * @param dictionary the dictionary that deflated the value, or {@code null}
     * @return the values, distinct, possibly empty
     */
    public static Set<IndexValue> at(JsonNode root, String path, Dictionary dictionary) {
        JsonNode node = root;
        for (String segment : segments(path)) {
            if (node == null) {
                return Set.of();
            }
            if (node.isObject()) {
                String name = dictionary == null ? segment : dictionary.deflateMapping().getOrDefault(segment, segment);
                node = node.get(name);
            } else if (node.isArray() && isIndex(segment)) {
                node = node.get(Integer.parseInt(segment));
            } else {
                return Set.of();
            }
        }
        if (node == null) {
            return Set.of();
        }
        if (node.isArray()) {
            Set<IndexValue> values = new LinkedHashSet<>();
            for (JsonNode element : node) {
                IndexValue value = scalar(element);
                if (value != null) {
                    values.add(value);
                }
            }
            return values;
        }
        IndexValue value = scalar(node);
        return value == null ? Set.of() : Set.of(value);
    }

    /**
     * The values at a path of a record, read from its JSON without building a tree: the parser
     * follows the path and skips everything else, whatever the value's size or depth.
     *
     * @param record the record
     * @param path a JSON Pointer with the original field names
     * @param dictionary the record's dictionary, or {@code null}
     * @return the values, distinct, possibly empty
     */
    public static Set<IndexValue> at(EngineRecord record, String path, Dictionary dictionary) {
        try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), record.jsonArray(),
                record.jsonOffset(), record.jsonLength())) {
            JsonToken token = parser.nextToken();
            for (String segment : segments(path)) {
                if (token == JsonToken.START_OBJECT) {
                    String name = dictionary == null ? segment : dictionary.deflateMapping().getOrDefault(segment, segment);
                    token = null;
                    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        boolean match = name.equals(parser.currentName());
                        JsonToken value = parser.nextToken();
                        if (match) {
                            token = value;
                            break;
                        }
                        parser.skipChildren();
                    }
                } else if (token == JsonToken.START_ARRAY && isIndex(segment)) {
                    int wanted = Integer.parseInt(segment);
                    token = null;
                    for (int i = 0; ; i++) {
                        JsonToken element = parser.nextToken();
                        if (element == JsonToken.END_ARRAY) {
                            break;
                        }
                        if (i == wanted) {
                            token = element;
                            break;
                        }
                        parser.skipChildren();
                    }
                } else {
                    return Set.of();
                }
                if (token == null) {
                    return Set.of();
                }
            }
            if (token == JsonToken.START_ARRAY) {
                Set<IndexValue> values = new LinkedHashSet<>();
                for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
                    IndexValue value = scalar(parser, element);
                    if (value != null) {
                        values.add(value);
                    } else {
                        parser.skipChildren();
                    }
                }
                return values;
            }
            IndexValue value = scalar(parser, token);
            return value == null ? Set.of() : Set.of(value);
        }
    }

    private static IndexValue scalar(JsonParser parser, JsonToken token) {
        if (token == null) {
            return null;
        }
        return switch (token) {
            case VALUE_STRING -> IndexValue.string(parser.getString());
            case VALUE_TRUE -> IndexValue.TRUE;
            case VALUE_FALSE -> IndexValue.FALSE;
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> IndexValue.number(parser.getDecimalValue());
            default -> null;
        };
    }

    private static IndexValue scalar(JsonNode node) {
        if (node.isString()) {
            return IndexValue.string(node.stringValue());
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? IndexValue.TRUE : IndexValue.FALSE;
        }
        if (node.isNumber()) {
            return IndexValue.number(node.decimalValue());
        }
        return null;
    }

    /**
     * The unescaped reference tokens of a JSON Pointer.
     *
     * @param path a valid JSON Pointer
     * @return the tokens; none for {@code ""}
     */
    public static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        if (path.isEmpty()) {
            return segments;
        }
        int start = 1;
        while (true) {
            int slash = path.indexOf('/', start);
            String raw = slash < 0 ? path.substring(start) : path.substring(start, slash);
            segments.add(raw.replace("~1", "/").replace("~0", "~"));
            if (slash < 0) {
                return segments;
            }
            start = slash + 1;
        }
    }

    /**
     * Whether a JSON Pointer reference token can name an array element: a decimal index without a
     * leading zero, of at most 9 digits.
     *
     * @param segment an unescaped reference token
     * @return true for an array index
     */
    public static boolean isIndex(String segment) {
        if (segment.isEmpty() || segment.length() > 9 || (segment.length() > 1 && segment.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            if (segment.charAt(i) < '0' || segment.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
