package dev.pikodb.internal.index;

import dev.pikodb.Dictionary;
import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.IndexValue;
import dev.pikodb.spi.IndexedValues;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads the values of several paths from a record's JSON in one pass, in {@link CompactValue} form,
 * with the rules of {@link IndexedValues#at(EngineRecord, String, Dictionary)}: the string, number or
 * boolean at the JSON Pointer; for an array, each such element, distinct; nothing for {@code null}, a
 * missing path, an object or nested arrays; the first of repeated field names. The parser follows
 * the paths as a tree of their segments and skips everything else: {@link JsonPathScanner} over the
 * bytes, or Jackson's parser for the JSON the scanner leaves to it.
 */
final class PathValues {

    /** Reads whatever the engines store, as {@link IndexedValues} does. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Integer.MAX_VALUE)
                    .maxDocumentLength(-1)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .build())
            .build();

    /** A segment of the paths: where some paths end, and the segments that follow. */
    static final class Node {
        int[] ends = new int[0];
        final Map<String, Node> bySegment = new HashMap<>();
        final Map<String, Node> byName = new LinkedHashMap<>();
        final Map<Integer, Node> byIndex = new HashMap<>();
        /** Position among the field children of its parent, for telling repeated names apart. */
        int ordinal;
        /** The field names of {@link #byName} as UTF-8, and their nodes, in the order of their ordinals. */
        byte[][] names = new byte[0][];
        Node[] named = new Node[0];

        void seal() {
            names = new byte[byName.size()][];
            named = new Node[byName.size()];
            int i = 0;
            for (Map.Entry<String, Node> child : byName.entrySet()) {
                names[i] = child.getKey().getBytes(StandardCharsets.UTF_8);
                named[i++] = child.getValue();
            }
            bySegment.values().forEach(Node::seal);
        }
    }

    /** The most distinct values of an array kept in a list. */
    private static final int SMALL_ARRAY = 8;

    private final List<String> paths;
    private final Node plain;

    /** Reads {@code paths}, in this order. */
    PathValues(List<String> paths) {
        this.paths = List.copyOf(paths);
        this.plain = tree(this.paths, null);
    }

    /** The tree of the paths for records written without a dictionary, for {@link JsonPathScanner}. */
    Node plainTree() {
        return plain;
    }

    /**
     * The values of each path, in the order of the paths: an empty list, a list of one value, or a set
     * of distinct values (from an array).
     */
    List<Collection<Object>> read(EngineRecord record, Dictionary dictionary) {
        Node root = dictionary == null ? plain : tree(paths, dictionary);
        List<Collection<Object>> out = new ArrayList<>(paths.size());
        for (int i = 0; i < paths.size(); i++) {
            out.add(List.of());
        }
        if (JsonPathScanner.scan(record.jsonArray(), record.jsonOffset(), record.jsonOffset() + record.jsonLength(), root, out)) {
            return out;
        }
        for (int i = 0; i < paths.size(); i++) {
            out.set(i, List.of());
        }
        try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), record.jsonArray(),
                record.jsonOffset(), record.jsonLength())) {
            walk(parser, parser.nextToken(), root, out);
        }
        return out;
    }

    private static Node tree(List<String> paths, Dictionary dictionary) {
        Node root = new Node();
        for (int p = 0; p < paths.size(); p++) {
            Node node = root;
            for (String segment : IndexedValues.segments(paths.get(p))) {
                Node parent = node;
                node = parent.bySegment.get(segment);
                if (node == null) {
                    node = new Node();
                    parent.bySegment.put(segment, node);
                    // In an object the segment names a field (deflated by the dictionary), in an array an element.
                    String name = dictionary == null ? segment : dictionary.deflateMapping().getOrDefault(segment, segment);
                    if (parent.byName.putIfAbsent(name, node) == null) {
                        node.ordinal = parent.byName.size() - 1;
                    }
                    if (IndexedValues.isIndex(segment)) {
                        parent.byIndex.put(Integer.parseInt(segment), node);
                    }
                }
            }
            int[] ends = Arrays.copyOf(node.ends, node.ends.length + 1);
            ends[ends.length - 1] = p;
            node.ends = ends;
        }
        root.seal();
        return root;
    }

    /** Reads the value that starts at {@code token} whole, collecting what the paths through {@code node} find. */
    private static void walk(JsonParser parser, JsonToken token, Node node, List<Collection<Object>> out) {
        if (token == null) {
            return;
        }
        if (token == JsonToken.START_ARRAY) {
            boolean ends = node.ends.length > 0;
            if (!ends && node.byIndex.isEmpty()) {
                parser.skipChildren();
                return;
            }
            int i = 0;
            for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken(), i++) {
                if (ends) {
                    Object value = scalar(parser, element);
                    if (value != null) {
                        for (int p : node.ends) {
                            addElement(out, p, value);
                        }
                    }
                }
                Node child = node.byIndex.isEmpty() ? null : node.byIndex.get(i);
                if (child != null) {
                    walk(parser, element, child, out);
                } else {
                    parser.skipChildren();
                }
            }
            return;
        }
        if (token == JsonToken.START_OBJECT) {
            if (node.byName.isEmpty()) {
                parser.skipChildren();
                return;
            }
            long seen = 0;
            Set<Node> seenMany = node.byName.size() > Long.SIZE ? new HashSet<>() : null;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                Node child = node.byName.get(parser.currentName());
                JsonToken value = parser.nextToken();
                boolean first = child != null && (seenMany == null ? (seen & (1L << child.ordinal)) == 0 : seenMany.add(child));
                if (first) {
                    seen |= seenMany == null ? 1L << child.ordinal : 0;
                    walk(parser, value, child, out);
                } else {
                    parser.skipChildren();
                }
            }
            return;
        }
        if (node.ends.length > 0) {
            Object value = scalar(parser, token);
            if (value != null) {
                for (int p : node.ends) {
                    out.set(p, List.of(value));
                }
            }
        }
    }

    /**
     * Adds an array element's value to a path's values unless it is there: a few distinct values are
     * a list (a set of them costs more than looking through them), more a {@link LinkedHashSet}.
     */
    static void addElement(List<Collection<Object>> out, int path, Object value) {
        Collection<Object> values = out.get(path);
        if (values.isEmpty()) {
            out.set(path, List.of(value));
        } else if (values instanceof LinkedHashSet<Object> set) {
            set.add(value);
        } else if (!values.contains(value)) {
            if (values.size() < SMALL_ARRAY) {
                List<Object> list = values instanceof ArrayList<Object> grown ? grown : new ArrayList<>(values);
                list.add(value);
                out.set(path, list);
            } else {
                Set<Object> set = new LinkedHashSet<>(values);
                set.add(value);
                out.set(path, set);
            }
        }
    }

    /** The compact value of a scalar token, or null for anything else. */
    private static Object scalar(JsonParser parser, JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> parser.getString();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> (long) parser.getIntValue();
                case LONG -> parser.getLongValue();
                default -> CompactValue.number((BigDecimal) IndexValue.number(parser.getDecimalValue()).value());
            };
            case VALUE_NUMBER_FLOAT -> CompactValue.number((BigDecimal) IndexValue.number(parser.getDecimalValue()).value());
            default -> null;
        };
    }
}
