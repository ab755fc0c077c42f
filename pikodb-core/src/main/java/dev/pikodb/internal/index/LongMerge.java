package dev.pikodb.internal.index;

import java.util.Map;

/**
 * The next generation of a {@link LongValues}, built from the current one a slice at a time while
 * writes go on, so that no single write pays for a copy of the whole base. The writer (under the
 * index's lock) places the values of the current base and overlay into the next base in ascending
 * order, {@link #SLICE} per change it makes ({@link #advance}), and carries every change it makes to
 * a value already placed into the next generation too ({@link #carry}); a value not placed yet is
 * placed as it is when its turn comes. When the last value is placed, the next generation holds
 * exactly what the current one holds, and {@link LongValues} publishes it.
 *
 * <p>Nobody but the writer sees the next generation before it is published: its arrays and overlay
 * are written with plain stores, which the volatile publication makes visible. The current
 * generation stays the one readers use and the writer changes until then, as if no merge were under
 * way.
 *
 * <p>The next base has room for the values of the current base and overlay when the merge began. A
 * value added after its turn, and one whose turn comes once that room is full (values added ahead
 * of the merge), goes to the next generation's overlay instead; the values of the base and of the
 * overlay stay distinct. A value of the base without a group is placed with a null group when
 * {@code keepGone}, else left out (and added to the next overlay if it gets a group again after its
 * turn).
 */
final class LongMerge {

    /** The values placed per change the writer makes: a merge ends after (base + overlay) / SLICE changes. */
    static final int SLICE = 128;

    private final LongGeneration from;
    private final boolean keepGone;
    private final long[] values;
    private final Object[] groups;
    private int out;
    /** The next place of the current base to place. */
    private int at;
    /** Whether any value was placed; then every value up to {@link #lastPlaced} was. */
    private boolean placedAny;
    private long lastPlaced;
    private final LongOverlay overlay = new LongOverlay();
    private int gone;

    /**
     * A merge of a generation, none of it placed yet.
     *
     * @param from the current generation
     * @param keepGone whether the values of its base without a group stay in the next base
     */
    LongMerge(LongGeneration from, boolean keepGone) {
        this.from = from;
        this.keepGone = keepGone;
        int room = keepGone ? from.size + from.overlay.size() : from.size - from.gone + from.overlay.size();
        this.values = new long[room];
        this.groups = new Object[room];
    }

    /** The generation this merge is made from. */
    LongGeneration from() {
        return from;
    }

    /**
     * Brings a change the writer made to the current generation into the next one, when the value's
     * turn has passed (else its turn places it as it is then).
     *
     * @param value the value changed
     * @param group its group now, or null when no key has it
     */
    void carry(long value, Object group) {
        if (!placedAny || value > lastPlaced) {
            return;
        }
        int place = LongSearch.search(values, out, value);
        if (place >= 0) {
            Object before = groups[place];
            groups[place] = group;
            if (before == null && group != null) {
                gone--;
            } else if (before != null && group == null) {
                gone++;
            }
            return;
        }
        GroupCell cell = overlay.cell(value);
        if (cell != null) {
            if (group == null) {
                overlay.remove(value, cell);
            } else {
                cell.set(group);
            }
        } else if (group != null) {
            overlay.add(value, group);
        }
    }

    /**
     * Places the next {@link #SLICE} values.
     *
     * @return the next generation once every value is placed, else null
     */
    LongGeneration advance() {
        long[] fromValues = from.values;
        Map.Entry<Long, GroupCell> added = placedAny ? from.overlay.ordered.higherEntry(lastPlaced)
                : from.overlay.ordered.firstEntry();
        for (int step = 0; step < SLICE; step++) {
            boolean baseLeft = at < from.size;
            if (!baseLeft && added == null) {
                return new LongGeneration(values, groups, out, overlay, gone);
            }
            if (baseLeft && (added == null || fromValues[at] < added.getKey())) {
                // The writer reads the groups it stored itself.
                place(fromValues[at], from.groups[at]);
                at++;
            } else {
                long value = added.getKey();
                place(value, added.getValue().group());
                added = from.overlay.ordered.higherEntry(value);
            }
        }
        return null;
    }

    private void place(long value, Object group) {
        placedAny = true;
        lastPlaced = value;
        if (group == null && !keepGone) {
            return;
        }
        if (out < values.length) {
            values[out] = value;
            groups[out++] = group;
            if (group == null) {
                gone++;
            }
        } else if (group != null) {
            overlay.add(value, group);
        }
    }
}
