package dev.pikodb.reliability;

import static dev.pikodb.reliability.PathFaults.named;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.TestFiles;
import dev.pikodb.TestHooks;
import dev.pikodb.internal.directory.io.FileIO;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code deleteTable} when a step of the deletion fails: a call that throws either leaves the table
 * exactly as it was (in memory, on disk, for later writes) or has deleted it, as its message says,
 * and the next start finds what it said; and no write acknowledged after the call can ever be
 * removed by it, at any later start.
 */
class DeleteTableFailureTest {

    @TempDir
    Path dir;

    private static PikoDB open(Path dir, boolean durable, FileIO io) {
        PikoDB db = new PikoDB(TestHooks.withFileIO(
                DatabaseOptions.builder().databaseDirectory(dir).durableWrites(durable), io).build());
        db.start();
        return db;
    }

    private static PikoDB reopen(Path dir) {
        return open(dir, false, FileIO.DEFAULT);
    }

    /** A table with a table file and writes in its journal. */
    private static void seed(PikoDB db) {
        db.write("t", "a", 1);
        db.write("t", "b", 2);
        db.flush();
        db.write("t", "c", 3);
    }

    private static void assertSeededAndWritable(PikoDB db) {
        assertThat(db.listTables()).contains("t");
        assertThat(db.get("t")).containsExactlyInAnyOrderElementsOf(List.of(Map.entry("a", 1), Map.entry("b", 2),
                Map.entry("c", 3)));
        assertThat(db.write("t", "a", 10)).as("the next write goes to the same table").isEqualTo(2L);
        assertThat(db.write("t", "d", 4)).isEqualTo(1L);
    }

    private static void assertSeededAndWrittenAfter(PikoDB db) {
        assertThat(db.get("t")).containsExactlyInAnyOrderElementsOf(List.of(Map.entry("a", 10), Map.entry("b", 2),
                Map.entry("c", 3), Map.entry("d", 4)));
        assertThat(db.getRecord("t", "a").orElseThrow().version()).isEqualTo(2L);
    }

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void markerThatCannotBeCreatedLeavesTheTableAsItWas(boolean durable) {
        PathFaults io = new PathFaults();
        QuietLogs.quietly(() -> {
            try (PikoDB db = open(dir, durable, io)) {
                seed(db);
                io.failCreate(named(".t.drop"));
                assertThatThrownBy(() -> db.deleteTable("t")).isInstanceOf(PikoDBException.class)
                        .hasMessageContaining("'t'").hasMessageContaining("unchanged");
                io.heal();
                assertSeededAndWritable(db);
            }
            return null;
        });
        try (PikoDB db = reopen(dir)) {
            assertSeededAndWrittenAfter(db);
        }
    }

    @Test
    void markerCutShortThatCannotBeRemovedDeletesNothing() {
        PathFaults io = new PathFaults();
        QuietLogs.quietly(() -> {
            try (PikoDB db = open(dir, false, io)) {
                db.write("ord", "kept", true);
                db.write("orders", "a", 1);
                // Half of the marker's content is "ord": the name of another table.
                io.failAppend(named(".orders.drop")).failDelete(named(".orders.drop"));
                assertThatThrownBy(() -> db.deleteTable("orders")).isInstanceOf(PikoDBException.class)
                        .hasMessageContaining("unchanged");
                io.heal();
                assertThat(db.get("orders", "a")).isEqualTo(1);
                assertThat(db.write("orders", "a", 2)).isEqualTo(2L);
            }
            return null;
        });
        try (PikoDB db = reopen(dir)) {
            assertThat(db.get("orders", "a")).isEqualTo(2);
            assertThat(db.get("ord", "kept")).isEqualTo(true);
        }
        assertThat(TestFiles.fileNames(dir)).noneMatch(name -> name.endsWith(".drop"));
    }

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void failedForceOfTheMarkerLeavesTheTableAsItWas(boolean durable) {
        PathFaults io = new PathFaults();
        QuietLogs.quietly(() -> {
            try (PikoDB db = open(dir, durable, io)) {
                seed(db);
                io.failForce(named(".t.drop"));
                assertThatThrownBy(() -> db.deleteTable("t")).isInstanceOf(PikoDBException.class)
                        .hasMessageContaining("unchanged");
                io.heal();
                assertSeededAndWritable(db);
            }
            return null;
        });
        try (PikoDB db = reopen(dir)) {
            assertSeededAndWrittenAfter(db);
        }
    }

