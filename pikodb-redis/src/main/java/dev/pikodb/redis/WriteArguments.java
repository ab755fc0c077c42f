package dev.pikodb.redis;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The arguments of the write script (see {@link Scripts#WRITE}): the key, the value, the generation and
 * the timestamp, then only as many of the optional ones as the last that is not at its default needs
 * (a plain write sends four), then the index members, which come after all ten. Each argument costs
 * the server a string in the script's {@code ARGV} on every write.
 */
final class WriteArguments {

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] NO_EXPECTED_VERSION = bytes("-1");

    private WriteArguments() {
    }

    /**
     * The arguments of one write.
     *
     * @param key the record key
     * @param json the value's JSON
     * @param expiration the expiration in epoch milliseconds, or null for none
     * @param dictionaryName the dictionary, or null for none
     * @param expectedVersion the version a compare-and-write expects, or -1 for none
     * @param generation the table's generation
     * @param epoch the index definitions' epoch
     * @param members the record's secondary index members
     * @param now the configured clock's time, or empty for the server's
     * @param stamp the server's time as this JVM reckons it, asked only when {@code now} is empty
     * @param changeStream the change stream argument, empty without a stream
     * @return the script's {@code ARGV}
     */
    static byte[][] of(String key, byte[] json, Long expiration, String dictionaryName, long expectedVersion,
            long generation, long epoch, byte[][] members, byte[] now, Supplier<byte[]> stamp, byte[] changeStream) {
        int count;
        if (members.length > 0) {
            count = 10 + members.length;
        } else if (changeStream.length > 0) {
            count = 10;
        } else if (now.length > 0) {
            count = 9;
        } else if (dictionaryName != null) {
            count = 8;
        } else if (epoch != 0) {
            count = 7;
        } else if (expectedVersion != -1) {
            count = 6;
        } else if (expiration != null) {
            count = 5;
        } else {
            count = 4;
        }
        byte[][] args = new byte[count][];
        args[0] = bytes(key);
        args[1] = json;
        args[2] = bytes(Long.toString(generation));
        args[3] = now.length > 0 ? EMPTY : stamp.get();
        if (count > 4) {
            args[4] = expiration == null ? EMPTY : bytes(expiration.toString());
        }
        if (count > 5) {
            args[5] = expectedVersion == -1 ? NO_EXPECTED_VERSION : bytes(Long.toString(expectedVersion));
        }
        if (count > 6) {
            args[6] = bytes(Long.toString(epoch));
        }
        if (count > 7) {
            args[7] = RecordFormat.dictionaryField(dictionaryName);
        }
        if (count > 8) {
            args[8] = now;
        }
        if (count > 9) {
            args[9] = changeStream;
        }
        if (members.length > 0) {
            System.arraycopy(members, 0, args, 10, members.length);
        }
        return args;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
