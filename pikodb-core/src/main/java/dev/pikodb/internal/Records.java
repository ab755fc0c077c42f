package dev.pikodb.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The records of one table as visible to readers. Reads take no lock; expired records are invisible
 * and are removed when a read meets them. Only the owning {@link Table} adds or replaces records, and
 * only after they are persisted.
 */
final class Records {

    private final Map<String, StoredRecord> map;
    private final Stats stats;
    private volatile boolean expiredRemoved;

    Records(Map<String, StoredRecord> map, Stats stats) {
        this.map = map;
        this.stats = stats;
    }

    static Map<String, StoredRecord> newMap() {
        return new ConcurrentHashMap<>();
    }

    /** The record of a key, expired or not. */
    StoredRecord raw(String key) {
        return map.get(key);
    }

    void put(String key, StoredRecord record) {
        map.put(key, record);
    }

    void remove(String key) {
        map.remove(key);
    }

    void clear() {
        map.clear();
    }

    /** Every record, expired ones included: what a table file rewrite starts from. */
    Map<String, StoredRecord> all() {
        return map;
    }

    /** The live record of a key, or null; an expired record is removed on the way. */
    StoredRecord live(String key, long now) {
        StoredRecord record = map.get(key);
        if (record != null && record.isExpired(now)) {
            removeIfExpired(key, record, now);
            return null;
        }
        return record;
    }

    /** Every live record; expired ones are removed on the way. */
    List<Map.Entry<String, StoredRecord>> liveEntries(long now) {
        List<Map.Entry<String, StoredRecord>> live = new ArrayList<>(map.size());
        for (Map.Entry<String, StoredRecord> entry : map.entrySet()) {
            StoredRecord record = entry.getValue();
            if (record.isExpired(now)) {
                removeIfExpired(entry.getKey(), record, now);
            } else {
                live.add(Map.entry(entry.getKey(), record));
            }
        }
        return live;
    }

    /** Removes expired records; they leave the table file at its next rewrite. */
    int removeExpired(long now) {
        int removed = 0;
        for (Map.Entry<String, StoredRecord> entry : map.entrySet()) {
            if (removeIfExpired(entry.getKey(), entry.getValue(), now)) {
                removed++;
            }
        }
        return removed;
    }

    /** Counts live records, removing expired ones. */
    int liveCount(long now) {
        int live = 0;
        for (Map.Entry<String, StoredRecord> entry : map.entrySet()) {
            if (!removeIfExpired(entry.getKey(), entry.getValue(), now)) {
                live++;
            }
        }
        return live;
    }

    /**
     * Whether expired records were removed from memory since the table file was last rewritten, so
     * that the file still holds records the table no longer has.
     */
    boolean expiredRemovedSinceRewrite() {
        return expiredRemoved;
    }

    /** Called when the table file is rewritten from these records. */
    void rewritten() {
        expiredRemoved = false;
    }

    /** Records held, expired-but-not-yet-removed included. O(1). */
    int size() {
        return map.size();
    }

    void collectDictionaryNames(Set<String> into) {
        for (StoredRecord record : map.values()) {
            if (record.dictionaryName != null) {
                into.add(record.dictionaryName);
            }
        }
    }

    private boolean removeIfExpired(String key, StoredRecord record, long now) {
        if (record.isExpired(now) && map.remove(key, record)) {
            expiredRemoved = true;
            stats.expiredRemoved.increment();
            return true;
        }
        return false;
    }
}
