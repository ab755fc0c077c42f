package dev.pikodb.internal.directory.records;

import java.util.Arrays;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * The held records of one table that can expire, ordered by expiration, so that the records due at
 * an instant are found by walking only them: a table size is the map's size once those are removed,
 * and a cleanup visits them alone.
 *
 * <p>Each held expiring record is one count on its (expiration, key) entry: {@link Records} adds
 * the count after the record enters its map and takes it away after the record leaves it (replaced
 * or removed), and the map's atomic operations hand each record out of the map exactly once. Adding
 * and taking away commute, so whatever the order in which two threads' updates of the same entry
 * land (a writer replacing a key while a reader removes the expired record it replaced, both with
 * the same expiration), once both calls have returned the entry counts exactly the records held. In
 * between, an entry may count a record already gone (harmless: the walk finds the key holds no
 * record due) or, briefly, be below zero; it never misses a record whose adding call has returned.
 */
final class ExpiringKeys {

    private final ConcurrentNavigableMap<Due, Integer> byExpiration = new ConcurrentSkipListMap<>();

    /** One entry: a key and the expiration of a record it holds. */
    private record Due(long expiration, String key) implements Comparable<Due> {
        @Override
        public int compareTo(Due other) {
            int byTime = Long.compare(expiration, other.expiration);
            return byTime != 0 ? byTime : key.compareTo(other.key);
        }
    }

    /** Called after {@code held} replaced {@code previous} (either may be null) as the record of {@code key}. */
    void replaced(String key, Object previous, Object held) {
        if (StoredRecord.canExpire(previous)) {
            removed(key, previous);
        }
        if (StoredRecord.canExpire(held)) {
            change(new Due(((StoredRecord) held).expiration, key), 1);
        }
    }

    /** Called after {@code held} left the map as the record of {@code key}. */
    void removed(String key, Object held) {
        if (StoredRecord.canExpire(held)) {
            change(new Due(((StoredRecord) held).expiration, key), -1);
        }
    }

    /**
     * Enters the expiring records among {@code held[0, count)}, just put into an empty map by one
     * thread before the table is shared: sorted first, so that the entries go in in order, which
     * costs less than entering them as they come.
     */
    void addedAll(String[] keys, Object[] held, int count) {
        Due[] due = new Due[count];
        int expiring = 0;
        for (int i = 0; i < count; i++) {
            if (StoredRecord.canExpire(held[i])) {
                due[expiring++] = new Due(((StoredRecord) held[i]).expiration, keys[i]);
            }
        }
        Arrays.sort(due, 0, expiring);
        for (int i = 0; i < expiring; i++) {
            change(due[i], 1);
        }
    }

    private void change(Due due, int delta) {
        byExpiration.merge(due, delta, (count, more) -> count + more == 0 ? null : count + more);
    }

    /**
     * Visits the key of every entry whose expiration is before {@code now} (the records expired at
     * {@code now}), in expiration order; only those entries are walked. A key comes once per entry:
     * a key whose record was replaced may come for an expiration it no longer holds.
     */
    void forEachDue(long now, Consumer<String> action) {
        for (Due due : byExpiration.headMap(new Due(now, ""), false).keySet()) {
            action.accept(due.key());
        }
    }

    /** The number of entries, for tests. */
    int entries() {
        return byExpiration.size();
    }
}
