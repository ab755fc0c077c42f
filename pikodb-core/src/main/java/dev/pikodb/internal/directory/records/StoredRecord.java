package dev.pikodb.internal.directory.records;

import dev.pikodb.spi.EngineRecord;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One record: the value's JSON bytes exactly as stored (deflated when a dictionary is used) and its
 * metadata. Immutable; the value is decoded only when read.
 *
 * <p>Memory: most records neither expire nor use a dictionary. {@link Records} holds such a
 * "plain" record as a single array, its version and timestamp in a {@value #PACKED_HEADER}-byte
 * header in front of the JSON ({@link #held()}), and builds this object again only when it is read
 * ({@link #of(Object)}). That saves the object per record, about a sixth of a typical record's heap.
 */
public final class StoredRecord implements EngineRecord {

    /** Bytes in front of the JSON of a plain record's array: version and timestamp, big-endian. */
    static final int PACKED_HEADER = 16;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    public final byte[] bytes;
    public final int valueOffset;
    public final long version;
    public final long timestamp;
    public final boolean expires;
    public final long expiration;
    public final String dictionaryName;

    private StoredRecord(byte[] bytes, int valueOffset, long version, long timestamp, Long expiration,
            String dictionaryName) {
        this.bytes = bytes;
        this.valueOffset = valueOffset;
        this.version = version;
        this.timestamp = timestamp;
        this.expires = expiration != null;
        this.expiration = expiration == null ? 0 : expiration;
        this.dictionaryName = dictionaryName;
    }

    /** A record whose value is {@code json}, taken as is (plain records get a copy with a header). */
    public static StoredRecord of(byte[] json, long version, long timestamp, Long expiration, String dictionaryName) {
        return of(json, 0, json.length, version, timestamp, expiration, dictionaryName);
    }

    /** A record whose value is the bytes {@code json[from, to)}. */
    public static StoredRecord of(byte[] json, int from, int to, long version, long timestamp, Long expiration,
            String dictionaryName) {
        if (expiration == null && dictionaryName == null) {
            return new StoredRecord(pack(json, from, to, version, timestamp), PACKED_HEADER, version, timestamp, null,
                    null);
        }
        byte[] value = from == 0 && to == json.length ? json : Arrays.copyOfRange(json, from, to);
        return new StoredRecord(value, 0, version, timestamp, expiration, dictionaryName);
    }

    /**
     * What {@link Records} keeps for the record {@link #of(byte[], int, int, long, long, Long, String)}
     * would make, without making that object for a plain record (a load reads millions).
     */
    public static Object held(byte[] json, int from, int to, long version, long timestamp, Long expiration,
            String dictionaryName) {
        if (expiration == null && dictionaryName == null) {
            return pack(json, from, to, version, timestamp);
        }
        return of(json, from, to, version, timestamp, expiration, dictionaryName);
    }

    private static byte[] pack(byte[] json, int from, int to, long version, long timestamp) {
        byte[] packed = new byte[PACKED_HEADER + to - from];
        LONGS.set(packed, 0, version);
        LONGS.set(packed, 8, timestamp);
        System.arraycopy(json, from, packed, PACKED_HEADER, to - from);
        return packed;
    }

    /** What {@link Records} keeps for this record: the packed array of a plain record, else this. */
    public Object held() {
        return valueOffset == PACKED_HEADER && !expires && dictionaryName == null ? bytes : this;
    }

    /** The record that {@link #held()} returned. */
    public static StoredRecord of(Object held) {
        if (held instanceof byte[] packed) {
            return new StoredRecord(packed, PACKED_HEADER, (long) LONGS.get(packed, 0), (long) LONGS.get(packed, 8),
                    null, null);
        }
        return (StoredRecord) held;
    }

    /** The version of a held record, or 0 when it has expired at {@code now}. */
    static long liveVersion(Object held, long now) {
        if (held instanceof byte[] packed) {
            return (long) LONGS.get(packed, 0);
        }
        StoredRecord record = (StoredRecord) held;
        return record.isExpired(now) ? 0 : record.version;
    }

    /** Whether a held record can expire (a packed plain record never does). */
    static boolean canExpire(Object held) {
        return held instanceof StoredRecord record && record.expires;
    }

    public int valueLength() {
        return bytes.length - valueOffset;
    }

    public boolean isExpired(long now) {
        return expires && now > expiration;
    }

    public Long expirationOrNull() {
        return expires ? expiration : null;
    }

    @Override
    public byte[] jsonArray() {
        return bytes;
    }

    @Override
    public int jsonOffset() {
        return valueOffset;
    }

    @Override
    public int jsonLength() {
        return bytes.length - valueOffset;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public long timestamp() {
        return timestamp;
    }

    @Override
    public Long expiration() {
        return expirationOrNull();
    }

    @Override
    public String dictionaryName() {
        return dictionaryName;
    }
}
