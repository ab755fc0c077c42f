package dev.pikodb.internal.index;

import dev.pikodb.spi.IndexValue;

/**
 * Sorts keys in code point order with objects moved along, for a build: a merge sort that compares
 * the keys first by characters packed into longs that lie next to each other in one array.
 */
final class KeySort {

    private KeySort() {
    }

    /**
     * Sorts the first {@code n} keys in code point order, moving their held objects along (merge sort).
     * The keys are compared first by the 8 characters that follow the prefix every key shares, packed
     * into two longs that lie next to each other in one array, and by their strings only when those
     * are equal: the strings are spread over the heap, so comparing them is mostly waiting for memory.
     */
    static void sortByKey(String[] keys, Object[] helds, int n) {
        if (n < 2) {
            return;
        }
        int common = commonPrefix(keys, n);
        long[] packed = new long[2 * n];
        for (int i = 0; i < n; i++) {
            packed[2 * i] = pack(keys[i], common);
            packed[2 * i + 1] = pack(keys[i], common + 4);
        }
        String[] keyBuffer = new String[n];
        Object[] heldBuffer = new Object[n];
        long[] packedBuffer = new long[2 * n];
        for (int width = 1; width < n; width *= 2) {
            for (int low = 0; low < n - width; low += 2 * width) {
                int middle = low + width;
                int high = Math.min(low + 2 * width, n);
                if (compare(keys, packed, middle - 1, keys, packed, middle) <= 0) {
                    continue;
                }
                System.arraycopy(keys, low, keyBuffer, low, high - low);
                System.arraycopy(helds, low, heldBuffer, low, high - low);
                System.arraycopy(packed, 2 * low, packedBuffer, 2 * low, 2 * (high - low));
                int left = low;
                int right = middle;
                for (int out = low; out < high; out++) {
                    int from;
                    if (right >= high || left < middle
                            && compare(keyBuffer, packedBuffer, left, keyBuffer, packedBuffer, right) <= 0) {
                        from = left++;
                    } else {
                        from = right++;
                    }
                    keys[out] = keyBuffer[from];
                    helds[out] = heldBuffer[from];
                    packed[2 * out] = packedBuffer[2 * from];
                    packed[2 * out + 1] = packedBuffer[2 * from + 1];
                }
            }
        }
    }

    /**
     * For each of the first {@code n} keys, its first 4 characters after the prefix they all share,
     * packed as {@link #pack} does: comparing these orders the keys as far as they differ in them.
     */
    static long[] packedPrefixes(String[] keys, int n) {
        long[] packed = new long[n];
        if (n == 0) {
            return packed;
        }
        int common = commonPrefix(keys, n);
        for (int i = 0; i < n; i++) {
            packed[i] = pack(keys[i], common);
        }
        return packed;
    }

    /** The code point order of two keys, from their packed characters when these differ. */
    private static int compare(String[] aKeys, long[] aPacked, int a, String[] bKeys, long[] bPacked, int b) {
        int order = Long.compareUnsigned(aPacked[2 * a], bPacked[2 * b]);
        if (order == 0) {
            order = Long.compareUnsigned(aPacked[2 * a + 1], bPacked[2 * b + 1]);
        }
        return order != 0 ? order : IndexValue.compareCodePoints(aKeys[a], bKeys[b]);
    }

    /** The length of the prefix that the first {@code n} keys share. */
    static int commonPrefix(String[] keys, int n) {
        String first = keys[0];
        int common = first.length();
        for (int i = 1; i < n && common > 0; i++) {
            String key = keys[i];
            int length = Math.min(common, key.length());
            int at = 0;
            while (at < length && key.charAt(at) == first.charAt(at)) {
                at++;
            }
            common = at;
        }
        return common;
    }

    /**
     * Four characters of a key from {@code from}, 16 bits each, as an unsigned number that orders
     * as the characters do in code point order (a surrogate above every other character); a missing
     * character counts as 0, below or equal to every character, so that equal numbers leave the
     * order to the strings.
     */
    static long pack(String key, int from) {
        long packed = 0;
        for (int i = from; i < from + 4; i++) {
            int unit = 0;
            if (i < key.length()) {
                char c = key.charAt(i);
                unit = c < 0xD800 ? c : c < 0xE000 ? c + 0x2000 : c - 0x800;
            }
            packed = packed << 16 | unit;
        }
        return packed;
    }
}
