package dev.pikodb.sample.notes;

import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.keyvalue.annotation.KeySpace;

/**
 * A note, stored by {@link NoteRepository} as one record of the table {@code notes}: the id is the
 * record's key and {@code version} is the record's PikoDB version (optimistic locking).
 *
 * @param id the note's id
 * @param title the title
 * @param body the text, possibly {@code null}
 * @param tags tags, never {@code null}
 * @param createdAt when the note was created
 * @param updatedAt when it was last changed
 * @param version the version it was read with, {@code null} for a note never saved
 */
@KeySpace("notes")
public record Note(@Id String id, String title, String body, List<String> tags, Instant createdAt, Instant updatedAt,
        @Version Long version) {

    /**
     * Normalizes the tags.
     */
    public Note {
        tags = (tags != null) ? List.copyOf(tags) : List.of();
    }
}
