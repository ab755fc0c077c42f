package dev.pikodb.reliability;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.NoSyncFileIO;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.TestFiles;
import dev.pikodb.TestHooks;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.reliability.FaultyFileIO.Fault;
import dev.pikodb.reliability.FaultyFileIO.Kind;
import dev.pikodb.reliability.FaultyFileIO.Mode;
import dev.pikodb.reliability.Workload.Op;
import dev.pikodb.reliability.Workload.State;
import dev.pikodb.reliability.Workload.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fails every file operation of a deterministic workload in turn (the N-th append, force, rename,
 * directory force, file creation, file open and truncation; once, and from then on), in the manner of
 * SQLite's I/O error tests and LevelDB's fault-injection environment. After each injected fault:
 * the failing call threw {@link PikoDBException} (only a compaction inside a write may absorb it,
 * since the journal keeps every write), memory holds exactly the acknowledged operations, a table whose
 * journal failed refuses further writes while reads go on; and after reopening with the real file
 * system every acknowledged write is there with its version, nothing is quarantined, and the
 * operation that failed is either wholly there or wholly absent.
 */
class FaultInjectionTest {

    private static final Logger log = LoggerFactory.getLogger(FaultInjectionTest.class);

    @TempDir
    Path tmp;

    static DatabaseOptions.Builder options(Path dir, boolean durable, FileIO io, boolean withDictionary) {
        DatabaseOptions.Builder builder = DatabaseOptions.builder().databaseDirectory(dir).clock(Workload.CLOCK)
                .durableWrites(durable);
        if (withDictionary) {
            builder.dictionary(Workload.DICTIONARY, Workload.SENSORS);
        }
        return TestHooks.withInlineCompaction(TestHooks.withFileIO(builder, io));
    }

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void everyInjectedFaultLeavesAcknowledgedWritesIntact(boolean durable) {
        Path template = tmp.resolve("template");
        State seeded = Workload.seed(template);
        Workload workload = Workload.standard(true);

        Map<Kind, Integer> counts = QuietLogs.quietly(() -> baseline(template, durable, workload, seeded));
        // Every kind of file operation is a fault point the workload must reach: a kind never called
        // (the fault-injecting file I/O not in use, or the workload no longer touching that path) would
        // leave this test checking nothing for it.
        assertThat(counts).as("calls of each kind of file operation made by the workload (durableWrites=%s)", durable)
                .containsOnlyKeys(Kind.values()).allSatisfy((kind, calls) -> assertThat(calls).as("calls of %s", kind)
                        .isPositive());

        int points = 0;
        List<String> failures = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            for (int n = 1; n <= counts.get(kind); n++) {
                for (Mode mode : Mode.values()) {
                    points++;
                    Path dir = tmp.resolve("run-" + points);
                    TestFiles.copyDirectory(template, dir);
                    String point = kind + " call " + n + " " + mode + " (durable=" + durable + ")";
                    int call = n;
                    try {
                        QuietLogs.quietly(() -> {
                            runWithFault(dir, durable, workload, seeded, kind, call, mode);
                            return null;
                        });
                    } catch (AssertionError | RuntimeException e) {
                        failures.add(point + ": " + e);
                    }
                    TestFiles.deleteTree(dir);
                }
            }
        }
        assertThat(points).as("fault points exercised").isGreaterThanOrEqualTo(2 * Kind.values().length);
        log.info("{}", "fault points exercised: " + points + " (durableWrites=" + durable + ", calls per kind "
                + counts + ")");
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + points + " fault points failed; the first ones:\n"
                    + String.join("\n\n", failures.subList(0, Math.min(8, failures.size()))));
        }
    }

    /** Runs the workload without faults, checks it, and returns how many calls of each kind it makes. */
    private Map<Kind, Integer> baseline(Path template, boolean durable, Workload workload, State seeded) {
        Path dir = tmp.resolve("baseline");
        TestFiles.copyDirectory(template, dir);
        FaultyFileIO io = new FaultyFileIO(NoSyncFileIO.INSTANCE);
        State model = seeded.copy();
        PikoDB db = new PikoDB(options(dir, durable, io, true).build());
        db.start();
        for (Op op : workload.ops) {
            State before = model.copy();
            Object expected = op.apply(model);
            assertThat(op.run(db, before)).as("result of %s", op).isEqualTo(expected);
        }
        assertThat(Workload.read(db).data()).isEqualTo(model.data());
        db.close();
        Map<Kind, Integer> counts = io.callCounts();
        try (PikoDB reopened = new PikoDB(options(dir, durable, FileIO.DEFAULT, false).build())) {
            reopened.start();
            assertThat(Workload.read(reopened).data()).isEqualTo(model.data());
        }
        TestFiles.deleteTree(dir);
        return counts;
    }

    private static void runWithFault(Path dir, boolean durable, Workload workload, State seeded, Kind kind, int n,
            Mode mode) {
        FaultyFileIO io = new FaultyFileIO(NoSyncFileIO.INSTANCE);
        io.failAt(kind, n, mode, n % 3);
        PikoDB db = new PikoDB(options(dir, durable, io, true).build());
        State acknowledged = seeded.copy();
        State alternative = null;
        Op failed = null;
        Set<String> failedTables = new HashSet<>();
        boolean started;
        try {
            db.start();
            started = true;
        } catch (PikoDBException e) {
            // FailedStartTest checks that such a start leaves no file open.
            started = false;
        }
        if (started) {
            Set<String> journalOpen = new HashSet<>();
            for (Op op : workload.ops) {
                State before = acknowledged.copy();
                State after = acknowledged.copy();
                Object expected = op.apply(after);
                int faultsBefore = io.faults();
                long compactionsBefore = db.statistics().compactions();
                Object result;
                try {
                    result = op.run(db, before);
                } catch (PikoDBException e) {
                    assertThat(io.faults()).as("%s threw without an injected fault: %s", op, e).isGreaterThan(faultsBefore);
                    failed = op;
                    alternative = after;
                    checkFailedCall(db, io.firstFault(), op, before, after, e, journalOpen);
                    failedTables.addAll(db.failedTables().keySet());
                    break;
                }
                assertThat(result).as("result of %s", op).isEqualTo(expected);
                acknowledged = after;
                if (op.type() == Type.DELETE_TABLE) {
                    journalOpen.remove(op.table());
                    assertThat(db.listTables()).as("tables after %s", op).doesNotContain(op.table());
                } else if (op.type() != Type.FLUSH && !Boolean.FALSE.equals(result)) {
                    journalOpen.add(op.table());
                    if (db.statistics().compactions() > compactionsBefore) {
                        // The compaction its write made due set the journal aside: the next write creates one.
                        journalOpen.remove(op.table());
                    }
                }
                if (io.faults() > faultsBefore) {
                    assertThat(op.big()).as("%s returned normally although an injected %s failed inside it; only a"
                            + " compaction inside a write may absorb a failure", op, io.firstFault()).isTrue();
                    assertThat(Workload.read(db).data()).as("memory after %s", op).isEqualTo(acknowledged.data());
                    failedTables.addAll(db.failedTables().keySet());
                    break;
                }
            }
            boolean faultBeforeClose = io.faults() > 0;
            if (faultBeforeClose && mode == Mode.ONCE) {
                // The database keeps serving the tables that did not fail.
                assertThat(db.write("canary", "c1", "alive")).as("write after a single failure").isEqualTo(1L);
                new Op(-1, Type.WRITE, "canary", "c1", "alive", false).apply(acknowledged);
                if (alternative != null) {
                    new Op(-1, Type.WRITE, "canary", "c1", "alive", false).apply(alternative);
                }
            }
            try {
                db.close();
            } catch (PikoDBException e) {
                assertThat(mode == Mode.PERSISTENT || !faultBeforeClose)
                        .as("close() failed after a single fault that had already happened: %s", e).isTrue();
            }
        }
        assertThat(io.faults()).as("the injected fault happened").isPositive();

        // The real file system without faults (and without fsync, which changes nothing within one boot).
        try (PikoDB reopened = new PikoDB(options(dir, durable, NoSyncFileIO.INSTANCE, false).build())) {
            reopened.start();
            assertThat(reopened.quarantinedFiles()).as("quarantined after %s", io.firstFault()).isEmpty();
            assertThat(reopened.failedTables()).isEmpty();
            var actual = Workload.read(reopened).data();
            if (alternative == null) {
                assertThat(actual).as("reopened after %s%s", io.firstFault(), "").isEqualTo(acknowledged.data());
            } else {
                assertThat(actual).as("reopened after %s failed with %s: either without or with it", failed,
                        io.firstFault()).isIn(acknowledged.data(), alternative.data());
            }
            for (String table : failedTables) {
                assertThat(reopened.write(table, "after-reopen", 1)).as("reopening clears the failed state of %s",
                        table).isEqualTo(1L);
            }
            assertThat(TestFiles.fileNames(dir)).as("leftovers after reopening")
                    .noneMatch(name -> name.endsWith(".compact") || name.endsWith(".new") || name.endsWith(".drop"));
        }
    }

    /** The checks right after a call failed with an injected fault. */
    private static void checkFailedCall(PikoDB db, Fault fault, Op op, State before, State after, PikoDBException e,
            Set<String> journalOpen) {
        assertThat(e.getMessage()).as("message of the failure of %s", op).isNotBlank();
        var memory = Workload.read(db).data();
        if (op.type() == Type.DELETE_TABLE) {
            assertThat(memory).as("memory after the failed %s (%s)", op, fault).isIn(before.data(), after.data());
        } else {
            assertThat(memory).as("memory after the failed %s (%s): as if the call never happened", op, fault)
                    .isEqualTo(before.data());
        }
        String faultFile = fault.path() == null ? "" : fault.path().getFileName().toString();
        if ((fault.kind() == Kind.APPEND || fault.kind() == Kind.FORCE || fault.kind() == Kind.TRUNCATE)
                && faultFile.startsWith(".") && faultFile.endsWith(".journal")) {
            String table = faultFile.substring(1, faultFile.length() - ".journal".length());
            if (journalOpen.contains(table)) {
                assertThat(db.failedTables()).as("after %s of its journal failed in %s, table %s refuses writes",
                        fault.kind(), op, table).containsKey(table);
            }
        }
        for (String table : db.failedTables().keySet()) {
            assertThatThrownBy(() -> db.write(table, "refused", "x")).as("write to failed table %s", table)
                    .isInstanceOf(PikoDBException.class).hasMessageContaining(table).hasMessageContaining("refuses writes");
            assertThat(Workload.read(db).table(table)).as("reads of failed table %s go on", table)
                    .isEqualTo(before.table(table));
            assertThatThrownBy(db::flush).as("flush with failed table %s", table).isInstanceOf(PikoDBException.class);
        }
    }

    @Test
    void diskFullFailsTheWriteCleanlyAndKeepsEverythingWrittenBefore() {
        Path dir = tmp.resolve("full");
        FaultyFileIO io = new FaultyFileIO(FileIO.DEFAULT);
        String value = "v".repeat(2_000);
        QuietLogs.quietly(() -> {
            PikoDB db = new PikoDB(options(dir, false, io, false).build());
            db.start();
            for (int i = 0; i < 50; i++) {
                assertThat(db.write("t", "k" + i, Map.of("i", i, "pad", value))).isEqualTo(1L);
            }
            db.write("other", "o1", "kept");
            db.flush();
            for (int i = 0; i < 10; i++) {
                assertThat(db.write("t", "k" + i, Map.of("i", i, "pad", value))).isEqualTo(2L);
            }
            io.failAt(Kind.APPEND, 1, Mode.PERSISTENT, 1);

            assertThatThrownBy(() -> db.write("t", "k50", Map.of("i", 50, "pad", value)))
                    .isInstanceOf(PikoDBException.class).hasMessageContaining("'t'")
                    .hasMessageContaining("No space left on device");
            assertThat(db.getRecord("t", "k50")).isEmpty();
            assertThat(db.getRecord("t", "k3").orElseThrow().version()).isEqualTo(2L);
            assertThat(db.getTableSize("t")).isEqualTo(50);
            assertThat(db.failedTables()).containsOnlyKeys("t");
            assertThatThrownBy(() -> db.write("t", "k1", "again")).isInstanceOf(PikoDBException.class)
                    .hasMessageContaining("refuses writes");
            assertThatThrownBy(() -> db.write("other", "o2", "no room")).isInstanceOf(PikoDBException.class);
            assertThatThrownBy(db::flush).isInstanceOf(PikoDBException.class);
            assertThat(db.get("other", "o1")).isEqualTo("kept");
            try {
                db.close();
            } catch (PikoDBException e) {
                // Allowed: the disk is still full.
            }
            return null;
        });
        assertThat(io.faults()).isPositive();

        try (PikoDB reopened = new PikoDB(options(dir, false, FileIO.DEFAULT, false).build())) {
            QuietLogs.quietly(() -> {
                reopened.start();
                return null;
            });
            assertThat(reopened.quarantinedFiles()).isEmpty();
            assertThat(reopened.getTableSize("t")).isEqualTo(50);
            for (int i = 0; i < 50; i++) {
                assertThat(reopened.getRecord("t", "k" + i).orElseThrow().version()).isEqualTo(i < 10 ? 2L : 1L);
            }
            assertThat(reopened.getRecord("t", "k50")).isEmpty();
            assertThat(reopened.get("other")).hasSize(1);
            assertThat(reopened.write("t", "k50", "room again")).isEqualTo(1L);
        }
    }

    @Test
    void diskFullDuringCompactionKeepsTheJournalAndTheTableWritable() {
        Path dir = tmp.resolve("full-compaction");
        FaultyFileIO io = new FaultyFileIO(FileIO.DEFAULT);
        QuietLogs.quietly(() -> {
            PikoDB db = new PikoDB(options(dir, false, io, false).build());
            db.start();
            for (int i = 0; i < 20; i++) {
                db.write("t", "k" + i, "value " + i);
            }
            // The journal already holds the writes: only the rewrite of the table file runs out of space.
            io.failAt(Kind.APPEND, 1, Mode.ONCE, 1);
            assertThatThrownBy(db::flush).isInstanceOf(PikoDBException.class).hasMessageContaining("'t'");
            assertThat(db.failedTables()).as("a failed compaction keeps the journal: the table stays writable").isEmpty();
            assertThat(db.write("t", "k20", "after the failed flush")).isEqualTo(1L);
            assertThat(TestFiles.fileNames(dir)).noneMatch(name -> name.endsWith(".compact"));
            db.close();
            return null;
        });
        try (PikoDB reopened = new PikoDB(options(dir, false, FileIO.DEFAULT, false).build())) {
            reopened.start();
            assertThat(reopened.getTableSize("t")).isEqualTo(21);
            assertThat(reopened.quarantinedFiles()).isEmpty();
        }
    }
}
