package dev.pikodb.sample.notes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import dev.pikodb.test.autoconfigure.PikoDBTest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;

/**
 * The notes repository in a PikoDB test slice: only the store and the repositories, over a fresh
 * temporary directory.
 */
@PikoDBTest
class NoteRepositoryTests {

    private static final Instant T0 = Instant.parse("2026-01-01T09:00:00Z");

    @Autowired
    NoteRepository notes;

    @Autowired
    PikoDB db;

    @BeforeEach
    void empty() {
        // One temporary directory per application context, which the test methods of this class share.
        notes.deleteAll();
    }

    private static Note note(String id, String title, List<String> tags, Instant createdAt, Long version) {
        return new Note(id, null, title, null, tags, createdAt, createdAt, version);
    }

    @Test
    void notesAreRecordsOfTheNotesTableWithTheirVersion() {
        Note saved = notes.save(note("n1", "Groceries", List.of("home"), T0, null));
        assertThat(saved.version()).isEqualTo(1);
        DatabaseRecord record = db.getRecord("notes", "n1").orElseThrow();
        assertThat(record.version()).isEqualTo(1);

        Note updated = notes.save(note("n1", "Groceries for Sunday", List.of("home"), T0, saved.version()));
        assertThat(updated.version()).isEqualTo(2);
        assertThat(notes.findById("n1").orElseThrow().title()).isEqualTo("Groceries for Sunday");
    }

    @Test
    void aStaleVersionIsAnOptimisticLockingFailure() {
        Note saved = notes.save(note("n1", "Draft", List.of(), T0, null));
        notes.save(note("n1", "Edited elsewhere", List.of(), T0, saved.version()));
        assertThatExceptionOfType(OptimisticLockingFailureException.class)
            .isThrownBy(() -> notes.save(note("n1", "Stale edit", List.of(), T0, saved.version())))
            .withMessageContaining("'n1'").withMessageContaining("version 1").withMessageContaining("version 2");
        assertThat(notes.findById("n1").orElseThrow().title()).isEqualTo("Edited elsewhere");
        // A new note (no version) must not exist yet.
        assertThatExceptionOfType(OptimisticLockingFailureException.class)
            .isThrownBy(() -> notes.save(note("n1", "Same id", List.of(), T0, null)));
    }

    @Test
    void notesStoredByEarlierVersionsOfTheSampleAreRead() {
        // Earlier versions stored the note without its id and version, which are the record's key and version.
        db.write("notes", "old", java.util.Map.of("title", "From before", "tags", List.of("home"),
                "createdAt", T0.toString(), "updatedAt", T0.toString()));
        Note old = notes.findById("old").orElseThrow();
        assertThat(old.id()).isEqualTo("old");
        assertThat(old.version()).isEqualTo(1);
        assertThat(old.title()).isEqualTo("From before");
        assertThat(notes.save(new Note("old", null, "Edited", null, old.tags(), old.createdAt(), T0, old.version())).version())
            .isEqualTo(2);
    }

    @Test
    void anOwnersNotesComeNewestFirstInPagesFromTheIndexes() {
        Instant second = T0.plusSeconds(60);
        // Two notes in the same second: the one at .000 is the older, although ISO-8601 text sorts it after.
        notes.save(owned("a1", "alice", List.of("work"), second));
        notes.save(owned("a2", "alice", List.of("home"), second.plusMillis(500)));
        notes.save(owned("a3", "alice", List.of("work"), T0));
        notes.save(owned("a4", "alice", List.of(), T0.plusSeconds(3_600)));
        notes.save(owned("a5", "alice", List.of("work"), second.minusMillis(1)));
        notes.save(owned("b1", "bob", List.of("work"), T0.plusSeconds(7_200)));

        Page<Note> first = notes.findByOwnerOrderByCreatedAtDesc("alice", PageRequest.of(0, 2));
        assertThat(first.getContent()).extracting(Note::id).containsExactly("a4", "a2");
        assertThat(first.getTotalElements()).isEqualTo(5);
        assertThat(first.getTotalPages()).isEqualTo(3);
        assertThat(notes.findByOwnerOrderByCreatedAtDesc("alice", PageRequest.of(1, 2)).getContent())
            .extracting(Note::id).containsExactly("a1", "a5");
        assertThat(notes.findByOwnerOrderByCreatedAtDesc("alice", PageRequest.of(2, 2)).getContent())
            .extracting(Note::id).containsExactly("a3");
        assertThat(notes.findByOwnerOrderByCreatedAtDesc("carol", PageRequest.of(0, 2))).isEmpty();

        Page<Note> work = notes.findByTagsContainingOrderByCreatedAtDesc("work", PageRequest.of(0, 3));
        assertThat(work.getContent()).extracting(Note::id).containsExactly("b1", "a1", "a5");
        assertThat(work.getTotalElements()).isEqualTo(4);
        assertThat(db.listIndexes("notes")).containsEntry("owner", "/owner").containsEntry("tags", "/tags")
            .containsEntry("createdAt", "/createdAt");
    }

    @Test
    void createdAtIsStoredWithItsMillisecondsAndNotesWithoutOwnerStoreNone() {
        notes.save(note("n1", "Whole second", List.of(), T0, null));
        Map<?, ?> stored = (Map<?, ?>) db.get("notes", "n1");
        assertThat(stored.get("createdAt")).isEqualTo("2026-01-01T09:00:00.000Z");
        assertThat(stored.get("updatedAt")).isEqualTo("2026-01-01T09:00:00Z");
        assertThat(stored.containsKey("owner")).isFalse();
        assertThat(notes.findById("n1").orElseThrow().createdAt()).isEqualTo(T0);
    }

    private static Note owned(String id, String owner, List<String> tags, Instant createdAt) {
        return new Note(id, owner, "Note " + id, null, tags, createdAt, createdAt, null);
    }

    @Test
    void findsByTagInOrder() {
        notes.save(note("b", "Second", List.of("work", "todo"), T0.plusSeconds(2), null));
        notes.save(note("a", "First", List.of("todo"), T0.plusSeconds(1), null));
        notes.save(note("c", "Third", List.of("home"), T0.plusSeconds(3), null));
        assertThat(notes.findAll(NoteService.ORDER)).extracting(Note::id).containsExactly("a", "b", "c");
        assertThat(notes.findTagged("todo", NoteService.ORDER)).extracting(Note::id).containsExactly("a", "b");
        assertThat(notes.findTagged("nothing", NoteService.ORDER)).isEmpty();
    }
}
