package dev.pikodb.internal.index;

import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The overlay of a {@link LongGeneration}: the integer values added since its base was made, each with
 * the cell of its group, in an ordered map that readers walk, and by value in a {@link LongCells}
 * table that only the writer reads (no boxing, no ordered descent), with their count. Changed by one
 * writer at a time, under the index's lock.
 */
final class LongOverlay {

    /** The values in order, each with its cell: what readers walk. */
    final ConcurrentSkipListMap<Long, GroupCell> ordered = new ConcurrentSkipListMap<>();
    private final LongCells cells = new LongCells();
    /** Counted by the writer, as the map's size walks it. */
    private int size;

    /** The cell of a value, or null; for the writer. */
    GroupCell cell(long value) {
        return cells.get(value);
    }

    /** The number of values. */
    int size() {
        return size;
    }

    /** Adds a value the overlay lacks, with its group. */
    void add(long value, Object group) {
        GroupCell cell = new GroupCell(group);
        cells.put(value, cell);
        ordered.put(value, cell);
        size++;
    }

    /**
     * Removes a value and empties its cell: out of the ordered map first, so that a reader that still
     * finds the cell sees no group.
     */
    void remove(long value, GroupCell cell) {
        ordered.remove(value);
        cells.remove(value);
        cell.set(null);
        size--;
    }
}
