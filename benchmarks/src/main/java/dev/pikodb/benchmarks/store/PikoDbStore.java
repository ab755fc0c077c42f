package dev.pikodb.benchmarks.store;

import dev.pikodb.PikoDB;
import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.UserProfile;
import java.nio.file.Path;
import java.util.Map;

/** PikoDB, writing the {@link UserProfile} object itself and reading it back untyped or typed. */
public final class PikoDbStore implements KeyValueStore {

    private final PikoDB db;

    PikoDbStore(Path directory, boolean durable) {
        db = Profiles.startPikoDB(directory, durable);
    }

    /**
     * Runs the workloads on a PikoDB opened elsewhere, e.g. with an observer; closing closes it.
     *
     * @param db the started database
     */
    public PikoDbStore(PikoDB db) {
        this.db = db;
    }

    @Override
    public void write(String table, String key, UserProfile value) {
        db.write(table, key, value);
    }

    @Override
    public void writeAll(String table, Map<String, UserProfile> values) {
        values.forEach((key, value) -> db.write(table, key, value));
    }

    @Override
    public void deleteAll(String table, Iterable<String> keys) {
        for (String key : keys) {
            db.delete(table, key);
        }
    }

    @Override
    public Object readUntyped(String table, String key) {
        return db.get(table, key);
    }

    @Override
    public UserProfile readTyped(String table, String key) {
        return db.get(table, key, UserProfile.class);
    }

    @Override
    public int readAll(String table) {
        return db.get(table).size();
    }

    @Override
    public void flush() {
        db.flush();
    }

    @Override
    public void close() {
        db.close();
    }
}
