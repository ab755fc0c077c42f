package dev.pikodb.redis;

import dev.pikodb.Dictionary;
import dev.pikodb.PikoDBException;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dictionaries kept with the data: one hash, field = dictionary name, value = its deflate mapping
 * as a JSON object with sorted keys. A name is bound with {@code HSETNX}, so among instances keeping
 * the same name at once exactly one mapping wins, and every other one is refused. A kept dictionary
 * is never removed (records anywhere may use it), not even by deleting every table.
 */
final class DictionaryStore {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, String>> MAPPING = new TypeReference<>() {
    };

    private final KeySpace keys;
    private final Supplier<RedisClusterCommands<byte[], byte[]>> commands;
    private final TableStore changes;
    private final String where;
    /** Dictionaries by name, for reading indexed values of deflated records (a kept mapping never changes). */
    private final Map<String, Dictionary> knownDictionaries = new java.util.concurrent.ConcurrentHashMap<>();

    DictionaryStore(KeySpace keys, Supplier<RedisClusterCommands<byte[], byte[]>> commands, TableStore changes,
            String where) {
        this.keys = keys;
        this.commands = commands;
        this.changes = changes;
        this.where = where;
    }

    Map<String, Dictionary> all() {
        Map<String, Dictionary> all = new LinkedHashMap<>();
        changes.command(() -> commands.get().hgetall(keys.dictionariesKey())).forEach((name, mapping) -> {
            String dictionaryName = new String(name, StandardCharsets.UTF_8);
            all.put(dictionaryName, parse(dictionaryName, mapping));
        });
        return all;
    }

    void keep(String name, Dictionary dictionary) {
        byte[] field = name.getBytes(StandardCharsets.UTF_8);
        byte[] mapping = JSON.writeValueAsBytes(new TreeMap<>(dictionary.deflateMapping()));
        boolean kept = changes.change(keys.dictionariesKey(), "keeping of dictionary '" + name + "'",
                master -> changes.command(() -> master.hsetnx(keys.dictionariesKey(), field, mapping)));
        if (kept) {
            return;
        }
        byte[] stored = changes.command(() -> commands.get().hget(keys.dictionariesKey(), field));
        Dictionary existing = stored == null ? null : parse(name, stored);
        if (existing == null) {
            throw new PikoDBException("Dictionary '" + name + "' vanished from " + where + " while it was kept");
        }
        if (!existing.equals(dictionary)) {
            throw new IllegalArgumentException("Dictionary '" + name + "' is already kept in " + where + " with "
                    + existing + ", not " + dictionary + "; changing a mapping under stored data would corrupt it: "
                    + "use a new name");
        }
    }

    /**
     * A kept dictionary, read from the server only when it is not known yet.
     *
     * @throws PikoDBException when no dictionary of that name is kept
     */
    Dictionary known(String name) {
        Dictionary known = knownDictionaries.get(name);
        if (known == null) {
            knownDictionaries.putAll(all());
            known = knownDictionaries.get(name);
            if (known == null) {
                throw new PikoDBException("Dictionary '" + name + "' is not kept in " + where
                        + "; a record that uses it cannot be indexed");
            }
        }
        return known;
    }

    private Dictionary parse(String name, byte[] mapping) {
        try {
            return Dictionary.deflate(JSON.readValue(mapping, MAPPING));
        } catch (RuntimeException e) {
            throw new PikoDBException("Dictionary '" + name + "' kept in " + where + " is unreadable: "
                    + e.getMessage(), e);
        }
    }
}
