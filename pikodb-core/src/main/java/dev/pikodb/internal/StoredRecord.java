package dev.pikodb.internal;

/**
 * One record as held in memory: the value's JSON bytes exactly as they are stored (deflated when a
 * dictionary is used) and its metadata. Immutable; decoded only when read.
 */
public final class StoredRecord {

    final byte[] value;
    final long version;
    final long timestamp;
    final boolean expires;
    final long expiration;
    final String dictionaryName;

    StoredRecord(byte[] value, long version, long timestamp, Long expiration, String dictionaryName) {
        this.value = value;
        this.version = version;
        this.timestamp = timestamp;
        this.expires = expiration != null;
        this.expiration = expiration == null ? 0 : expiration;
        this.dictionaryName = dictionaryName;
    }

    boolean isExpired(long now) {
        return expires && now > expiration;
    }

    Long expirationOrNull() {
        return expires ? expiration : null;
    }

    long version() {
        return version;
    }
}
