package dev.pikodb.internal.index;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The distinct values of one index during a build, numbered in the order they first came. Three
 * open-addressing tables find a value's number: integers by their {@code long} (no boxing), strings
 * by their UTF-8 bytes in a record's JSON (no string is made for a value seen before), and any
 * other value, strings included, by {@link Object#equals}. Only a new value becomes an object.
 *
 * <p>Every string value is in the table of objects; the table of bytes maps a byte sequence to the
 * number its decoded string has there, so that two sequences decoding to one string share it.
 */
final class ValueNumbers {

    /** The values by number. */
    private Object[] values = new Object[16];
    private int size;

    private long[] longKeys = new long[16];
    /** A long's number plus one; 0 for an empty slot. */
    private int[] longNumbers = new int[16];
    private int longCount;

    private Object[] objectKeys = new Object[16];
    private int[] objectNumbers = new int[16];
    private int objectCount;

    private byte[][] byteKeys = new byte[16][];
    private int[] byteHashes = new int[16];
    private int[] byteNumbers = new int[16];
    private int byteCount;
    /** About how many entries the values come from: a table that grows past an eighth of it grows to fit it at once. */
    private final int expected;

    /**
     * Numbers for the values of about {@code expected} entries: the tables start small, and grow
     * straight to fit that many values once the values look mostly distinct, instead of doubling
     * step by step (each step's table is garbage that a start's collections copy around).
     */
    ValueNumbers(int expected) {
        this.expected = expected;
    }

    /** The number of distinct values. */
    int size() {
        return size;
    }

    /** The value of a number. */
    Object value(int number) {
        return values[number];
    }

    /** The number of a value in its {@link CompactValue} form, given the next number when it is new. */
    int number(Object value) {
        if (value instanceof Long number) {
            return number(number.longValue(), number);
        }
        int mask = objectKeys.length - 1;
        int at = spread(value.hashCode()) & mask;
        for (Object there = objectKeys[at]; there != null; there = objectKeys[at]) {
            if (there.equals(value)) {
                return objectNumbers[at];
            }
            at = (at + 1) & mask;
        }
        int number = add(value);
        objectKeys[at] = value;
        objectNumbers[at] = number;
        if (++objectCount * 2 > objectKeys.length) {
            growObjects();
        }
        return number;
    }

    /** The number of an integer, given the next number when it is new. */
    int number(long value) {
        return number(value, null);
    }

    /** The number of an integer, given the next number when it is new; {@code boxed} is it as an object, or null. */
    private int number(long value, Long boxed) {
        int mask = longKeys.length - 1;
        int at = spread(Long.hashCode(value)) & mask;
        for (int there = longNumbers[at]; there != 0; there = longNumbers[at]) {
            if (longKeys[at] == value) {
                return there - 1;
            }
            at = (at + 1) & mask;
        }
        int number = add(boxed != null ? boxed : Long.valueOf(value));
        longKeys[at] = value;
        longNumbers[at] = number + 1;
        if (++longCount * 2 > longKeys.length) {
            growLongs();
        }
        return number;
    }

    /** The number of the string whose UTF-8 bytes are {@code json[from, to)} (without escapes). */
    int number(byte[] json, int from, int to) {
        int length = to - from;
        int hash = 1;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + json[i];
        }
        int mask = byteKeys.length - 1;
        int at = spread(hash) & mask;
        for (byte[] there = byteKeys[at]; there != null; there = byteKeys[at]) {
            if (byteHashes[at] == hash && there.length == length && Arrays.equals(there, 0, length, json, from, to)) {
                return byteNumbers[at];
            }
            at = (at + 1) & mask;
        }
        int number = number(new String(json, from, length, StandardCharsets.UTF_8));
        byteKeys[at] = Arrays.copyOfRange(json, from, to);
        byteHashes[at] = hash;
        byteNumbers[at] = number;
        if (++byteCount * 2 > byteKeys.length) {
            growBytes();
        }
        return number;
    }

    private int add(Object value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, capacity(size, size * 2));
        }
        values[size] = value;
        return size++;
    }

    private void growObjects() {
        Object[] oldKeys = objectKeys;
        int[] oldNumbers = objectNumbers;
        int length = tableLength(oldKeys.length);
        objectKeys = new Object[length];
        objectNumbers = new int[length];
        int mask = objectKeys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                int at = spread(oldKeys[i].hashCode()) & mask;
                while (objectKeys[at] != null) {
                    at = (at + 1) & mask;
                }
                objectKeys[at] = oldKeys[i];
                objectNumbers[at] = oldNumbers[i];
            }
        }
    }

    private void growLongs() {
        long[] oldKeys = longKeys;
        int[] oldNumbers = longNumbers;
        int length = tableLength(oldKeys.length);
        longKeys = new long[length];
        longNumbers = new int[length];
        int mask = longKeys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldNumbers[i] != 0) {
                int at = spread(Long.hashCode(oldKeys[i])) & mask;
                while (longNumbers[at] != 0) {
                    at = (at + 1) & mask;
                }
                longKeys[at] = oldKeys[i];
                longNumbers[at] = oldNumbers[i];
            }
        }
    }

    private void growBytes() {
        byte[][] oldKeys = byteKeys;
        int[] oldHashes = byteHashes;
        int[] oldNumbers = byteNumbers;
        int length = tableLength(oldKeys.length);
        byteKeys = new byte[length][];
        byteHashes = new int[length];
        byteNumbers = new int[length];
        int mask = byteKeys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                int at = spread(oldHashes[i]) & mask;
                while (byteKeys[at] != null) {
                    at = (at + 1) & mask;
                }
                byteKeys[at] = oldKeys[i];
                byteHashes[at] = oldHashes[i];
                byteNumbers[at] = oldNumbers[i];
            }
        }
    }

    /**
     * The numbers of the values in {@link CompactValue#ORDER}: the integers sorted as primitives,
     * the other values with the comparator, the two merged.
     */
    int[] inOrder() {
        long[] longs = new long[longCount];
        Object[] others = new Object[size - longCount];
        for (int v = 0, l = 0, o = 0; v < size; v++) {
            if (values[v] instanceof Long number) {
                longs[l++] = number;
            } else {
                others[o++] = values[v];
            }
        }
        Arrays.sort(longs);
        if (others.length > 1) {
            Arrays.sort(others, CompactValue.ORDER);
        }
        int[] order = new int[size];
        int l = 0;
        int o = 0;
        for (int out = 0; out < size; out++) {
            if (o == others.length || l < longs.length && CompactValue.compareLong(longs[l], others[o]) < 0) {
                order[out] = number(longs[l++]);
            } else {
                order[out] = number(others[o++]);
            }
        }
        return order;
    }

    /** The next length of an array of {@code size} values that is full at {@code doubled / 2}. */
    private int capacity(int size, int doubled) {
        return size * 8 >= expected ? Math.max(doubled, expected) : doubled;
    }

    /** The next length of a table (a power of two, at most half full) whose length was {@code length}. */
    private int tableLength(int length) {
        int fit = Integer.highestOneBit(Math.max(1, expected)) * 4;
        return length * 4 >= expected && fit > length * 2 ? fit : length * 2;
    }

    /** Makes room for {@code more} values beyond those held, before they are numbered (a merge). */
    void reserve(int more) {
        int needed = size + more;
        if (needed > values.length) {
            values = Arrays.copyOf(values, needed);
        }
    }

    private static int spread(int hash) {
        int mixed = hash * 0x9E3779B9;
        return mixed ^ (mixed >>> 16);
    }
}
