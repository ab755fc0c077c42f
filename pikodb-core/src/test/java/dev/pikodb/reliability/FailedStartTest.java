package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.TestFiles;
import dev.pikodb.TestHooks;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.reliability.FaultyFileIO.Kind;
import dev.pikodb.reliability.FaultyFileIO.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
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
            // Five refused starts: a leak would add at least five descriptors. The count is the whole
            // JVM's, so other threads may close files meanwhile (lowering it); none opens any here.
            for (int attempt = 0; attempt < 5; attempt++) {
                assertThatThrownBy(() -> new PikoDB(dir).start()).isInstanceOf(PikoDBException.class)
                        .hasMessageContaining(dir.toRealPath().toString());
            }
            assertThat(TestFiles.openFilesUnder(dir)).as("files open").isEqualTo(openBefore);
            assertThat(TestFiles.openFileCount()).as("open file descriptors").isLessThanOrEqualTo(before);
        }
    }

    /**
     * Two tables with journals (as a killed process leaves them), each ending in a torn write, so that
     * the start opens them to cut it; opening the second journal fails. The first journal, already
     * opened, must be closed again and the directory released.
     */
    @Test
    void anIoErrorWhileLoadingTablesLeaksNoFiles() throws IOException {
        Path crashed = crashedWithTwoJournals();
        for (String journal : List.of(".a.journal", ".b.journal")) {
            Files.write(crashed.resolve(journal), new byte[] {0, 0, 0, 9, 1}, StandardOpenOption.APPEND);
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

    /**
     * Tables are read several at a time: whichever read fails, the start fails naming the file, and
     * no file read by the other readers stays open.
     */
    @Test
    void aFailedReadAmongTablesReadInParallelLeaksNoFiles() {
        Path crashed = crashedWithTwoJournals();
        try (PikoDB db = new PikoDB(crashed)) {
            db.start();
            for (int table = 0; table < 20; table++) {
                db.write("t" + table, "k", table);
            }
        }
        int reads = 0;
        for (int n = 1; n <= 24; n++) {
            FaultyFileIO io = new FaultyFileIO(FileIO.DEFAULT);
            io.failAt(Kind.READ, n, Mode.ONCE, 0);
            PikoDB failing = new PikoDB(TestHooks.withFileIO(DatabaseOptions.builder().databaseDirectory(crashed), io)
                    .build());
            boolean failed = QuietLogs.quietly(() -> {
                try {
                    failing.start();
                    return false;
                } catch (PikoDBException e) {
                    assertThat(e).hasMessageContaining(io.firstFault().path().getFileName().toString());
                    return true;
                }
            });
            if (!failed) {
                failing.close();
                break;
            }
            reads++;
            assertThat(TestFiles.openFilesUnder(crashed)).as("files left open after read %d failed", n).isEmpty();
        }
        assertThat(reads).as("reads that failed the start").isGreaterThanOrEqualTo(22);
        try (PikoDB db = new PikoDB(crashed)) {
            db.start();
            assertThat(db.get("t19", "k")).isEqualTo(19);
        }
    }

    private Path crashedWithTwoJournals() {
        Path crashed = dir.resolve("crashed");
        try (PikoDB db = new PikoDB(dir.resolve("live"))) {
            db.start();
            db.write("a", "k", 1);
            db.write("b", "k", 2);
            TestFiles.copyDirectory(dir.resolve("live"), crashed);
        }
        return crashed;
    }
}
