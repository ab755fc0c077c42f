package dev.pikodb.benchmarks.store;

import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.UserProfile;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * H2's MVStore, one {@code MVMap<String, String>} of JSON text per table; every write is committed
 * (and, in the durable mode, synced) before it returns.
 */
final class MvStoreStore implements KeyValueStore {

    /** The file name inside the store's directory. */
    static final String FILE_NAME = "bench.mv.db";

    private final MVStore store;
    private final boolean durable;
    private final ConcurrentMap<String, MVMap<String, String>> maps = new ConcurrentHashMap<>();

    MvStoreStore(Path directory, boolean durable) {
        this.durable = durable;
        this.store = new MVStore.Builder()
                .fileName(directory.resolve(FILE_NAME).toString())
                .autoCommitDisabled()
                .open();
    }

    private MVMap<String, String> map(String table) {
        return maps.computeIfAbsent(table, store::openMap);
    }

    @Override
    public void write(String table, String key, UserProfile value) {
        map(table).put(key, Profiles.MAPPER.writeValueAsString(value));
        store.commit();
        if (durable) {
            store.sync();
        }
    }

    @Override
    public void writeAll(String table, Map<String, UserProfile> values) {
        MVMap<String, String> map = map(table);
        values.forEach((key, value) -> map.put(key, Profiles.MAPPER.writeValueAsString(value)));
        store.commit();
    }

    @Override
    public void deleteAll(String table, Iterable<String> keys) {
        MVMap<String, String> map = map(table);
        keys.forEach(map::remove);
        store.commit();
    }

    @Override
    public Object readUntyped(String table, String key) {
        return Profiles.MAPPER.readValue(text(table, key), Map.class);
    }

    @Override
    public UserProfile readTyped(String table, String key) {
        return Profiles.MAPPER.readValue(text(table, key), UserProfile.class);
    }

    @Override
    public int readAll(String table) {
        int count = 0;
        for (Map.Entry<String, String> entry : map(table).entrySet()) {
            Map<?, ?> value = Profiles.MAPPER.readValue(entry.getValue(), Map.class);
            if (value != null && entry.getKey() != null) {
                count++;
            }
        }
        return count;
    }

    @Override
    public void flush() {
        store.commit();
        store.sync();
    }

    @Override
    public void close() {
        store.close();
    }

    private String text(String table, String key) {
        String text = map(table).get(key);
        if (text == null) {
            throw new IllegalStateException("Key " + key + " missing from MVStore map " + table);
        }
        return text;
    }
}
