package dev.pikodb.sample.notes;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import dev.pikodb.sample.web.EntityTags.IfMatch;
import dev.pikodb.sample.web.Problems;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * Notes in the PikoDB table {@code notes}, one record per note, keyed by a generated id. Updates use
 * {@link PikoDB#compareAndWrite} so that two clients editing the same note cannot overwrite each
 * other's changes unknowingly.
 */
@Repository
public class NoteRepository {

    /** The table holding the notes. */
    public static final String TABLE = "notes";

    /** How often an {@code If-Match: *} update retries when other writers keep winning. */
    private static final int MAX_ATTEMPTS = 10;

    private final PikoDB db;

    private final JsonMapper jsonMapper;

    private final Clock clock;

    /**
     * Creates the repository.
     *
     * @param db the store
     * @param jsonMapper converts the values read from the store into {@link Note}s
     * @param clock gives creation and update times
     */
    public NoteRepository(PikoDB db, JsonMapper jsonMapper, Clock clock) {
        this.db = db;
        this.jsonMapper = jsonMapper;
        this.clock = clock;
    }

    /**
     * Stores a new note under a fresh id.
     *
     * @param request the note's content
     * @return the stored note, version 1
     */
    public StoredNote create(NoteRequest request) {
        Instant now = now();
        Note note = new Note(request.title(), request.body(), request.tags(), now, now);
        while (true) {
            String id = UUID.randomUUID().toString();
            // Expected version 0: write only if no note has this id yet.
            if (db.compareAndWrite(TABLE, id, 0, note)) {
                return new StoredNote(id, 1, note);
            }
        }
    }

    /**
     * Reads a note.
     *
     * @param id the note's id
     * @return the note with its version, or empty when there is none
     * @throws IllegalArgumentException when the id is not a valid PikoDB key
     */
    public Optional<StoredNote> find(String id) {
        return db.getRecord(TABLE, id).map(record -> toStoredNote(id, record));
    }

    /**
     * Lists the notes, oldest first.
     *
     * @param tag when not {@code null}, only notes carrying this tag
     * @return the notes with their versions
     */
    public List<StoredNote> findAll(String tag) {
        return db.get(TABLE)
            .stream()
            .map(Map.Entry::getKey)
            .map(this::find)
            .flatMap(Optional::stream)
            .filter(stored -> tag == null || stored.note().tags().contains(tag))
            .sorted(Comparator.comparing((StoredNote stored) -> stored.note().createdAt())
                .thenComparing(StoredNote::id))
            .toList();
    }

    /**
     * Replaces a note's content if its current version satisfies the client's {@code If-Match}.
     *
     * @param id the note's id
     * @param condition the parsed {@code If-Match} header
     * @param request the new content
     * @return the stored note with its new version
     * @throws org.springframework.web.ErrorResponseException 404 when there is no such note, 412 when
     *     the version does not match
     */
    public StoredNote update(String id, IfMatch condition, NoteRequest request) {
        for (int attempt = 1; ; attempt++) {
            StoredNote current = find(id).orElseThrow(() -> notFound(id));
            if (!condition.matches(current.version())) {
                throw Problems.versionConflict("Note '" + id + "' is at version " + current.version()
                        + ", not the one in If-Match; read it again and retry with its ETag", current.version());
            }
            Note updated = new Note(request.title(), request.body(), request.tags(), current.note().createdAt(),
                    now());
            if (db.compareAndWrite(TABLE, id, current.version(), updated)) {
                return new StoredNote(id, current.version() + 1, updated);
            }
            // Another write got in between our read and our write.
            if (!condition.any() || attempt == MAX_ATTEMPTS) {
                long now = find(id).map(StoredNote::version).orElseThrow(() -> notFound(id));
                throw Problems.versionConflict("Note '" + id + "' was changed concurrently and is now at version "
                        + now + "; read it again and retry with its ETag", now);
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
        return db.delete(TABLE, id);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    static RuntimeException notFound(String id) {
        return Problems.notFound("No note with id '" + id + "'");
    }

    private StoredNote toStoredNote(String id, DatabaseRecord record) {
        Note note = Objects.requireNonNull(jsonMapper.convertValue(record.value(), Note.class),
                () -> "Note '" + id + "' holds null");
        return new StoredNote(id, record.version(), note);
    }
}
