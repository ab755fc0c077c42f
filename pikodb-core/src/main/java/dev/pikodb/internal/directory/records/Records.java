package dev.pikodb.internal.directory.records;

import dev.pikodb.ChangeEvent;
import dev.pikodb.internal.index.IndexedRecords;
import dev.pikodb.internal.index.TableIndexes;
import dev.pikodb.spi.ChangeSink;
import dev.pikodb.spi.EngineRecord;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The records of one table as visible to readers. Reads take no lock; expired records are invisible
 * and are removed when a read meets them. Only the owning {@code Table} (or the loader, before the
 * table is shared) adds or replaces records, and only once they are persisted. Records are held in
 * the compact form of {@link StoredRecord#held()}.
 */
public final class Records implements IndexedRecords {

    /** Called by {@link #liveCount} after each due key it visits; set only by tests, to stop the count there. */
    static volatile Consumer<String> countVisited;

    private final Map<String, Object> map;
    /** The held records that can expire, by expiration: kept with every change of {@link #map}. */
    private final ExpiringKeys expiring = new ExpiringKeys();
    private final Stats stats;
    private volatile boolean expiredRemoved;
    /** Set while a backup takes its point-in-time view of these records ({@link RecordsSnapshot}). */
    private volatile RecordsSnapshot snapshot;
    private String table;
    private ChangeSink changes = ChangeSink.NONE;
    /** The table's indexes, told of every change (adding before it is visible, removals after). */
    private volatile TableIndexes indexes;
    private volatile ExpiryBarrier expiryBarrier = key -> { };

    /**
     * What a reader waits for before it takes a record for expired: every write of the key that was
     * decided before, against an earlier clock, is visible. Without it, a write that found the record
     * live (its version counting from it) could become visible after a reader, whose clock had passed
     * the expiration, answered that the key was absent: no order of the two explains both answers.
     */
    @FunctionalInterface
    public interface ExpiryBarrier {
        /**
         * Returns once every write of {@code key} decided so far is visible in these records.
         *
         * @param key the key whose record the caller found expired
         */
        void awaitDecidedWrites(String key);
    }

    public Records(Stats stats) {
        this(stats, 0);
    }

    /** Records sized for {@code expected} keys, so that adding them does not grow the map step by step. */
    public Records(Stats stats, int expected) {
        this.stats = stats;
        this.map = expected <= 0 ? new ConcurrentHashMap<>() : new ConcurrentHashMap<>(expected);
    }

    /** The record of a key, expired or not. */
    public StoredRecord raw(String key) {
        Object held = map.get(key);
        return held == null ? null : StoredRecord.of(held);
    }

    /** The version of a key's live record, 0 when it has none (absent or expired); builds no record. */
    public long liveVersion(String key, long now) {
        Object held = map.get(key);
        return held == null ? 0 : StoredRecord.liveVersion(held, now);
    }

    /**
     * Reports every later change of these records to {@code changes}, once the table is shared.
     * While someone listens, each change and its report happen under this object's monitor, so the
     * reports of one key are in the order of the changes.
     */
    public void publishTo(String table, ChangeSink changes) {
        this.table = table;
        this.changes = changes;
    }

    /** Keeps {@code tableIndexes} exact from now on: every later change goes through it. */
    public void attach(TableIndexes tableIndexes) {
        this.indexes = tableIndexes;
    }

    /** Makes readers that meet an expired record wait for {@code barrier} first (see {@link ExpiryBarrier}). */
    public void useExpiryBarrier(ExpiryBarrier barrier) {
        this.expiryBarrier = barrier;
    }

    public TableIndexes indexes() {
        return indexes;
    }

    /**
     * Puts the records {@code held[0, count)} of the keys {@code keys[0, count)}, in the form
     * {@link StoredRecord#held()} gives, as {@link #put} does; empty records that nobody observes yet
     * (no snapshot, index or listener: a table being loaded by one thread) take them as they are,
     * without building the record objects.
     */
    public void putAllHeld(String[] keys, Object[] held, int count) {
        if (map.isEmpty() && snapshot == null && indexes == null && !changes.active()) {
            for (int i = 0; i < count; i++) {
                Object previous = map.put(keys[i], held[i]);
                if (previous != null) {
                    expiring.removed(keys[i], previous);
                }
            }
            expiring.addedAll(keys, held, count);
        } else {
            for (int i = 0; i < count; i++) {
                put(keys[i], StoredRecord.of(held[i]));
            }
        }
    }

    public void put(String key, StoredRecord record) {
        beforeChange(key);
        TableIndexes tableIndexes = indexes;
        Object held = record.held();
        Object added = tableIndexes == null ? null : tableIndexes.adding(key, record, held);
        Object previous;
        if (!changes.active()) {
            previous = map.put(key, held);
        } else {
            synchronized (this) {
                previous = map.put(key, held);
                if (previous != null && StoredRecord.canExpire(previous)
                        && StoredRecord.of(previous).isExpired(record.timestamp)) {
                    changes.publish(ChangeEvent.expired(table, key, StoredRecord.of(previous).version));
                }
                changes.publish(ChangeEvent.written(table, key, record.version));
            }
        }
        expiring.replaced(key, previous, held);
        if (tableIndexes != null) {
            if (previous == null) {
                tableIndexes.keyAdded(key);
            } else {
                tableIndexes.replaced(key, StoredRecord.of(previous), previous, added);
            }
        }
    }

    public void remove(String key) {
        beforeChange(key);
        Object previous;
        if (!changes.active()) {
            previous = map.remove(key);
        } else {
            synchronized (this) {
                previous = map.remove(key);
                if (previous != null) {
                    changes.publish(ChangeEvent.deleted(table, key, StoredRecord.of(previous).version));
                }
            }
        }
        if (previous != null) {
            expiring.removed(key, previous);
            unindex(key, previous);
        }
    }

    private void unindex(String key, Object previous) {
        TableIndexes tableIndexes = indexes;
        if (tableIndexes != null) {
            tableIndexes.removed(key, StoredRecord.of(previous), previous);
            tableIndexes.keyRemoved(key);
        }
    }

    public void clear() {
        RecordsSnapshot current = snapshot;
        if (current != null) {
            current.collect(map);
        }
        // One removal per record rather than map.clear(), so that each record leaves the expiring
        // keys exactly once even while a reader removes an expired one (see ExpiringKeys).
        for (Map.Entry<String, Object> entry : map.entrySet()) {
            if (map.remove(entry.getKey(), entry.getValue())) {
                expiring.removed(entry.getKey(), entry.getValue());
            }
        }
        TableIndexes tableIndexes = indexes;
        if (tableIndexes != null) {
            tableIndexes.cleared();
        }
    }

    @Override
    public Object liveHeld(String key, long now) {
        return settled(key, map.get(key), now);
    }

    @Override
    public EngineRecord record(Object held) {
        return StoredRecord.of(held);
    }

    @Override
    public byte[] plainJson(Object held) {
        return held instanceof byte[] packed ? packed : null;
    }

    @Override
    public int plainJsonOffset() {
        return StoredRecord.PACKED_HEADER;
    }

    @Override
    public void forEachHeld(BiConsumer<String, Object> action) {
        map.forEach(action);
    }

    @Override
    public boolean holds(String key) {
        return map.containsKey(key);
    }

    /** The live record of a key, or null; an expired record is removed on the way. */
    public StoredRecord live(String key, long now) {
        Object held = settled(key, map.get(key), now);
        return held == null ? null : StoredRecord.of(held);
    }

    /** Visits every live record; expired ones are removed on the way. */
    public void forEachLive(long now, BiConsumer<String, StoredRecord> action) {
        for (Map.Entry<String, Object> entry : map.entrySet()) {
            Object held = settled(entry.getKey(), entry.getValue(), now);
            if (held != null) {
                action.accept(entry.getKey(), StoredRecord.of(held));
            }
        }
    }

    /** Every record, expired ones included: what a table file rewrite starts from. */
    public Iterable<Map.Entry<String, StoredRecord>> all() {
        return () -> new Iterator<>() {
            private final Iterator<Map.Entry<String, Object>> entries = map.entrySet().iterator();

            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public Map.Entry<String, StoredRecord> next() {
                Map.Entry<String, Object> entry = entries.next();
                return Map.entry(entry.getKey(), StoredRecord.of(entry.getValue()));
            }
        };
    }

    /**
     * Removes expired records; they leave the table file at its next rewrite. Visits only the
     * records due at {@code now} ({@link ExpiringKeys}), not the whole table.
     */
    public int removeExpired(long now) {
        int[] removed = {0};
        expiring.forEachDue(now, key -> {
            Object held = map.get(key);
            if (isExpired(held, now)) {
                expiryBarrier.awaitDecidedWrites(key);
                if (removeIfExpired(key, held, now)) {
                    removed[0]++;
                }
            }
        });
        return removed[0];
    }

    /**
     * Counts live records, removing expired ones, without walking the live ones: it removes the
     * records due at {@code now} (walking only those, {@link ExpiringKeys}), and every record left in
     * the map is then live. The caller holds the table's append lock, with no write pending, so that
     * no record enters the map meanwhile (each adding call has returned, so each expiring record held
     * is in the expiring keys) and the count is the one of a single instant.
     */
    public int liveCount(long now) {
        Consumer<String> visited = countVisited;
        expiring.forEachDue(now, key -> {
            settled(key, map.get(key), now);
            if (visited != null) {
                visited.accept(key);
            }
        });
        return map.size();
    }

    /**
     * Whether expired records were removed from memory since the table file was last rewritten, so
     * that the file still holds records the table no longer has.
     */
    public boolean expiredRemovedSinceRewrite() {
        return expiredRemoved;
    }

    /** Called when the table file is rewritten from these records. */
    public void rewritten() {
        expiredRemoved = false;
    }

    /** Records held, expired-but-not-yet-removed included. O(1). */
    public int size() {
        return map.size();
    }

    /**
     * Starts a point-in-time view of these records: from now on every change first keeps the state
     * it replaces. The caller holds the table's append lock, so no write becomes visible meanwhile,
     * and calls {@link RecordsSnapshot#collect} once, which ends the view.
     */
    public RecordsSnapshot startSnapshot() {
        RecordsSnapshot started = new RecordsSnapshot(this);
        snapshot = started;
        return started;
    }

    /** The map a snapshot collects; only {@link RecordsSnapshot} calls it. */
    Map<String, Object> heldMap() {
        return map;
    }

    /** Called by the snapshot once it has collected its view: changes stop keeping what they replace. */
    void endSnapshot(RecordsSnapshot ended) {
        if (snapshot == ended) {
            snapshot = null;
        }
    }

    private void beforeChange(String key) {
        RecordsSnapshot current = snapshot;
        if (current != null) {
            current.beforeChange(key, map.get(key));
        }
    }

    public void collectDictionaryNames(Set<String> into) {
        for (Object held : map.values()) {
            if (held instanceof StoredRecord record && record.dictionaryName != null) {
                into.add(record.dictionaryName);
            }
        }
    }

    /**
     * What a reader at {@code now} takes the key's record to be, starting from {@code held}, the
     * record it met: that record when it is live; when it is expired, whatever the key holds once the
     * writes decided before are visible ({@link ExpiryBarrier}), the expired record being removed.
     *
     * @return the live record in held form, or {@code null} when the key has none
     */
    private Object settled(String key, Object held, long now) {
        while (held != null && isExpired(held, now)) {
            expiryBarrier.awaitDecidedWrites(key);
            Object current = map.get(key);
            if (current == held) {
                removeIfExpired(key, held, now);
                return null;
            }
            held = current;
        }
        return held;
    }

    private static boolean isExpired(Object held, long now) {
        return StoredRecord.canExpire(held) && ((StoredRecord) held).isExpired(now);
    }

    /**
     * Removes a record if it is expired and still held for its key.
     *
     * @return whether this call removed it: false when it is live, and also when it is expired but
     *     another thread removed or replaced it first, so a caller that asks whether a record is live
     *     must ask {@link #isExpired}, not this
     */
    private boolean removeIfExpired(String key, Object held, long now) {
        if (!isExpired(held, now)) {
            return false;
        }
        beforeChange(key);
        if (changes.active()) {
            synchronized (this) {
                if (!map.remove(key, held)) {
                    return false;
                }
                changes.publish(ChangeEvent.expired(table, key, ((StoredRecord) held).version));
            }
        } else if (!map.remove(key, held)) {
            return false;
        }
        expiring.removed(key, held);
        unindex(key, held);
        expiredRemoved = true;
        stats.expiredRemoved.increment();
        return true;
    }
}