    @Test
    void directoryThatCannotBeForcedLeavesTheTableUnchangedAndRefusingWrites() {
        PathFaults io = new PathFaults();
        QuietLogs.quietly(() -> {
            try (PikoDB db = open(dir, true, io)) {
                seed(db);
                io.failForceDirectory(true);
                assertThatThrownBy(() -> db.deleteTable("t")).isInstanceOf(PikoDBException.class)
                        .hasMessageContaining("unchanged").hasMessageContaining("refuses writes");
                assertThat(db.get("t", "c")).isEqualTo(3);
                assertThat(db.failedTables()).containsKey("t");
                assertThatThrownBy(() -> db.write("t", "e", 5)).isInstanceOf(PikoDBException.class);
                io.heal();
            }
            return null;
        });
        try (PikoDB db = reopen(dir)) {
            assertThat(db.get("t")).hasSize(3);
            assertThat(db.write("t", "a", 10)).isEqualTo(2L);
        }
    }

    @Test
    void markerThatCanBeNeitherForcedNorRemovedDeletesTheTableAsReported() {
        PathFaults io = new PathFaults();
        QuietLogs.quietly(() -> {
            try (PikoDB db = open(dir, true, io)) {
                seed(db);
                io.failForce(named(".t.drop")).failDelete(named(".t.drop"));
                assertThatThrownBy(() -> db.deleteTable("t")).isInstanceOf(PikoDBException.class)
                        .hasMessageContaining("is deleted");
                assertThat(db.get("t")).isEmpty();
                assertThat(db.listTables()).doesNotContain("t");
            }
            return null;
        });
        try (PikoDB db = reopen(dir)) {
            assertThat(db.listTables()).doesNotContain("t");
            assertThat(db.get("t")).isEmpty();
        }
        assertThat(TestFiles.fileNames(dir)).noneMatch(name -> name.startsWith(".t."));
    }

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void deletionCutShortNeverRemovesWritesMadeAfterIt(boolean durable) {
        PathFaults io = new PathFaults();
        QuietLogs.quietly(() -> {
            try (PikoDB db = open(dir, durable, io)) {
                seed(db);
                io.failDelete(named("t"));
                assertThatThrownBy(() -> db.deleteTable("t")).isInstanceOf(PikoDBException.class)
                        .hasMessageContaining("'t'").hasMessageContaining("is deleted");
                assertThat(db.get("t", "a")).isNull();
                assertThat(db.get("t")).isEmpty();
                assertThat(db.listTables()).doesNotContain("t");
                assertThatThrownBy(() -> db.write("t", "new", 1)).as("a write while the old files cannot be removed")
                        .isInstanceOf(PikoDBException.class).hasMessageContaining("'t'");
                assertThat(db.get("t", "new")).isNull();
                assertThat(db.delete("t", "a")).isFalse();
                io.heal();
                assertThat(db.write("t", "new", 1)).isEqualTo(1L);
                assertThat(db.get("t")).containsExactly(Map.entry("new", 1));
            }
            return null;
        });
        assertThat(TestFiles.fileNames(dir)).noneMatch(name -> name.endsWith(".drop"));
        try (PikoDB db = reopen(dir)) {
            assertThat(db.get("t")).containsExactly(Map.entry("new", 1));
            assertThat(db.getRecord("t", "new").map(r -> r.version())).isEqualTo(Optional.of(1L));
        }
    }

    @Test
    void deletionCutShortIsRetriedByDeleteTableAndCompletedAtTheNextStart() {
        PathFaults io = new PathFaults();
        QuietLogs.quietly(() -> {
            try (PikoDB db = open(dir, false, io)) {
                seed(db);
                db.write("other", "o", 1);
                io.failDelete(named("t"));
                assertThatThrownBy(() -> db.deleteTable("t")).isInstanceOf(PikoDBException.class);
                assertThatThrownBy(() -> db.deleteTable("t")).as("retried, still failing")
                        .isInstanceOf(PikoDBException.class).hasMessageContaining("is deleted");
            }
            return null;
        });
        assertThat(TestFiles.fileNames(dir)).contains("t", ".t.drop");
        try (PikoDB db = reopen(dir)) {
            assertThat(db.listTables()).containsExactly("other");
            assertThat(db.write("t", "later", 1)).isEqualTo(1L);
        }
        try (PikoDB db = reopen(dir)) {
            assertThat(db.get("t")).containsExactly(Map.entry("later", 1));
        }
    }
}
