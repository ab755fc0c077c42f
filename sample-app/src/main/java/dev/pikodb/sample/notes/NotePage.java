package dev.pikodb.sample.notes;

import java.util.List;
import org.springframework.data.domain.Page;

/**
 * A page of notes as {@code GET /api/notes/newest} returns it.
 *
 * @param notes the notes of the page, newest first
 * @param page the page number, from 0
 * @param size the page size asked for
 * @param totalElements the notes of every page
 * @param totalPages the number of pages
 */
public record NotePage(List<NoteResponse> notes, int page, int size, long totalElements, int totalPages) {

    static NotePage of(Page<Note> page) {
        return new NotePage(page.getContent().stream().map(NoteResponse::of).toList(), page.getNumber(),
                page.getSize(), page.getTotalElements(), page.getTotalPages());
    }
}
