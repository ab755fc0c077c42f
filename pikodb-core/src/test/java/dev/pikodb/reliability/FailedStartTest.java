package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.TestFiles;
import dev.pikodb.TestHooks;
import dev.pikodb.internal.directory.FileIO;
import dev.pikodb.reliability.FaultyFileIO.Kind;
import dev.pikodb.reliability.FaultyFileIO.Mode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails leaves nothing behind: no file of the directory stays open, the directory is
 * not left locked, and a later start with the problem removed succeeds.
 */
class FailedStartTest {

    @TempDir
    Path dir;

    @Test
    void aConflictingDictionaryConfigurationLeaksNoFiles() {
        try (PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(dir)
                .dictionary("sensors", Dictionary.deflate(Map.of("sensor", "s"))).build())) {
            db.start();
            db.write("readings", "r1", Map.of("sensor", "DHT22"), null, "sensors");
        }
        DatabaseOptions conflicting = DatabaseOptions.builder().databaseDirectory(dir)
                .dictionary("sensors", Dictionary.deflate(Map.of("sensor", "x"))).build();
        assertThatThrownBy(() -> new PikoDB(conflicting).start()).isInstanceOf(IllegalArgumentException.class);
        int before = TestFiles.openFileCount();

        PikoDB failing = new PikoDB(conflicting);
        assertThatThrownBy(failing::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sensors");
        assertThat(TestFiles.openFilesUnder(dir)).as("files left open").isEmpty();
        assertThat(TestFiles.openFileCount()).as("open file descriptors").isEqualTo(before);

        try (PikoDB db = new PikoDB(dir)) {
            db.start();
            assertThat(db.get("readings", "r1")).isEqualTo(Map.of("sensor", "DHT22"));
        }
    }

    @Test
    void aDirectoryOpenInThisJvmLeaksNoFiles() throws Exception {
        try (PikoDB holder = new PikoDB(dir)) {
            holder.start();
            holder.write("t", "k", 1);
            assertThatThrownBy(() -> new PikoDB(dir).start()).isInstanceOf(PikoDBException.class);
            var openBefore = TestFiles.openFilesUnder(dir);
            int before = TestFiles.openFileCount();
            assertThatThrownBy(() -> new PikoDB(dir).start()).isInstanceOf(PikoDBException.class)
                    .hasMessageContaining(dir.toRealPath().toString());
            assertThat(TestFiles.openFilesUnder(dir)).as("files open").isEqualTo(openBefore);
            assertThat(TestFiles.openFileCount()).as("open file descriptors").isEqualTo(before);
        }
    }

    /**
     * Two tables with journals (as a killed process leaves them); opening the second journal fails.
     * The first journal, already opened, must be closed again and the directory released.
     */
    @Test
    void anIoErrorWhileLoadingTablesLeaksNoFiles() {
        Path crashed = dir.resolve("crashed");
        try (PikoDB db = new PikoDB(dir.resolve("live"))) {
            db.start();
            db.write("a", "k", 1);
            db.write("b", "k", 2);
            TestFiles.copyDirectory(dir.resolve("live"), crashed);
        }
        FaultyFileIO io = new FaultyFileIO(FileIO.DEFAULT);
        io.failAt(Kind.OPEN_EXISTING, 2, Mode.ONCE, 0);
        PikoDB failing = new PikoDB(TestHooks.withFileIO(DatabaseOptions.builder().databaseDirectory(crashed), io).build());
        QuietLogs.quietly(() -> {
            assertThatThrownBy(failing::start).isInstanceOf(PikoDBException.class);
            return null;
        });
        assertThat(io.faults()).isEqualTo(1);
        assertThat(TestFiles.openFilesUnder(crashed)).as("files left open by the start that failed").isEmpty();

        try (PikoDB db = new PikoDB(crashed)) {
            db.start();
            assertThat(db.get("a", "k")).isEqualTo(1);
            assertThat(db.get("b", "k")).isEqualTo(2);
        }
    }
}
