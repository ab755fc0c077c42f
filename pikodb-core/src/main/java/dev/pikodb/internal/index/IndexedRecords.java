package dev.pikodb.internal.index;

import dev.pikodb.spi.EngineRecord;
import java.util.function.BiConsumer;

/**
 * A table's records as the indexes see them. A record is identified by the object the table holds
 * for it: a new write holds a new object, so an index entry that carries the object it was made from
 * is current exactly when the table still holds that object for the key.
 */
public interface IndexedRecords {

    /**
     * The object held for a live key.
     *
     * @param key the key
     * @param now the current time, epoch milliseconds
     * @return the held object, or {@code null} when the key is missing or expired (an expired record
     *     is removed on the way, and its index entries with it)
     */
    Object liveHeld(String key, long now);

    /**
     * The record a held object stands for.
     *
     * @param held an object from {@link #liveHeld} or {@link #forEachHeld}
     * @return the record
     */
    EngineRecord record(Object held);

    /**
     * Visits every held record, expired ones included, for building an index.
     *
     * @param action called with each key and held object
     */
    void forEachHeld(BiConsumer<String, Object> action);

    /**
     * Whether the table holds the key (live or expired).
     *
     * @param key the key
     * @return true if it does
     */
    boolean holds(String key);

    /**
     * The number of held records (live or expired), for sizing what an index build collects.
     *
     * @return the count
     */
    int size();

    /**
     * The array that holds the JSON of a record that neither expires nor uses a dictionary, from
     * {@link #plainJsonOffset()} to its end, so that a build reads it without making a record object.
     *
     * @param held an object from {@link #forEachHeld}
     * @return the array, or {@code null} for any other record (read through {@link #record})
     */
    default byte[] plainJson(Object held) {
        return null;
    }

    /**
     * Where the JSON starts in the arrays {@link #plainJson} gives.
     *
     * @return the offset
     */
    default int plainJsonOffset() {
        return 0;
    }
}
