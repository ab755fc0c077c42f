package dev.pikodb.internal.index;

import java.util.Collection;

/**
 * The slot of an index entry: the object the table held for the record the entry was made from, so
 * that the entry is current exactly when the table still holds that object for the key (see
 * {@link SecondaryIndex}). A record with several values at the path gives its entries a {@link Multi}
 * instead, which also carries the record's extremes.
 */
final class Slots {

    private Slots() {
    }

    /** The slot of a record with several values at the path: its held object and its extremes. */
    static final class Multi {
        final Object held;
        final Object min;
        final Object max;

        Multi(Object held, Object min, Object max) {
            this.held = held;
            this.min = min;
            this.max = max;
        }

        /** Equal to the slot of the same record: the slots of one record hold one held object. */
        @Override
        public boolean equals(Object other) {
            return other instanceof Multi multi && multi.held == held;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(held);
        }
    }

    /** The slot of a record's entries: its held object, or a {@link Multi} when it has several values. */
    static Object of(Collection<Object> values, Object held) {
        if (values.size() == 1) {
            return held;
        }
        Object min = null;
        Object max = null;
        for (Object value : values) {
            min = min == null || CompactValue.compare(value, min) < 0 ? value : min;
            max = max == null || CompactValue.compare(value, max) > 0 ? value : max;
        }
        return new Multi(held, min, max);
    }

    /** The held object an entry's slot stands for. */
    static Object held(Object slot) {
        return slot instanceof Multi multi ? multi.held : slot;
    }
}
