package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.Dictionary;
import dev.pikodb.NoSyncFileIO;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.TestFiles;
import dev.pikodb.TestHooks;
import dev.pikodb.reliability.FaultyFileIO.Kind;
import dev.pikodb.reliability.FaultyFileIO.Mode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails leaves the directory exactly as it found it: whatever file operation of the
 * start fails (listing, reading, moving an unreadable table aside, opening a journal, forcing the
 * directory, deleting a leftover), no file was deleted, moved or changed. The directory holds what
 * a start must act on: a table with a journal (a killed process), an unparseable table file, a
 * half-written compaction file and a Node.js PikoDB leftover.
 */
class FailedStartChangesNothingTest {

    @TempDir
    Path tmp;

    private Path template() {
        Path live = tmp.resolve("live");
        Path template = tmp.resolve("template");
        try (PikoDB db = new PikoDB(live)) {
            db.start();
            db.write("a", "k", 1);
            db.write("b", "k", 2);
            db.write("b", "k2", 3);
            TestFiles.copyDirectory(live, template);
        }
        TestFiles.write(template.resolve("broken"), "[[\"k\",{\"d\":".getBytes(StandardCharsets.UTF_8));
        TestFiles.write(template.resolve(".a.compact"), "[[\"k\",{\"d\":9".getBytes(StandardCharsets.UTF_8));
        TestFiles.write(template.resolve("a.tmp.1732400000000.k3x9q"), "[[\"half".getBytes(StandardCharsets.UTF_8));
        return template;
    }

    /** Every file but the lock, by name, with its content. */
    private static Map<String, String> snapshot(Path dir) {
        Map<String, String> files = new TreeMap<>();
        for (String name : TestFiles.fileNames(dir)) {
            if (!name.equals(TestFiles.LOCK)) {
                files.put(name, Arrays.toString(TestFiles.read(dir.resolve(name))));
            }
        }
        return files;
    }

    private static PikoDB open(Path dir, FaultyFileIO io) {
        return new PikoDB(TestHooks.withFileIO(DatabaseOptions.builder().databaseDirectory(dir), io).build());
    }

    @Test
    void aStartThatFailsAtAnyFileOperationChangesNothing() {
        Path template = template();
        Map<String, String> found = snapshot(template);

        Path counted = TestFiles.copyDirectory(template, tmp.resolve("counted"));
        FaultyFileIO counting = new FaultyFileIO(NoSyncFileIO.INSTANCE);
        PikoDB db = open(counted, counting);
        QuietLogs.quietly(() -> {
            db.start();
            return null;
        });
        Map<Kind, Integer> calls = counting.callCounts();
        assertThat(db.quarantinedFiles()).hasSize(1);
        db.close();

        int failedStarts = 0;
        List<String> failures = new ArrayList<>();
        for (Kind kind : List.of(Kind.LIST, Kind.READ, Kind.ATOMIC_MOVE, Kind.FORCE_DIRECTORY, Kind.OPEN_EXISTING,
                Kind.TRUNCATE, Kind.FORCE, Kind.DELETE, Kind.OPEN_CREATE)) {
            for (int n = 1; n <= calls.get(kind); n++) {
                Path dir = TestFiles.copyDirectory(template, tmp.resolve("run-" + kind + "-" + n));
                FaultyFileIO io = new FaultyFileIO(NoSyncFileIO.INSTANCE);
                io.failAt(kind, n, Mode.ONCE, 0);
                PikoDB failing = open(dir, io);
                boolean failed = QuietLogs.quietly(() -> {
                    try {
                        failing.start();
                        return false;
                    } catch (PikoDBException e) {
                        return true;
                    }
                });
                if (failed) {
                    failedStarts++;
                    Map<String, String> after = snapshot(dir);
                    if (!after.equals(found)) {
                        failures.add(kind + " call " + n + " failed the start and left " + after.keySet()
                                + " instead of " + found.keySet() + (after.keySet().equals(found.keySet())
                                ? " (a file's content changed)" : ""));
                    }
                    try (PikoDB reopened = new PikoDB(dir)) {
                        reopened.start();
                        assertThat(reopened.get("b", "k2")).as("after the failed start at %s call %d", kind, n)
                                .isEqualTo(3);
                    }
                } else {
                    failing.close();
                }
                TestFiles.deleteTree(dir);
            }
        }
        assertThat(failedStarts).as("starts failed by an injected fault (calls per kind: %s)", calls)
                .isGreaterThanOrEqualTo(6);
        if (!failures.isEmpty()) {
            fail(failures.size() + " failed starts changed the directory:\n" + String.join("\n", failures));
        }
    }

    @Test
    void aStartThatFailsPutsBackTheUnreadableTableItHadMovedAside() throws Exception {
        Path dir = TestFiles.copyDirectory(template(), tmp.resolve("dir"));
        // A torn write at the end of a journal: the start opens the journal to cut it, after moving "broken" aside.
        Files.write(dir.resolve(".a.journal"), new byte[] {0, 0, 0, 9, 1}, StandardOpenOption.APPEND);
        Map<String, String> found = snapshot(dir);
        FaultyFileIO io = new FaultyFileIO(NoSyncFileIO.INSTANCE);
        io.failAt(Kind.OPEN_EXISTING, 1, Mode.ONCE, 0);

        PikoDB failing = open(dir, io);
        QuietLogs.quietly(() -> {
            try {
                failing.start();
                fail("the start should have failed");
            } catch (PikoDBException expected) {
                // opening the first journal failed, after "broken" was moved aside
            }
            return null;
        });

        assertThat(io.callCounts().get(Kind.ATOMIC_MOVE)).as("renames: moved aside, then back").isEqualTo(2);
        assertThat(snapshot(dir)).isEqualTo(found);
        assertThat(Files.exists(dir.resolve("broken"))).isTrue();
    }

    @Test
    void aStartRefusedForAConflictingDictionaryRewritesNothing() {
        Path live = tmp.resolve("live");
        Path dir = tmp.resolve("crashed");
        try (PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(live)
                .dictionary("sensors", Dictionary.deflate(Map.of("sensor", "s"))).build())) {
            db.start();
            db.write("readings", "r1", Map.of("sensor", "DHT22"), null, "sensors");
            TestFiles.copyDirectory(live, dir);
        }
        Map<String, String> found = snapshot(dir);
        assertThat(found).containsKey(".readings.journal");

        PikoDB conflicting = new PikoDB(DatabaseOptions.builder().databaseDirectory(dir)
                .dictionary("sensors", Dictionary.deflate(Map.of("sensor", "x"))).build());
        assertThatThrownBy(conflicting::start).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sensors");

        assertThat(snapshot(dir)).as("no table was compacted or rewritten").isEqualTo(found);
        try (PikoDB db = new PikoDB(dir)) {
            db.start();
            assertThat(db.get("readings", "r1")).isEqualTo(Map.of("sensor", "DHT22"));
        }
    }
}
