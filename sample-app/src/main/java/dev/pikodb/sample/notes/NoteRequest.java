package dev.pikodb.sample.notes;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * The body of {@code POST /api/notes} and {@code PUT /api/notes/{id}}.
 *
 * @param title required, at most 200 characters
 * @param body optional, at most 10000 characters
 * @param tags optional, at most 20 non-blank tags of at most 50 characters
 * @param owner optional, at most 100 characters: who the note belongs to ({@code GET /api/notes/newest?owner=});
 *     an update without one keeps the note's owner
 */
public record NoteRequest(
        @NotBlank @Size(max = 200) String title,
        @Size(max = 10_000) String body,
        @Size(max = 20) List<@NotBlank @Size(max = 50) String> tags,
        @Size(min = 1, max = 100) String owner) {
}
