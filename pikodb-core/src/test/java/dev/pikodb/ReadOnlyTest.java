package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.internal.directory.DirectoryCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a directory read-only and checking it change no file. */
class ReadOnlyTest extends PikoDBTestSupport {

    @TempDir
    Path elsewhere;

    /** A copy of the open database's directory: table files behind their journals, as after a crash. */
    private Path crashImage() {
        db.write("users", "alice", map("name", "Alice"));
        db.write("users", "alice", map("name", "Alice", "age", 31));
        db.write("orders", "o1", 12.5);
        return TestFiles.copyDirectory(dir, elsewhere.resolve("image"));
    }

    @Test
    void readOnlyOpenReadsJournalsAndChangesNothing() throws Exception {
        Path image = crashImage();
        Files.writeString(image.resolve("broken"), "{ not json", StandardCharsets.UTF_8);
        Map<String, byte[]> before = contents(image);
        try (PikoDB readOnly = new PikoDB(DatabaseOptions.builder().databaseDirectory(image).readOnly(true).build())) {
            readOnly.start();
            assertThat(readOnly.listTables()).containsExactly("orders", "users");
            assertThat(readOnly.getRecord("users", "alice").orElseThrow().version()).isEqualTo(2);
            assertThatThrownBy(() -> readOnly.write("users", "bob", 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("read-only");
            assertThatThrownBy(() -> readOnly.deleteTable("users")).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(readOnly::flush).isInstanceOf(IllegalStateException.class);
            readOnly.backup(elsewhere.resolve("backup"));
        }
        Map<String, byte[]> after = contents(image);
        after.remove(TestFiles.LOCK);
        before.remove(TestFiles.LOCK);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        after.forEach((name, bytes) -> assertThat(bytes).as(name).isEqualTo(before.get(name)));
        try (PikoDB copy = new PikoDB(elsewhere.resolve("backup"))) {
            copy.start();
            assertThat(copy.getRecord("users", "alice").orElseThrow().version()).isEqualTo(2);
        }
    }

    @Test
    void readOnlyOpenOfAMissingDirectoryFailsWithoutCreatingIt() {
        Path missing = elsewhere.resolve("missing");
        assertThatThrownBy(() -> new PikoDB(DatabaseOptions.builder().databaseDirectory(missing).readOnly(true).build()))
                .isInstanceOf(PikoDBException.class).hasMessageContaining("does not exist");
        assertThat(Files.exists(missing)).isFalse();
    }

    @Test
    void checkReportsWhatAStartWouldDoAndChangesNothing() throws Exception {
        Path image = crashImage();
        Files.writeString(image.resolve("broken"), "{ not json", StandardCharsets.UTF_8);
        Path journal = image.resolve(".users.journal");
        Files.write(journal, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(image.resolve("notes.tmp"), "mine");
        Map<String, byte[]> before = contents(image);

        DirectoryCheck.Result result = DirectoryCheck.check(image);

        assertThat(result.tables()).containsEntry("users", 1).containsEntry("orders", 1).doesNotContainKey("broken");
        assertThat(result.findings()).anySatisfy(line -> assertThat(line).startsWith("would move aside")
                .contains("broken").contains("cannot be parsed"));
        assertThat(result.findings()).anySatisfy(line -> assertThat(line).startsWith("would cut 3 bytes")
                .contains(".users.journal"));
        assertThat(result.findings()).anySatisfy(line -> assertThat(line).startsWith("ignores").contains("notes.tmp"));
        Map<String, byte[]> after = contents(image);
        after.remove(TestFiles.LOCK);
        before.remove(TestFiles.LOCK);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        after.forEach((name, bytes) -> assertThat(bytes).as(name).isEqualTo(before.get(name)));
    }

    @Test
    void checkRefusesADirectoryThatIsOpen() {
        assertThatThrownBy(() -> DirectoryCheck.check(dir)).isInstanceOf(PikoDBException.class)
                .hasMessageContaining("already open");
    }

    private static Map<String, byte[]> contents(Path directory) throws Exception {
        Map<String, byte[]> contents = new LinkedHashMap<>();
        for (String name : TestFiles.fileNames(directory)) {
            contents.put(name, Files.readAllBytes(directory.resolve(name)));
        }
        return contents;
    }
}
