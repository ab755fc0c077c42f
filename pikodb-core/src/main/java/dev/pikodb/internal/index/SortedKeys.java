package dev.pikodb.internal.index;

import dev.pikodb.spi.IndexValue;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Consumer;

/**
 * The keys of one table in code point order, for conditions and ordering on the key. Built on the
 * first query that needs them, with the table's writes paused, and maintained from then on by the
 * table's record holder (through {@link TableIndexes}); a table never queried by key pays nothing for
 * them.
 */
final class SortedKeys {

    private final IndexedRecords records;
    private final Consumer<Runnable> pauseWrites;
    private volatile NavigableSet<String> keys;

    /**
     * @param records the table's records
     * @param pauseWrites runs an action while no write can change the records
     */
    SortedKeys(IndexedRecords records, Consumer<Runnable> pauseWrites) {
        this.records = records;
        this.pauseWrites = pauseWrites;
    }

    /** A key that the table did not hold was added. */
    void added(String key) {
        NavigableSet<String> sorted = keys;
        if (sorted != null) {
            sorted.add(key);
        }
    }

    /** A key was removed from the table. */
    void removed(String key) {
        NavigableSet<String> sorted = keys;
        if (sorted != null) {
            sorted.remove(key);
            // A writer may have added the key again between the removal and now.
            if (records.holds(key)) {
                sorted.add(key);
            }
        }
    }

    /** The table lost every key. */
    void cleared() {
        NavigableSet<String> sorted = keys;
        if (sorted != null) {
            sorted.clear();
        }
    }

    /** The keys in code point order, built on first use. */
    NavigableSet<String> get() {
        NavigableSet<String> sorted = keys;
        if (sorted != null) {
            return sorted;
        }
        synchronized (this) {
            if (keys == null) {
                pauseWrites.accept(() -> {
                    NavigableSet<String> built = new ConcurrentSkipListSet<>(IndexValue::compareCodePoints);
                    keys = built;
                    records.forEachHeld((key, held) -> built.add(key));
                    // A key removed by expiry before the set was published may have been added.
                    built.removeIf(key -> !records.holds(key));
                });
            }
            return keys;
        }
    }
}
