package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.tck.LifecycleContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The directory engine's lifecycle: one open instance per directory (the lock), the directory created
 * by the constructor, and nothing on disk changed by refused calls (the rules on every engine:
 * {@code LifecycleContract}).
 */
class LifecycleTest extends PikoDBTestSupport {

    private PikoDB unstarted(Path directory) {
        return new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).clock(clock).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.pikodb.tck.LifecycleContract#everyCall")
    void failedCallsOnAClosedDatabaseChangeNothingOnDisk(LifecycleContract.Call call) {
        db.write("t", "k", "kept");
        db.close();
        List<String> before = files();

        assertThatThrownBy(() -> call.call().accept(db)).isInstanceOf(IllegalStateException.class);

        assertThat(files()).isEqualTo(before);
        reopen();
        assertThat(db.get("t", "k")).isEqualTo("kept");
    }

    @Test
    void theDirectoryIsKnownInEveryState() {
        PikoDB fresh = unstarted(dir.resolve("other"));
        assertThat(fresh.databaseDirectory()).isEqualTo(dir.resolve("other"));
        fresh.start();
        assertThat(fresh.databaseDirectory()).isEqualTo(dir.resolve("other"));
        fresh.close();
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
    void aRefusedInstanceLeavesTheLockToTheNextOne() {
        db.write("t", "k", "first");
        PikoDB failed = unstarted(dir);
        assertThatThrownBy(failed::start).isInstanceOf(PikoDBException.class);
        failed.close();

        db.close();

        PikoDB second = open(b -> { });
        assertThat(second.get("t", "k")).isEqualTo("first");
        second.close();
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
    void storeKeepsOnlyHiddenFilesWhileEmpty() {
        assertThat(visibleFiles()).isEmpty();
        db.close();
        assertThat(visibleFiles()).isEmpty();
    }
}
