package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.type.TypeReference;

/**
 * The directory engine's lifecycle: one open instance per directory (the lock), the directory created
 * by the constructor, and nothing on disk changed by refused calls (the rules on every engine:
 * {@code LifecycleContract}).
 */
class LifecycleTest extends PikoDBTestSupport {

    record Call(String name, Consumer<PikoDB> call) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Call> everyCall() {
        return Stream.of(
                new Call("flush", PikoDB::flush),
                new Call("write", db -> db.write("t", "k", 1)),
                new Call("write with expiration", db -> db.write("t", "k", 1, T0 + 10)),
                new Call("write with dictionary", db -> db.write("t", "k", 1, null, null)),
                new Call("compareAndWrite", db -> db.compareAndWrite("t", "k", 0, 1)),
                new Call("get", db -> db.get("t", "k")),
                new Call("get typed", db -> db.get("t", "k", Integer.class)),
                new Call("get type reference", db -> db.get("t", "k", new TypeReference<List<Integer>>() { })),
                new Call("get table", db -> db.get("t")),
                new Call("getRecord", db -> db.getRecord("t", "k")),
                new Call("delete", db -> db.delete("t", "k")),
                new Call("getTableSize", db -> db.getTableSize("t")),
                new Call("listTables", PikoDB::listTables),
                new Call("deleteTable", db -> db.deleteTable("t")),
                new Call("cleanupExpired", db -> db.cleanupExpired("t")),
                new Call("cleanupAllExpired", PikoDB::cleanupAllExpired),
                new Call("addDictionary", db -> db.addDictionary("d", Dictionary.deflate(Map.of("a", "b")))),
                new Call("removeDictionary", db -> db.removeDictionary("d")),
                new Call("listDictionaries", PikoDB::listDictionaries),
                new Call("tableSummaries", PikoDB::tableSummaries),
                new Call("tableSummary", db -> db.tableSummary("t")));
    }

    private PikoDB unstarted(Path directory) {
        return new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).clock(clock).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCall")
    void failedCallsOnAClosedDatabaseChangeNothingOnDisk(Call call) {
        db.write("t", "k", "kept");
        db.close();
        List<String> before = files();

        assertThatThrownBy(() -> call.call().accept(db)).isInstanceOf(IllegalStateException.class);

        assertThat(files()).isEqualTo(before);
        reopen();
        assertThat(db.get("t", "k")).isEqualTo("kept");
    }

    @Test
    void monitoringCallsWorkInEveryState() {
        PikoDB fresh = unstarted(dir.resolve("other"));
        assertThat(fresh.isOpen()).isFalse();
        assertThatCode(fresh::statistics).doesNotThrowAnyException();
        assertThat(fresh.quarantinedFiles()).isEmpty();
        assertThat(fresh.failedTables()).isEmpty();
        fresh.start();
        assertThat(fresh.isOpen()).isTrue();
        fresh.write("t", "k", 1);
        fresh.close();
        assertThat(fresh.isOpen()).isFalse();
        assertThat(fresh.statistics().writes()).isEqualTo(1);
        assertThat(fresh.quarantinedFiles()).isEmpty();
        assertThat(fresh.failedTables()).isEmpty();
        assertThat(fresh.databaseDirectory()).isEqualTo(dir.resolve("other"));
    }

    @Test
    void secondInstanceOnTheSameDirectoryFailsWhileTheFirstIsOpen() {
        db.write("t", "k", "first");
        PikoDB second = unstarted(dir);

        assertThatThrownBy(second::start)
                .isInstanceOf(PikoDBException.class)
                .hasMessageFindingMatch("(?i)lock|held|in use|already|another|open");
        assertThat(second.isOpen()).isFalse();
        assertThatCode(second::close).doesNotThrowAnyException();

        assertThat(db.get("t", "k")).as("the first instance keeps working").isEqualTo("first");
        assertThat(db.write("t", "k", "still mine")).isEqualTo(2);
    }

    @Test
    void secondInstanceFailsEvenWhenTheDirectoryIsSpelledDifferently() throws Exception {
        Files.createDirectories(dir.resolve("sub"));
        PikoDB second = unstarted(dir.resolve("sub").resolve(".."));
        try {
            assertThatThrownBy(second::start).isInstanceOf(PikoDBException.class);
        } finally {
            second.close();
        }
    }

    @Test
    void secondInstanceFailsForEveryOtherInstance() {
        PikoDB second = unstarted(dir);
        PikoDB third = unstarted(dir);
        assertThatThrownBy(second::start).isInstanceOf(PikoDBException.class);
        assertThatThrownBy(third::start).isInstanceOf(PikoDBException.class);
        second.close();
        third.close();
    }

    @Test
    void newInstanceStartsAfterTheFirstIsClosed() {
        db.write("t", "k", "first");
        PikoDB failed = unstarted(dir);
        assertThatThrownBy(failed::start).isInstanceOf(PikoDBException.class);
        failed.close();

        db.close();

        PikoDB second = open(b -> { });
        assertThat(second.get("t", "k")).isEqualTo("first");
        assertThat(second.write("t", "k", "second")).isEqualTo(2);
        second.close();
        PikoDB third = open(b -> { });
        assertThat(third.get("t", "k")).isEqualTo("second");
    }

    @Test
    void failedStartDoesNotBreakTheFirstInstanceOrItsLock() {
        PikoDB second = unstarted(dir);
        assertThatThrownBy(second::start).isInstanceOf(PikoDBException.class);
        second.close();

        PikoDB third = unstarted(dir);
        assertThatThrownBy(third::start).as("the lock is still held by the first instance")
                .isInstanceOf(PikoDBException.class);
        third.close();
    }

    @Test
    void constructorCreatesTheDirectory() {
        Path nested = dir.resolve("a").resolve("b").resolve("c");
        assertThat(nested).doesNotExist();

        PikoDB created = new PikoDB(nested);

        assertThat(nested).isDirectory();
        created.start();
        created.write("t", "k", 1);
        created.close();
        assertThat(nested.resolve("t")).isRegularFile();
    }

    @Test
    void constructorWithDefaultsUsesThePath() {
        PikoDB created = new PikoDB(dir.resolve("defaults"));
        assertThat(created.databaseDirectory()).isEqualTo(dir.resolve("defaults"));
        assertThat(created.options().durableWrites()).isFalse();
        assertThat(created.options().dictionaries()).isEmpty();
        created.close();
    }

    @Test
    void constructorRejectsAFileAsDirectory() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> new PikoDB(file)).isInstanceOf(PikoDBException.class)
                .hasMessageContaining("plain-file");
    }

    @Test
    void tryWithResourcesClosesAndReleasesTheDirectory() {
        Path other = dir.resolve("twr");
        try (PikoDB first = unstarted(other)) {
            first.start();
            first.write("t", "k", "v");
        }
        try (PikoDB second = unstarted(other)) {
            second.start();
            assertThat(second.get("t", "k")).isEqualTo("v");
        }
    }

    @Test
    void storeKeepsOnlyHiddenFilesWhileEmpty() {
        assertThat(visibleFiles()).isEmpty();
        db.close();
        assertThat(visibleFiles()).isEmpty();
    }
}
