package dev.pikodb.sample.notes;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A note as the API returns it.
 *
 * @param id the note's id
 * @param version its PikoDB version, also sent as the {@code ETag} header {@code "<version>"}
 * @param owner who it belongs to, left out when nobody
 * @param title the title
 * @param body the text
 * @param tags the tags
 * @param createdAt when it was created
 * @param updatedAt when it was last changed
 */
public record NoteResponse(String id, long version, @JsonInclude(JsonInclude.Include.NON_NULL) String owner,
        String title, String body, List<String> tags, Instant createdAt, Instant updatedAt) {

    static NoteResponse of(Note note) {
        return new NoteResponse(note.id(), note.version(), note.owner(), note.title(), note.body(), note.tags(),
                note.createdAt(), note.updatedAt());
    }
}
