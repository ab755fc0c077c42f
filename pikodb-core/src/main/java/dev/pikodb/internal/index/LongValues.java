package dev.pikodb.internal.index;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The integer values of one index (those whose {@link CompactValue} form is a {@link Long}), each with
 * its {@link KeyGroup}, held as primitives: a sorted array of the values with their groups in a
 * parallel array (the base), and a small ordered map of the values added since the base was made
 * (the overlay), together a {@link LongGeneration}. A write finds a value in the primitive array
 * ({@link LongSearch}: no boxed value compared, no pointer followed per step), changes the group of a
 * value of the base in place, marks a value of the base that lost its last key by a null group, and
 * adds a value the base lacks to the overlay. When the overlay and the values gone since the base was
 * made outgrow a sixteenth of the base (at least {@value #MIN_CHANGES}), the write that crossed the
 * bound starts a merge of them into a new base ({@link LongMerge}), which the following changes build
 * a slice each and publish when it is complete: one sequential copy of the base per that many
 * changes, so the work per write is amortised and no write copies the whole base; the overlay grows
 * past the bound by at most the changes made while a merge is built. The merge keeps the gone values
 * in the new base while they are no more than the values held (see {@link #changed}).
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

    private volatile LongGeneration current;
    /** The next generation under construction, or null; the writer's. */
    private LongMerge merge;

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
        this.current = new LongGeneration(values, groups, 0);
    }

    /** The group of a value, or null when no key has it. */
    Object get(long value) {
        LongGeneration generation = current;
        int at = generation.find(value);
        if (at >= 0) {
            return generation.groupAt(at);
        }
        GroupCell cell = generation.overlay.ordered.get(value);
        return cell == null ? null : cell.group();
    }

    /**
     * Gives {@code key} the slot {@code slot} in the group of a value (see {@link KeyGroup#with}),
     * finding the value once; under the index's lock.
     */
    void with(long value, String key, Object slot) {
        LongGeneration generation = current;
        int at = generation.find(value);
        if (at >= 0) {
            // The writer reads the groups it stored itself.
            Object group = generation.groups[at];
            setInBase(generation, value, at, group, KeyGroup.with(group, key, slot));
            return;
        }
        GroupCell cell = generation.overlay.cell(value);
        if (cell != null) {
            setInOverlay(generation, value, cell, KeyGroup.with(cell.group(), key, slot));
            return;
        }
        addToOverlay(generation, value, KeyGroup.with(null, key, slot));
    }

    /**
     * Removes the entry of {@code key} made from {@code held} from the group of a value (see
     * {@link KeyGroup#without}), finding the value once; under the index's lock.
     */
    void without(long value, String key, Object held, boolean several) {
        LongGeneration generation = current;
        int at = generation.find(value);
        if (at >= 0) {
            Object group = generation.groups[at];
            if (group != null) {
                setInBase(generation, value, at, group, KeyGroup.without(group, key, held, several));
            }
            return;
        }
        GroupCell cell = generation.overlay.cell(value);
        if (cell != null) {
            setInOverlay(generation, value, cell, KeyGroup.without(cell.group(), key, held, several));
        }
    }

    /**
     * Stores the group of a value; under the index's lock.
     *
     * @param value the value
     * @param group its group, or null when no key has it any more
     */
    void set(long value, Object group) {
        LongGeneration generation = current;
        int at = generation.find(value);
        if (at >= 0) {
            setInBase(generation, value, at, generation.groups[at], group);
            return;
        }
        GroupCell cell = generation.overlay.cell(value);
        if (cell != null) {
            setInOverlay(generation, value, cell, group);
        } else if (group != null) {
            addToOverlay(generation, value, group);
        }
    }

    private void setInBase(LongGeneration generation, long value, int at, Object before, Object group) {
        if (group == before) {
            return;
        }
        generation.store(at, group);
        if (before != null && group == null) {
            generation.gone++;
        } else if (before == null && group != null) {
            generation.gone--;
        }
        changed(value, group);
    }

    private void setInOverlay(LongGeneration generation, long value, GroupCell cell, Object group) {
        if (group == null) {
            generation.overlay.remove(value, cell);
        } else if (group == cell.group()) {
            return;
        } else {
            cell.set(group);
        }
        changed(value, group);
    }

    private void addToOverlay(LongGeneration generation, long value, Object group) {
        generation.overlay.add(value, group);
        changed(value, group);
    }

    /**
     * After a change to the current generation: carries it into the next generation when one is
     * under construction and places the next slice of it, publishing it when done; else starts a merge
     * when the overlay and the values gone since the base was made outgrow a sixteenth of the base.
     * The merge keeps the gone values in the next base while they are no more than the values that
     * have a group: a value written again soon (values drawn from a bounded set, such as the numbers
     * of a few states or the times of a day's records) then finds its place in the base again instead
     * of going through the ordered overlay, and the base is at most twice the values held (readers
     * step over the null groups). Beyond that they all go.
     */
    private void changed(long value, Object group) {
        LongMerge building = merge;
        if (building == null) {
            LongGeneration generation = current;
            int goneSince = Math.max(0, generation.gone - generation.keptGone);
            if (generation.overlay.size() + goneSince <= Math.max(MIN_CHANGES, generation.size / 16)) {
                return;
            }
            int held = generation.size - generation.gone + generation.overlay.size();
            building = new LongMerge(generation, generation.gone <= held);
            merge = building;
        } else {
            building.carry(value, group);
        }
        LongGeneration next = building.advance();
        if (next != null) {
            // The next generation holds what the current one holds: readers that start from now on
            // take it, those that took the current one keep it as it was, and the writer changes only
            // the next one.
            merge = null;
            current = next;
        }
    }

    /** Removes every value; under the index's lock. */
    void clear() {
        merge = null;
        current = new LongGeneration(new long[0], new Object[0], 0);
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
        LongGeneration generation = current;
        long[] values = generation.values;
        int size = generation.size;
        NavigableMap<Long, GroupCell> overlay = ascending ? generation.overlay.ordered
                : generation.overlay.ordered.descendingMap();
        int at;
        if (from == null) {
            at = ascending ? 0 : size - 1;
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
            at = generation.find(bound);
            if (at >= 0) {
                if (!inclusive) {
                    at += ascending ? 1 : -1;
                }
            } else {
                int insertion = -(at + 1);
                at = ascending ? insertion : insertion - 1;
            }
        }
        Iterator<Map.Entry<Long, GroupCell>> added = overlay.entrySet().iterator();
        Map.Entry<Long, GroupCell> next = added.hasNext() ? added.next() : null;
        int step = ascending ? 1 : -1;
        while (true) {
            while (at >= 0 && at < size && generation.groupAt(at) == null) {
                at += step;
            }
            boolean baseLeft = at >= 0 && at < size;
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
                Map.Entry<Long, GroupCell> entry = next;
                next = added.hasNext() ? added.next() : null;
                Object group = entry.getValue().group();
                if (group != null && !visitor.visit(entry.getKey(), group)) {
                    return false;
                }
            }
        }
    }

}
