package dev.pikodb.internal.directory;

import dev.pikodb.internal.directory.records.Records;
import dev.pikodb.internal.directory.records.StoredRecord;
import java.util.ArrayDeque;
import java.util.HashMap;

/**
 * Durable-mode writes that are appended to the journal but not yet forced, in append order. They
 * are invisible to readers, but a later write to the same key must see them to get the next
 * version. Not thread-safe: guarded by the owning table's append lock.
 */
final class PendingWrites {

    private record Pending(String key, StoredRecord record, long sequence) {
    }

    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final HashMap<String, Pending> latestByKey = new HashMap<>();

    /**
     * Queues a write.
     *
     * @param record the key's new record, or {@code null} for a delete
     * @param sequence the journal position just after the write's frame
     */
    void add(String key, StoredRecord record, long sequence) {
        Pending write = new Pending(key, record, sequence);
        queue.addLast(write);
        latestByKey.put(key, write);
    }

    boolean contains(String key) {
        return !latestByKey.isEmpty() && latestByKey.containsKey(key);
    }

    /** The latest pending record of a key ({@code null} for a pending delete); see {@link #contains}. */
    StoredRecord latest(String key) {
        return latestByKey.get(key).record();
    }

    /** The journal position just after the latest pending write of a key; see {@link #contains}. */
    long latestSequence(String key) {
        return latestByKey.get(key).sequence();
    }

    /** Makes every write up to {@code sequence} visible, in append order. */
    void applyUpTo(long sequence, Records records) {
        while (!queue.isEmpty() && queue.peekFirst().sequence() <= sequence) {
            Pending write = queue.pollFirst();
            if (write.record() == null) {
                records.remove(write.key());
            } else {
                records.put(write.key(), write.record());
            }
            latestByKey.remove(write.key(), write);
        }
    }

    /** Drops every pending write (their callers are told they failed). */
    void clear() {
        queue.clear();
        latestByKey.clear();
    }
}
