package dev.pikodb.internal.index;

import java.util.Arrays;

/**
 * Finds a value in a sorted array of distinct {@code long}s, as {@link Arrays#binarySearch(long[], long)}
 * does, reading few places of a large array: {@link LongValues} looks every integer a write adds or
 * removes up in its base this way.
 */
final class LongSearch {

    /** The most interpolation steps {@link #search} takes before it gallops from its last guess. */
    private static final int INTERPOLATIONS = 3;

    private LongSearch() {
    }

    /**
     * {@link Arrays#binarySearch(long[], long)}, starting with a few interpolation steps: on values
     * spread evenly (times, counters, identifiers), these land within a few places of the value. An
     * interpolation step moves only one bound of the range, so the search then gallops from the last
     * guess towards the value (1, 2, 4, ... places) until it has it between two places, and halves
     * that short range: a search reads a few cache lines of a large base instead of one per halving of
     * the whole base. On values spread unevenly the galloping costs at most twice the halving.
     */
    static int search(long[] values, long value) {
        return search(values, values.length, value);
    }

    /** {@link #search(long[], long)} in the first {@code size} values of an array (the rest unused). */
    static int search(long[] values, int size, long value) {
        int low = 0;
        int high = size - 1;
        int guess = -1;
        for (int step = 0; step < INTERPOLATIONS && low < high; step++) {
            long lowValue = values[low];
            long highValue = values[high];
            if (value <= lowValue || value >= highValue) {
                if (value == lowValue) {
                    return low;
                }
                if (value == highValue) {
                    return high;
                }
                if (value < lowValue) {
                    return -(low + 1);
                }
                return -(high + 2);
            }
            // lowValue < value < highValue: a place strictly between low and high.
            double fraction = ((double) value - (double) lowValue) / ((double) highValue - (double) lowValue);
            guess = low + 1 + (int) (fraction * (high - low - 1));
            guess = Math.min(high - 1, Math.max(low + 1, guess));
            long found = values[guess];
            if (found == value) {
                return guess;
            }
            if (found < value) {
                low = guess + 1;
            } else {
                high = guess - 1;
            }
        }
        if (guess >= 0 && low < high) {
            // Everything before low is below the value and everything past high above it, and the
            // last guess was low - 1 or high + 1: gallop from it into the range, keeping that so.
            int distance = 1;
            if (guess < low) {
                while (low + distance - 1 <= high && values[low + distance - 1] < value) {
                    low += distance;
                    distance <<= 1;
                }
                high = Math.min(high, low + distance - 1);
            } else {
                while (high - distance + 1 >= low && values[high - distance + 1] > value) {
                    high -= distance;
                    distance <<= 1;
                }
                low = Math.max(low, high - distance + 1);
            }
        }
        return Arrays.binarySearch(values, low, high + 1, value);
    }
}
