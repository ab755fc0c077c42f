package dev.pikodb.sample.notes;

import dev.pikodb.sample.web.EntityTags;
import dev.pikodb.sample.web.Problems;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * {@code /api/notes}: create, list, read, update with optimistic locking, delete; and
 * {@code /api/notes/newest}: an owner's or a tag's notes, newest first, in pages.
 *
 * <p>Every single-note answer carries the note's version as a strong {@code ETag} ({@code "3"}). An
 * update must send it back as {@code If-Match}: a stale version gets 412 Precondition Failed, a
 * missing header 428 Precondition Required, so no client overwrites a change it has not seen.
 */
@RestController
@RequestMapping("/api/notes")
public class NoteController {

    /** The most notes a page of {@code /api/notes/newest} holds. */
    static final int MAX_PAGE_SIZE = 100;

    private final NoteService notes;

    /**
     * Creates the controller.
     *
     * @param notes the notes' use cases
     */
    public NoteController(NoteService notes) {
        this.notes = notes;
    }

    /**
     * Creates a note.
     *
     * @param request its content
     * @return 201 with {@code Location} and {@code ETag}
     */
    @PostMapping
    public ResponseEntity<NoteResponse> create(@Valid @RequestBody NoteRequest request) {
        Note stored = notes.create(request);
        return ResponseEntity.created(location(stored.id()))
            .eTag(EntityTags.of(stored.version()))
            .body(NoteResponse.of(stored));
    }

    /**
     * Lists the notes, oldest first.
     *
     * @param tag only notes with this tag, when given
     * @return the notes
     */
    @GetMapping
    public List<NoteResponse> list(@RequestParam(required = false) String tag) {
        return notes.findAll(tag).stream().map(NoteResponse::of).toList();
    }

    /**
     * Lists an owner's or a tag's notes, newest first, a page at a time, from the indexes on
     * {@code owner}, {@code tags} and {@code createdAt}.
     *
     * @param owner the owner; give it or {@code tag}
     * @param tag the tag; give it or {@code owner}
     * @param page the page number, from 0
     * @param size notes per page, 1 to {@value #MAX_PAGE_SIZE}
     * @return the page
     */
    @GetMapping("/newest")
    public NotePage newest(@RequestParam(required = false) String owner, @RequestParam(required = false) String tag,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        if ((owner == null) == (tag == null)) {
            throw Problems.badRequest("Give one of owner and tag, e.g. /api/notes/newest?owner=alice or"
                    + " /api/notes/newest?tag=work");
        }
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw Problems.badRequest("page must be 0 or more and size between 1 and " + MAX_PAGE_SIZE + ", were "
                    + page + " and " + size);
        }
        return NotePage.of(notes.newest(owner, tag, page, size));
    }

    /**
     * Reads a note; answers 304 when {@code If-None-Match} names its current version.
     *
     * @param id the note's id
     * @param ifNoneMatch optional {@code If-None-Match} header
     * @return the note with its {@code ETag}
     */
    @GetMapping("/{id}")
    public ResponseEntity<NoteResponse> get(@PathVariable String id,
            @RequestHeader(name = "If-None-Match", required = false) String ifNoneMatch) {
        Note stored = notes.find(id).orElseThrow(() -> NoteService.notFound(id));
        String etag = EntityTags.of(stored.version());
        if (ifNoneMatch != null && (ifNoneMatch.trim().equals("*") || ifNoneMatch.contains(etag))) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
        }
        return ResponseEntity.ok().eTag(etag).body(NoteResponse.of(stored));
    }

    /**
     * Replaces a note's content if {@code If-Match} names its current version ({@code *} accepts any).
     *
     * @param id the note's id
     * @param ifMatch the {@code If-Match} header
     * @param request the new content
     * @return the note with its new {@code ETag}
     */
    @PutMapping("/{id}")
    public ResponseEntity<NoteResponse> update(@PathVariable String id,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody NoteRequest request) {
        if (ifMatch == null || ifMatch.isBlank()) {
            Note current = notes.find(id).orElseThrow(() -> NoteService.notFound(id));
            throw Problems.preconditionRequired("Updating note '" + id + "' requires an If-Match header with the"
                    + " ETag of the version you read; the note is now at version " + current.version() + ", so send"
                    + " If-Match: " + EntityTags.of(current.version()) + " if that is the version you read"
                    + " (or If-Match: * to overwrite any version)");
        }
        Note stored = notes.update(id, EntityTags.parseIfMatch(ifMatch), request);
        return ResponseEntity.ok().eTag(EntityTags.of(stored.version())).body(NoteResponse.of(stored));
    }

    /**
     * Deletes a note.
     *
     * @param id the note's id
     * @return 204, or 404 when there was no such note
     */
    @DeleteMapping("/{id}")
    public ResponseEntity<Void> delete(@PathVariable String id) {
        if (!notes.delete(id)) {
            throw NoteService.notFound(id);
        }
        return ResponseEntity.noContent().build();
    }

    private static URI location(String id) {
        return ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}").buildAndExpand(id).toUri();
    }
}
