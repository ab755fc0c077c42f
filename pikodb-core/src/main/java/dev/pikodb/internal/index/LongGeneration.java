package dev.pikodb.internal.index;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One generation of a {@link LongValues}: a base (sorted distinct values in the first {@link #size}
 * places of an array, with their groups in a parallel array) and the overlay of the values added
 * since the base was made. Readers take a generation once and work on it; the writer changes the
 * groups of the base in place and the overlay, under the index's lock.
 */
final class LongGeneration {

    private static final VarHandle GROUPS = MethodHandles.arrayElementVarHandle(Object[].class);

    /** The values of the base in their first {@link #size} places; the places past it are unused. */
    final long[] values;
    /** The group of each value of {@link #values}, null for a value that no key has any more. */
    final Object[] groups;
    /** The values of the base. */
    final int size;
    /** The values added since the base, each with the cell of its group. */
    final LongOverlay overlay;
    /** Null groups in {@link #groups}; counted by the writer. */
    int gone;
    /** Null groups the merge that made this base kept in it. */
    final int keptGone;

    /** A base of all the values given and an empty overlay. */
    LongGeneration(long[] values, Object[] groups, int keptGone) {
        this(values, groups, values.length, new LongOverlay(), keptGone);
    }

    LongGeneration(long[] values, Object[] groups, int size, LongOverlay overlay, int gone) {
        this.values = values;
        this.groups = groups;
        this.size = size;
        this.overlay = overlay;
        this.gone = gone;
        this.keptGone = gone;
    }

    /** The place of a value in the base, or a negative number as {@link LongSearch#search} gives. */
    int find(long value) {
        return LongSearch.search(values, size, value);
    }

    /** The group at a place of the base, as a reader reads it. */
    Object groupAt(int index) {
        return GROUPS.getAcquire(groups, index);
    }

    /** Stores the group at a place of the base so that a reader sees its contents as they were stored. */
    void store(int index, Object group) {
        GROUPS.setRelease(groups, index, group);
    }
}
