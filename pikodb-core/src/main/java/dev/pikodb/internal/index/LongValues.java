package dev.pikodb.internal.index;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The integer values of one index (those whose {@link CompactValue} form is a {@link Long}), each with
 * its {@link KeyGroup}, held as primitives: a sorted array of the values with their groups in a
 * parallel array (the base), and a small ordered map of the values added since the base was made
 * (the overlay). A write finds a value by binary search over the primitive array (no boxed value
 * compared, no pointer followed per step), changes the group of a value of the base in place, marks
 * a value of the base that lost its last key by a null group, and adds a value the base lacks to the
 * overlay. When the overlay and the gone values outgrow a sixteenth of the base (at least
 * {@value #MIN_CHANGES}), the write that crossed the bound merges them into a new base: one
 * sequential copy of the base per that many changes, so the work per write is amortised, and the
 * overlay never grows past the bound.
 *
 * <p>Changes are made by one writer at a time (under the index's lock); readers take no lock. A
 * reader works on the generation (base and overlay) it found when it started: a merge publishes a
 * new generation and leaves the old one as it was, with the groups of every record not written since,
 * so a reader of the old generation still meets every entry of a record not written during its read.
 * A group in the base is written with release and read with acquire semantics, so a reader sees a
 * group's contents as they were when it was stored.
 */
final class LongValues {

    /** The fewest changes (overlay values and gone values) that make a merge worth it. */
    static final int MIN_CHANGES = 1024;

    private static final VarHandle GROUPS = MethodHandles.arrayElementVarHandle(Object[].class);

    /** A base and the overlay of changes made since it. */
    private static final class Generation {
        final long[] values;
        /** The group of each value of {@link #values}, null for a value that no key has any more. */
        final Object[] groups;
        final ConcurrentSkipListMap<Long, Object> overlay = new ConcurrentSkipListMap<>();
        /** Values in {@link #overlay}; counted by the writer, as the map's size walks it. */
        int overlaid;
        /** Null groups in {@link #groups}; counted by the writer. */
        int gone;

        Generation(long[] values, Object[] groups) {
            this.values = values;
            this.groups = groups;
        }

        Object groupAt(int index) {
            return GROUPS.getAcquire(groups, index);
        }
    }

    private volatile Generation current;

    /** No values. */
    LongValues() {
        this(new long[0], new Object[0]);
    }

    /**
     * The values given, with their groups.
     *
     * @param values distinct values in ascending order
     * @param groups their groups, none null
     */
    LongValues(long[] values, Object[] groups) {
        this.current = new Generation(values, groups);
    }

    /** The group of a value, or null when no key has it. */
    Object get(long value) {
        Generation generation = current;
        int at = Arrays.binarySearch(generation.values, value);
        return at >= 0 ? generation.groupAt(at) : generation.overlay.get(value);
    }

    /**
     * Stores the group of a value; under the index's lock.
     *
     * @param value the value
     * @param group its group, or null when no key has it any more
     */
    void set(long value, Object group) {
        Generation generation = current;
        int at = Arrays.binarySearch(generation.values, value);
        if (at >= 0) {
            Object before = generation.groupAt(at);
            GROUPS.setRelease(generation.groups, at, group);
            if (before != null && group == null) {
                generation.gone++;
            } else if (before == null && group != null) {
                generation.gone--;
            }
        } else if (group == null) {
            if (generation.overlay.remove(value) != null) {
                generation.overlaid--;
            }
        } else if (generation.overlay.put(value, group) == null) {
            generation.overlaid++;
        }
        if (generation.overlaid + generation.gone > Math.max(MIN_CHANGES, generation.values.length / 16)) {
            merge(generation);
        }
    }

    /** Publishes a new base made of the values that have a group, the overlay's included. */
    private void merge(Generation generation) {
        // The writer reads the groups it stored itself: plain reads (a merge runs too seldom to be compiled soon,
        // and an access through a VarHandle costs much more until it is).
        long[] oldValues = generation.values;
        Object[] oldGroups = generation.groups;
        int size = oldValues.length - generation.gone + generation.overlaid;
        long[] values = new long[size];
        Object[] groups = new Object[size];
        int out = 0;
        int at = 0;
        for (Map.Entry<Long, Object> added : generation.overlay.entrySet()) {
            long addedValue = added.getKey();
            int end = at;
            while (end < oldValues.length && oldValues[end] < addedValue) {
                end++;
            }
            out = copyPresent(oldValues, oldGroups, at, end, values, groups, out);
            at = end;
            values[out] = addedValue;
            groups[out++] = added.getValue();
        }
        out = copyPresent(oldValues, oldGroups, at, oldValues.length, values, groups, out);
        current = new Generation(values, groups);
    }

    /** Copies the values of {@code [from, to)} that have a group; returns the next position to copy to. */
    private static int copyPresent(long[] fromValues, Object[] fromGroups, int from, int to, long[] values,
            Object[] groups, int out) {
        for (int i = from; i < to; i++) {
            Object group = fromGroups[i];
            if (group != null) {
                values[out] = fromValues[i];
                groups[out++] = group;
            }
        }
        return out;
    }

    /** Removes every value; under the index's lock. */
    void clear() {
        current = new Generation(new long[0], new Object[0]);
    }

    /** Receives a value and its group; returns false to stop. */
    interface Visitor {
        boolean visit(long value, Object group);
    }

    /**
     * Visits the values that have a group, in order, from a bound.
     *
     * @param from a compact value of any kind, or null to start at the first value in the walk's order
     * @param inclusive whether a value equal to {@code from} is visited
     * @param ascending the order of the walk
     * @param visitor receives the values
     * @return false if the visitor stopped
     */
    boolean forEach(Object from, boolean inclusive, boolean ascending, Visitor visitor) {
        Generation generation = current;
        long[] values = generation.values;
        NavigableMap<Long, Object> overlay = ascending ? generation.overlay : generation.overlay.descendingMap();
        int at;
        if (from == null) {
            at = ascending ? 0 : values.length - 1;
        } else {
            // The first position of the walk past the bound, and the overlay from there on.
            long bound;
            if (from instanceof Long number) {
                bound = number;
            } else if (!(from instanceof BigDecimal decimal)) {
                // Every number comes after a boolean and before a string: the walk takes all or none.
                if ((from instanceof Boolean) != ascending) {
                    return true;
                }
                bound = ascending ? Long.MIN_VALUE : Long.MAX_VALUE;
                inclusive = true;
            } else {
                if (decimal.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                    if (ascending) {
                        return true;
                    }
                    bound = Long.MAX_VALUE;
                    inclusive = true;
                } else if (decimal.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0) {
                    if (!ascending) {
                        return true;
                    }
                    bound = Long.MIN_VALUE;
                    inclusive = true;
                } else {
                    // A decimal between two integers: the walk starts at the nearest integer on its side.
                    bound = (ascending ? decimal.setScale(0, RoundingMode.CEILING)
                            : decimal.setScale(0, RoundingMode.FLOOR)).longValueExact();
                    inclusive = true;
                }
            }
            overlay = overlay.tailMap(bound, inclusive);
            at = Arrays.binarySearch(values, bound);
            if (at >= 0) {
                if (!inclusive) {
                    at += ascending ? 1 : -1;
                }
            } else {
                int insertion = -(at + 1);
                at = ascending ? insertion : insertion - 1;
            }
        }
        Iterator<Map.Entry<Long, Object>> added = overlay.entrySet().iterator();
        Map.Entry<Long, Object> next = added.hasNext() ? added.next() : null;
        int step = ascending ? 1 : -1;
        while (true) {
            while (at >= 0 && at < values.length && generation.groupAt(at) == null) {
                at += step;
            }
            boolean baseLeft = at >= 0 && at < values.length;
            if (!baseLeft && next == null) {
                return true;
            }
            boolean fromBase = baseLeft && (next == null || (ascending ? values[at] < next.getKey() : values[at] > next.getKey()));
            if (fromBase) {
                Object group = generation.groupAt(at);
                long value = values[at];
                at += step;
                if (group != null && !visitor.visit(value, group)) {
                    return false;
                }
            } else {
                Map.Entry<Long, Object> entry = next;
                next = added.hasNext() ? added.next() : null;
                if (!visitor.visit(entry.getKey(), entry.getValue())) {
                    return false;
                }
            }
        }
    }

}
