package dev.pikodb.sample.notes;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pikodb.spring.data.Indexed;
import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.keyvalue.annotation.KeySpace;

/**
 * A note, stored by {@link NoteRepository} as one record of the table {@code notes}: the id is the
 * record's key and {@code version} is the record's PikoDB version (optimistic locking).
 *
 * <p>{@code owner}, {@code tags} and {@code createdAt} are indexed, so that a user's or a tag's notes,
 * newest first, come from the indexes ({@link NoteRepository#findByOwnerOrderByCreatedAtDesc}). The
 * record stores {@code createdAt} with its milliseconds always written ({@code 2026-01-01T09:00:00.000Z}):
 * text of one length sorts in time order, which the ISO-8601 default, leaving out a zero fraction
 * ({@code 2026-01-01T09:00:00Z} sorts after {@code 2026-01-01T09:00:00.500Z}), does not. Notes stored
 * without the fraction are read as before.
 *
 * @param id the note's id
 * @param owner who wrote it, or {@code null} (then left out of the stored record)
 * @param title the title
 * @param body the text, possibly {@code null}
 * @param tags tags, never {@code null}
 * @param createdAt when the note was created
 * @param updatedAt when it was last changed
 * @param version the version it was read with, {@code null} for a note never saved
 */
@KeySpace("notes")
public record Note(@Id String id, @Indexed @JsonInclude(JsonInclude.Include.NON_NULL) String owner, String title,
        String body, @Indexed List<String> tags,
        @Indexed @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "uuuu-MM-dd'T'HH:mm:ss[.SSS]X",
                timezone = "UTC") Instant createdAt,
        Instant updatedAt, @Version Long version) {

    /**
     * Normalizes the tags.
     */
    public Note {
        tags = (tags != null) ? List.copyOf(tags) : List.of();
    }
}
