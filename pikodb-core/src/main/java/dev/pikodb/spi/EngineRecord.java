package dev.pikodb.spi;

/**
 * A stored record as an engine returns it: the value's JSON bytes exactly as stored (object keys
 * deflated when {@link #dictionaryName()} is set) and its metadata. Implementations are immutable;
 * the facade never changes the bytes, and decodes a fresh object on every read.
 */
public interface EngineRecord {

    /**
     * The array that holds the value's JSON; the value is {@code length()} bytes from {@code offset()}.
     *
     * @return the array (not copied: never modify it)
     */
    byte[] jsonArray();

    /**
     * Where the value's JSON starts in {@link #jsonArray()}.
     *
     * @return the offset
     */
    int jsonOffset();

    /**
     * How many bytes of {@link #jsonArray()} the value's JSON takes.
     *
     * @return the length
     */
    int jsonLength();

    /**
     * The record's version: 1 on the first write of a key, +1 on every overwrite.
     *
     * @return the version
     */
    long version();

    /**
     * When the record was last written.
     *
     * @return epoch milliseconds
     */
    long timestamp();

    /**
     * When the record expires (it is expired when now &gt; expiration).
     *
     * @return epoch milliseconds, or {@code null} when it never expires
     */
    Long expiration();

    /**
     * The dictionary that deflated the value's object keys.
     *
     * @return the dictionary name, or {@code null}
     */
    String dictionaryName();

    /**
     * A record over a whole array, for engines that keep no representation of their own.
     *
     * @param json the value's JSON (not copied)
     * @param version the version
     * @param timestamp the last-write time, epoch milliseconds
     * @param expiration the expiration, epoch milliseconds, or {@code null}
     * @param dictionaryName the dictionary name, or {@code null}
     * @return the record
     */
    static EngineRecord of(byte[] json, long version, long timestamp, Long expiration, String dictionaryName) {
        return new SimpleEngineRecord(json, version, timestamp, expiration, dictionaryName);
    }
}
