package dev.pikodb.internal.directory.records;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The records of one table as they were at one instant (the start), taken while writers go on,
 * without copying the table while they wait: copy-on-write of the keys that change.
 *
 * <p><b>How.</b> {@link Records#startSnapshot()} installs this object while the table's append lock
 * is held, so no write becomes visible during the installation. From then on, every change of a key
 * in {@link Records} (write, delete, removal of an expired record, clear) first calls
 * {@link #beforeChange}, which keeps the key's held record as it is before the change, or
 * {@link #ABSENT}, unless the key is kept already. {@link #collect} then walks the live map and takes
 * for each key its kept state if it has one, else its current one, adds the kept keys the walk did not
 * meet (deleted or expired since the start), and ends the snapshot. Memory: one reference pair per
 * record, plus the keys changed during the walk.
 *
 * <p><b>Why the result is the state at the start.</b> (1) The first keep of a key holds its state at
 * the start: it reads the key before its own change, and any change after the start before that read
 * would itself have kept the key first ({@code putIfAbsent}: the first keeper wins, and each changer
 * keeps before it changes the map, so the map's happens-before edges carry the keep to every later
 * reader of the changed value). Changes under the append lock cannot slip between the installation
 * and the check, since they read the field and change the map under that lock; a reader that removes
 * an expired record without that lock may miss the installation, but the record it removes was
 * expired before the start's time, and such records are not part of the snapshot anyway
 * (the backup's table file writer leaves out what is expired at the start's time). (2) For a key the
 * walk meets, the kept state, read after the walk, wins when there is one; when there is none the key
 * has not changed since the start, so the value the walk read is its state at the start. (3) A key
 * present at the start that the walk does not meet was removed before the walk reached it, so it was
 * kept before that: it is added from the kept states. (4) The kept states are copied once, after the
 * walk: a key kept later was met by the walk with its state at the start (its change came after the
 * walk read it), so it is neither lost nor doubled. (5) A table deleted during the walk clears its map
 * only after {@link Records#clear()} has collected it (the first caller of {@link #collect} does the
 * work, the other waits for it).
 */
public final class RecordsSnapshot {

    /** Kept for a key that had no record at the start. */
    static final Object ABSENT = new Object();

    private final Records records;
    private final ConcurrentHashMap<String, Object> kept = new ConcurrentHashMap<>();
    private String[] keys;
    private Object[] held;
    private int size = -1;

    RecordsSnapshot(Records records) {
        this.records = records;
    }

    /** Keeps a key's state before its first change since the start. */
    void beforeChange(String key, Object current) {
        kept.putIfAbsent(key, current == null ? ABSENT : current);
    }

    /** Takes the view (once; later calls return at once) and ends the copy-on-write. */
    synchronized void collect(Map<String, Object> map) {
        if (size >= 0) {
            return;
        }
        String[] walkedKeys = new String[Math.max(16, map.size() + map.size() / 8)];
        Object[] walkedHeld = new Object[walkedKeys.length];
        int walked = 0;
        for (Map.Entry<String, Object> entry : map.entrySet()) {
            if (walked == walkedKeys.length) {
                walkedKeys = Arrays.copyOf(walkedKeys, walked * 2);
                walkedHeld = Arrays.copyOf(walkedHeld, walked * 2);
            }
            walkedKeys[walked] = entry.getKey();
            walkedHeld[walked] = entry.getValue();
            walked++;
        }
        Map<String, Object> before = new HashMap<>(kept);
        records.endSnapshot(this);
        kept.clear();
        Set<String> met = new HashSet<>();
        int out = 0;
        for (int i = 0; i < walked; i++) {
            String key = walkedKeys[i];
            Object state = walkedHeld[i];
            if (!before.isEmpty() && before.containsKey(key)) {
                if (!met.add(key)) {
                    continue;
                }
                state = before.get(key);
            }
            if (state != ABSENT) {
                walkedKeys[out] = key;
                walkedHeld[out] = state;
                out++;
            }
        }
        for (Map.Entry<String, Object> entry : before.entrySet()) {
            if (entry.getValue() != ABSENT && !met.contains(entry.getKey())) {
                if (out == walkedKeys.length) {
                    walkedKeys = Arrays.copyOf(walkedKeys, out * 2);
                    walkedHeld = Arrays.copyOf(walkedHeld, out * 2);
                }
                walkedKeys[out] = entry.getKey();
                walkedHeld[out] = entry.getValue();
                out++;
            }
        }
        if (out < walked) {
            Arrays.fill(walkedKeys, out, walked, null);
            Arrays.fill(walkedHeld, out, walked, null);
        }
        keys = walkedKeys;
        held = walkedHeld;
        size = out;
    }

    /** Collects the view from the records' map if nobody has yet. */
    public void collect() {
        collect(records.heldMap());
    }

    /** Records in the view, expired ones included; after {@link #collect}. */
    public synchronized int size() {
        return size;
    }

    /** The view's records, expired ones included; after {@link #collect}. */
    public synchronized Iterable<Map.Entry<String, StoredRecord>> entries() {
        String[] viewKeys = keys;
        Object[] viewHeld = held;
        int viewSize = size;
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < viewSize;
            }

            @Override
            public Map.Entry<String, StoredRecord> next() {
                if (next >= viewSize) {
                    throw new NoSuchElementException();
                }
                int i = next++;
                return new AbstractMap.SimpleImmutableEntry<>(viewKeys[i], StoredRecord.of(viewHeld[i]));
            }
        };
    }

    /** Lets the view's records go, once they are written. */
    public synchronized void release() {
        keys = null;
        held = null;
        size = 0;
    }
}
