package dev.pikodb.spi;

import java.util.Objects;

/**
 * A record to store exactly as it was stored elsewhere, with its version, timestamp, expiration and
 * dictionary: what {@link StorageEngine#importRecords} takes when a database is copied or restored.
 *
 * @param key the key
 * @param record the record: the value's JSON as stored (deflated with the record's dictionary, which
 *     the target keeps before the record is imported) and its metadata
 */
public record ImportedRecord(String key, EngineRecord record) {

    /**
     * Checks the arguments.
     *
     * @param key the key
     * @param record the record
     */
    public ImportedRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(record, "record");
    }
}
