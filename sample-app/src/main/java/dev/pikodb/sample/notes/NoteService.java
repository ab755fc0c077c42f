package dev.pikodb.sample.notes;

import dev.pikodb.sample.web.EntityTags.IfMatch;
import dev.pikodb.sample.web.Problems;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;

/**
 * The notes' use cases over {@link NoteRepository}: creation under a fresh id, and updates that
 * honour the client's {@code If-Match} through the repository's optimistic locking, so two clients
 * editing the same note cannot overwrite each other's changes unknowingly.
 */
@Service
public class NoteService {

    /** Oldest first, then by id. */
    static final Sort ORDER = Sort.by("createdAt", "id");

    /** How often an {@code If-Match: *} update retries when other writers keep winning. */
    private static final int MAX_ATTEMPTS = 10;

    private final NoteRepository notes;

    private final Clock clock;

    /**
     * Creates the service.
     *
     * @param notes the repository
     * @param clock gives creation and update times
     */
    public NoteService(NoteRepository notes, Clock clock) {
        this.notes = notes;
        this.clock = clock;
    }

    /**
     * Stores a new note under a fresh id.
     *
     * @param request the note's content
     * @return the stored note, version 1
     */
    public Note create(NoteRequest request) {
        Instant now = now();
        // A note without a version is new: the repository inserts it only if no note has this id yet.
        return notes.save(new Note(UUID.randomUUID().toString(), request.owner(), request.title(), request.body(),
                request.tags(), now, now, null));
    }

    /**
     * Reads a note.
     *
     * @param id the note's id
     * @return the note, or empty when there is none
     */
    public Optional<Note> find(String id) {
        return notes.findById(id);
    }

    /**
     * Lists the notes, oldest first.
     *
     * @param tag when not {@code null}, only notes carrying this tag
     * @return the notes
     */
    public List<Note> findAll(String tag) {
        return (tag != null) ? notes.findTagged(tag, ORDER) : notes.findAll(ORDER);
    }

    /**
     * A page of an owner's or a tag's notes, newest first, from the indexes.
     *
     * @param owner the owner, or {@code null} to list by tag
     * @param tag the tag, when {@code owner} is {@code null}
     * @param page the page number, from 0
     * @param size notes per page
     * @return the page
     */
    public Page<Note> newest(String owner, String tag, int page, int size) {
        PageRequest request = PageRequest.of(page, size);
        return (owner != null) ? notes.findByOwnerOrderByCreatedAtDesc(owner, request)
                : notes.findByTagsContainingOrderByCreatedAtDesc(tag, request);
    }

    /**
     * Replaces a note's content if its current version satisfies the client's {@code If-Match}; the
     * owner stays when the request names none.
     *
     * @param id the note's id
     * @param condition the parsed {@code If-Match} header
     * @param request the new content
     * @return the stored note with its new version
     * @throws org.springframework.web.ErrorResponseException 404 when there is no such note, 412 when
     *     the version does not match
     */
    public Note update(String id, IfMatch condition, NoteRequest request) {
        for (int attempt = 1; ; attempt++) {
            Note current = find(id).orElseThrow(() -> notFound(id));
            if (!condition.matches(current.version())) {
                throw Problems.versionConflict("Note '" + id + "' is at version " + current.version()
                        + ", not the one in If-Match; read it again and retry with its ETag", current.version());
            }
            try {
                String owner = (request.owner() != null) ? request.owner() : current.owner();
                return notes.save(new Note(id, owner, request.title(), request.body(), request.tags(),
                        current.createdAt(), now(), current.version()));
            }
            catch (OptimisticLockingFailureException ex) {
                // Another write got in between our read and our write.
                if (!condition.any() || attempt == MAX_ATTEMPTS) {
                    long version = find(id).map(Note::version).orElseThrow(() -> notFound(id));
                    throw Problems.versionConflict("Note '" + id + "' was changed concurrently and is now at version "
                            + version + "; read it again and retry with its ETag", version);
                }
            }
        }
    }

    /**
     * Deletes a note.
     *
     * @param id the note's id
     * @return true if it existed
     */
    public boolean delete(String id) {
        if (!notes.existsById(id)) {
            return false;
        }
        notes.deleteById(id);
        return true;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    static RuntimeException notFound(String id) {
        return Problems.notFound("No note with id '" + id + "'");
    }
}
