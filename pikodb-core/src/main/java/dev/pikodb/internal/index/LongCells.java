package dev.pikodb.internal.index;

/**
 * The cells of the overlay values of a {@link LongValues} generation by value, in an open-addressing
 * table of primitive keys: what the writer looks a value up in (no boxing, no ordered descent).
 * Used by one writer at a time, under the index's lock; readers never see it. A removal moves the
 * entries that follow it back into the gap, so the table holds no tombstones.
 */
final class LongCells {

    private static final int MIN_CAPACITY = 16;

    private long[] keys = new long[MIN_CAPACITY];
    private GroupCell[] cells = new GroupCell[MIN_CAPACITY];
    private int size;

    private static int home(long value, int mask) {
        long mixed = value * 0x9E3779B97F4A7C15L;
        return (int) (mixed >>> 40) & mask;
    }

    /** The cell of a value, or null. */
    GroupCell get(long value) {
        int mask = keys.length - 1;
        for (int at = home(value, mask); ; at = (at + 1) & mask) {
            GroupCell cell = cells[at];
            if (cell == null || keys[at] == value) {
                return cell;
            }
        }
    }

    /** Adds the cell of a value that has none. */
    void put(long value, GroupCell cell) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int at = home(value, mask);
        while (cells[at] != null) {
            at = (at + 1) & mask;
        }
        keys[at] = value;
        cells[at] = cell;
        size++;
    }

    /** Removes the cell of a value, if it has one. */
    void remove(long value) {
        int mask = keys.length - 1;
        int at = home(value, mask);
        while (cells[at] != null && keys[at] != value) {
            at = (at + 1) & mask;
        }
        if (cells[at] == null) {
            return;
        }
        cells[at] = null;
        size--;
        // Moves back each following entry whose home is not between the gap and its place.
        int gap = at;
        for (int next = (at + 1) & mask; cells[next] != null; next = (next + 1) & mask) {
            int home = home(keys[next], mask);
            boolean movable = gap <= next ? (home <= gap || home > next) : (home <= gap && home > next);
            if (movable) {
                keys[gap] = keys[next];
                cells[gap] = cells[next];
                cells[next] = null;
                gap = next;
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        GroupCell[] oldCells = cells;
        keys = new long[oldKeys.length * 2];
        cells = new GroupCell[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldCells[i] != null) {
                put(oldKeys[i], oldCells[i]);
            }
        }
    }
}
