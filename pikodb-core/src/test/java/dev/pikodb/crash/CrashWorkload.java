package dev.pikodb.crash;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * The values the crash workload writes: each one carries its key, a unique write number, a padding
 * string of a chosen length and that padding's checksum, so a value read back can be recognised as
 * exactly one particular write, whole, and never a mixture or a torn piece.
 */
final class CrashWorkload {

    static final String[] TABLES = {"alpha", "beta", "gamma"};
    static final int KEYS_PER_THREAD_AND_TABLE = 24;

    private static final char[] ALPHABET =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_éü€жΩ".toCharArray();

    private CrashWorkload() {
    }

    static String key(int thread, int index) {
        return "w" + thread + "-k" + index;
    }

    /** The padding of write {@code number}: {@code length} chars, some of them multi-byte in UTF-8. */
    static String pad(String key, long number, int length) {
        SplittableRandom random = new SplittableRandom(key.hashCode() * 1_000_003L + number);
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }

    static long checksum(String pad) {
        CRC32 crc = new CRC32();
        crc.update(pad.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    static Map<String, Object> value(String key, long number, int length) {
        String pad = pad(key, number, length);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("key", key);
        value.put("n", number);
        value.put("len", length);
        value.put("crc", checksum(pad));
        value.put("pad", pad);
        return value;
    }

    /**
     * Mostly small values, a third of 1-4 KB and a fifth larger than a 4 KiB page, so that journal
     * frames and table file entries straddle page boundaries.
     */
    static int length(SplittableRandom random, boolean durable) {
        int roll = random.nextInt(100);
        if (roll < 45) {
            return 8 + random.nextInt(300);
        }
        if (roll < 75) {
            return 1_000 + random.nextInt(3_000);
        }
        return (durable ? 12_000 : 4_500) + random.nextInt(20_000);
    }

    /** A value as read back, with its identity, or a description of what is wrong with it. */
    record Decoded(String key, long number, int length, long crc, String problem) {
    }

    /** Checks that a value read back is one whole value of this workload for {@code key}. */
    static Decoded decode(String key, Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return new Decoded(key, -1, -1, -1, "not an object: " + abbreviate(value));
        }
        Object storedKey = map.get("key");
        Object number = map.get("n");
        Object length = map.get("len");
        Object crc = map.get("crc");
        Object pad = map.get("pad");
        if (!key.equals(storedKey) || !(number instanceof Number) || !(length instanceof Number)
                || !(crc instanceof Number) || !(pad instanceof String padText) || map.size() != 5) {
            return new Decoded(key, -1, -1, -1, "malformed value " + abbreviate(value));
        }
        long n = ((Number) number).longValue();
        int len = ((Number) length).intValue();
        long sum = ((Number) crc).longValue();
        if (padText.length() != len) {
            return new Decoded(key, n, len, sum, "torn value: pad has " + padText.length() + " chars, expected " + len);
        }
        if (checksum(padText) != sum || !padText.equals(pad(key, n, len))) {
            return new Decoded(key, n, len, sum, "value of write #" + n + " has a pad that does not match its checksum");
        }
        return new Decoded(key, n, len, sum, null);
    }

    private static String abbreviate(Object value) {
        String text = String.valueOf(value);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
