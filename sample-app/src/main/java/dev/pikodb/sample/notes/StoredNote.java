package dev.pikodb.sample.notes;

/**
 * A note with its key and version.
 *
 * @param id the key in the {@code notes} table
 * @param version the record's version
 * @param note the value
 */
public record StoredNote(String id, long version, Note note) {
}
