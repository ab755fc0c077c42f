package dev.pikodb;

/**
 * One stored record as returned by {@link PikoDB#getRecord(String, String)}.
 *
 * @param value the stored value in Jackson's natural mapping ({@code LinkedHashMap}, {@code ArrayList},
 *     {@code String}, numbers, {@code Boolean}), or {@code null} for a stored JSON null
 * @param version 1 after the first write of the key, incremented by every overwrite
 * @param timestamp epoch milliseconds of the last write
 * @param expiration epoch milliseconds after which the record is expired, or {@code null} for never
 * @param dictionaryName the dictionary the value was compressed with, or {@code null}
 */
public record DatabaseRecord(Object value, long version, long timestamp, Long expiration, String dictionaryName) {
}
