package dev.pikodb.internal;

import dev.pikodb.Dictionary;
import dev.pikodb.PikoDBException;
import dev.pikodb.spi.EngineRecord;
import java.util.Iterator;
import java.util.Map;
import java.util.ArrayDeque;
import java.util.Deque;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamWriteConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns values into the JSON bytes that are stored, and back, applying dictionaries on the way.
 * Every decode builds a fresh object, so callers can never change stored data.
 */
public final class ValueCodec {

    /**
     * How deeply the store's own mapper lets values nest when reading: the Node.js PikoDB writes and
     * reads values nested thousands of levels deep, and reading one into maps, lists or a
     * {@code JsonNode} costs no stack per level in Jackson 3.
     */
    public static final int MAX_READ_DEPTH = 10_000;

    /**
     * How deeply the store's own mapper lets values nest when writing: Jackson's serialisers recurse,
     * and at about 2,000 levels they run out of a default thread stack (1 MiB). Jackson 3's own
     * default is 500.
     */
    public static final int MAX_WRITE_DEPTH = 1_000;

    /**
     * The store's own mapper. Stored bytes are always exactly one JSON value, so the check for trailing
     * tokens is skipped; buffers are recycled per thread, cheaper than the default shared pool.
     */
    private static final JsonMapper DEFAULT_MAPPER = JsonMapper
            .builder(JsonFactory.builder().recyclerPool(JsonRecyclerPools.threadLocalPool())
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_READ_DEPTH).build())
                    .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_WRITE_DEPTH).build())
                    .build())
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final JsonMapper mapper;
    private final DictionaryRegistry dictionaries;
    /** Untyped reads are the most common: a reader built once skips the per-call type and deserializer lookups. */
    private final ObjectReader untyped;
    /** Reads untyped values faster than {@link #untyped}, with the same result; null when the mapper's settings could differ. */
    private final UntypedReader fastUntyped;

    /**
     * Creates a codec.
     *
     * @param mapper the application's mapper, or {@code null} for the store's own
     * @param dictionaries the dictionaries to deflate and inflate with
     */
    public ValueCodec(JsonMapper mapper, DictionaryRegistry dictionaries) {
        this.mapper = mapper == null ? DEFAULT_MAPPER : mapper;
        this.dictionaries = dictionaries;
        this.untyped = this.mapper.readerFor(Object.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.fastUntyped = UntypedReader.suits(this.mapper, untyped) ? new UntypedReader() : null;
    }

    /**
     * Encodes a value to the JSON bytes that are stored.
     *
     * @param table the table (for messages)
     * @param key the key (for messages)
     * @param value the value
     * @param dictionaryName the dictionary to deflate with, or {@code null}; it is kept with the data first
     * @return the JSON bytes
     * @throws IllegalArgumentException when the value cannot be serialised or the dictionary is unknown
     */
    public byte[] encode(String table, String key, Object value, String dictionaryName) {
        Dictionary dictionary = dictionaryName == null ? null : dictionaries.forWrite(dictionaryName);
        return encode(table, key, value, dictionary, dictionaryName);
    }

    private byte[] encode(String table, String key, Object value, Dictionary dictionary, String dictionaryName) {
        try {
            if (dictionary == null) {
                return mapper.writeValueAsBytes(value);
            }
            JsonNode tree = value == null ? mapper.nullNode() : mapper.valueToTree(value);
            return mapper.writeValueAsBytes(deflate(tree, dictionary, dictionaryName, table, key));
        } catch (JacksonException | StackOverflowError e) {
            throw new IllegalArgumentException("Value for key '" + Validation.printable(key) + "' in table '"
                    + Validation.printable(table) + "' cannot be serialised to JSON ("
                    + (e instanceof JacksonException jackson ? jackson.getOriginalMessage()
                            : "it nests too deeply or refers to itself")
                    + "); store data Jackson can serialise, e.g. a record, a Map or a JsonNode", e);
        }
    }

    /**
     * Decodes a record's value into a fresh object.
     *
     * @param table the table (for messages)
     * @param key the key (for messages)
     * @param record the record
     * @param type the type to convert to; {@code Object.class} for Jackson's natural mapping
     * @param <T> the type
     * @return the value
     * @throws IllegalArgumentException when the value cannot be converted to {@code type}
     * @throws PikoDBException when the record's dictionary is unknown
     */
    public <T> T decode(String table, String key, EngineRecord record, Class<T> type) {
        Dictionary dictionary = dictionaryFor(table, key, record);
        try {
            if (dictionary == null && type == Object.class) {
                return type.cast(readUntyped(record.jsonArray(), record.jsonOffset(), record.jsonLength()));
            }
            if (dictionary == null) {
                return mapper.readValue(record.jsonArray(), record.jsonOffset(), record.jsonLength(), type);
            }
            return mapper.treeToValue(inflate(tree(record), dictionary), type);
        } catch (JacksonException e) {
            throw conversionFailure(table, key, type.getName(), e);
        } catch (StackOverflowError e) {
            throw tooDeep(table, key, type.getName(), e);
        }
    }

    /**
     * Decodes a record's value into a fresh object of a generic type.
     *
     * @param table the table (for messages)
     * @param key the key (for messages)
     * @param record the record
     * @param type the type to convert to
     * @param <T> the type
     * @return the value
     * @throws IllegalArgumentException when the value cannot be converted to {@code type}
     * @throws PikoDBException when the record's dictionary is unknown
     */
    public <T> T decode(String table, String key, EngineRecord record, TypeReference<T> type) {
        Dictionary dictionary = dictionaryFor(table, key, record);
        try {
            if (dictionary == null) {
                return mapper.readValue(record.jsonArray(), record.jsonOffset(), record.jsonLength(), type);
            }
            return mapper.convertValue(inflate(tree(record), dictionary), type);
        } catch (JacksonException e) {
            throw conversionFailure(table, key, type.getType().getTypeName(), e);
        } catch (StackOverflowError e) {
            throw tooDeep(table, key, type.getType().getTypeName(), e);
        }
    }

    private Object readUntyped(byte[] json, int offset, int length) {
        if (fastUntyped != null) {
            Object value = fastUntyped.read(json, offset, length);
            if (value != UntypedReader.UNREADABLE) {
                return value;
            }
        }
        return untyped.readValue(json, offset, length);
    }

    private JsonNode tree(EngineRecord record) {
        return mapper.readTree(new java.io.ByteArrayInputStream(record.jsonArray(), record.jsonOffset(), record.jsonLength()));
    }

    private Dictionary dictionaryFor(String table, String key, EngineRecord record) {
        String name = record.dictionaryName();
        if (name == null) {
            return null;
        }
        Dictionary dictionary = dictionaries.forRead(name);
        if (dictionary == null) {
            throw new PikoDBException("Key '" + Validation.printable(key) + "' in table '" + Validation.printable(table)
                    + "' was written with dictionary '" + name + "', which this database does not"
                    + " know: add it with addDictionary or configure it, with the mapping it was written with");
        }
        return dictionary;
    }

    private static IllegalArgumentException conversionFailure(String table, String key, String type, JacksonException e) {
        return new IllegalArgumentException("Value of key '" + Validation.printable(key) + "' in table '"
                + Validation.printable(table) + "' cannot be converted to " + type + ": " + e.getOriginalMessage(), e);
    }

    private static IllegalArgumentException tooDeep(String table, String key, String type, StackOverflowError e) {
        return new IllegalArgumentException("Value of key '" + Validation.printable(key) + "' in table '"
                + Validation.printable(table) + "' nests too deeply to convert to " + type + " on this thread's"
                + " stack; read it untyped (get(table, key)) or as a JsonNode, which have no such limit", e);
    }

    /** Renames object keys while copying a tree; returns the stored name of a key. */
    @FunctionalInterface
    private interface KeyRenamer {
        String rename(String field, ObjectNode out);
    }

    /** One container being copied: its remaining children and the copy they go into. */
    private record Level(Iterator<?> children, JsonNode out) {
    }

    /**
     * Copies a tree, renaming every object key, without recursion: values nest as deep as the reader
     * allows ({@link #MAX_READ_DEPTH}), deeper than a recursive copy has stack for.
     */
    private static JsonNode copyRenaming(JsonNode root, KeyRenamer renamer) {
        if (!root.isContainer()) {
            return root;
        }
        JsonNode rootCopy = emptyCopy(root);
        Deque<Level> levels = new ArrayDeque<>();
        levels.push(new Level(children(root), rootCopy));
        while (!levels.isEmpty()) {
            Level level = levels.peek();
            if (!level.children().hasNext()) {
                levels.pop();
                continue;
            }
            Object next = level.children().next();
            JsonNode child;
            JsonNode childCopy;
            if (level.out() instanceof ObjectNode out) {
                @SuppressWarnings("unchecked")
                Map.Entry<String, JsonNode> property = (Map.Entry<String, JsonNode>) next;
                child = property.getValue();
                childCopy = child.isContainer() ? emptyCopy(child) : child;
                out.set(renamer.rename(property.getKey(), out), childCopy);
            } else {
                child = (JsonNode) next;
                childCopy = child.isContainer() ? emptyCopy(child) : child;
                ((ArrayNode) level.out()).add(childCopy);
            }
            if (child.isContainer()) {
                levels.push(new Level(children(child), childCopy));
            }
        }
        return rootCopy;
    }

    private static JsonNode emptyCopy(JsonNode container) {
        return container instanceof ObjectNode object ? object.objectNode() : ((ArrayNode) container).arrayNode(container.size());
    }

    private static Iterator<?> children(JsonNode container) {
        return container instanceof ObjectNode object ? object.properties().iterator() : container.values().iterator();
    }

    private static JsonNode deflate(JsonNode node, Dictionary dictionary, String name, String table, String key) {
        Map<String, String> deflate = dictionary.deflateMapping();
        Map<String, String> inflate = dictionary.inflateMapping();
        return copyRenaming(node, (field, out) -> {
            String shortName = deflate.get(field);
            if (shortName == null) {
                String meaning = inflate.get(field);
                if (meaning != null && !meaning.equals(field)) {
                    throw collision(name, table, key, "its key '" + field + "' is the short form of '" + meaning
                            + "', so it would read back as '" + meaning + "'");
                }
                shortName = field;
            }
            if (out.has(shortName)) {
                throw collision(name, table, key, "two keys would both be stored as '" + shortName + "'");
            }
            return shortName;
        });
    }

    private static JsonNode inflate(JsonNode node, Dictionary dictionary) {
        Map<String, String> inflate = dictionary.inflateMapping();
        return copyRenaming(node, (field, out) -> inflate.getOrDefault(field, field));
    }

    private static IllegalArgumentException collision(String dictionary, String table, String key, String problem) {
        return new IllegalArgumentException("Value for key '" + Validation.printable(key) + "' in table '"
                + Validation.printable(table) + "' cannot be written with dictionary '" + dictionary + "': "
                + problem + "; rename the key or write without the dictionary");
    }
}
