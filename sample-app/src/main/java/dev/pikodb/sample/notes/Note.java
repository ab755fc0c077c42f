package dev.pikodb.sample.notes;

import java.time.Instant;
import java.util.List;

/**
 * A note as stored in the {@code notes} table (the key is the note's id; the version is PikoDB's).
 *
 * @param title the title
 * @param body the text, possibly {@code null}
 * @param tags tags, never {@code null}
 * @param createdAt when the note was created
 * @param updatedAt when it was last changed
 */
public record Note(String title, String body, List<String> tags, Instant createdAt, Instant updatedAt) {

    /**
     * Normalizes the tags.
     */
    public Note {
        tags = (tags != null) ? List.copyOf(tags) : List.of();
    }
}
