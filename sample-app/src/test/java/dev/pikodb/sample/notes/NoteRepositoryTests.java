package dev.pikodb.sample.notes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import dev.pikodb.test.autoconfigure.PikoDBTest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.OptimisticLockingFailureException;

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
        return new Note(id, title, null, tags, createdAt, createdAt, version);
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
        assertThat(notes.save(new Note("old", "Edited", null, old.tags(), old.createdAt(), T0, old.version())).version())
            .isEqualTo(2);
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
