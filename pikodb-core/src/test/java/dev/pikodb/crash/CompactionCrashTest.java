package dev.pikodb.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.NoSyncFileIO;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.TestFiles;
import dev.pikodb.TestHooks;
import dev.pikodb.crash.CompactionObserver.Point;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A crash at each step of a compaction.
 *
 * <p>A compaction writes {@code .<t>.compact}, forces it, renames it over the table file, forces the
 * directory and empties the journal; one due to the journal's growth first renames the journal to
 * {@code .<t>.retired} (writers go on in a new journal) and at the end deletes the retired journal.
 * The compactions run inline here (on the writing thread), so the steps come in one order. A wrapper around the file layer copies the directory at each of
 * these instants (exactly what a crash there leaves: the copy sees every byte handed to the operating
 * system) and the test opens every copy: each must hold every acknowledged write exactly once with
 * its version (nothing lost, nothing duplicated, no deleted key back), and the leftover temp file of
 * a compaction cut short must be gone after start. Compactions are triggered both by a journal
 * growing past 1 MiB and by {@code flush()}/{@code close()}.
 *
 * <p>A second test makes the file operation fail at each instant (an {@link IOException} where the
 * step would have happened) and checks that the store then keeps its promise: the write or flush
 * either succeeds or throws {@link PikoDBException}, and after a reopen every acknowledged write is
 * there.
 */
class CompactionCrashTest {

    private static final Logger log = LoggerFactory.getLogger(CompactionCrashTest.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BIG = "orders";
    private static final String SMALL = "users";

    @TempDir
    Path work;

    /** What triggered a compaction. */
    enum Trigger { GROWTH, FLUSH, CLOSE }

    /** The state the store must recover at a snapshot: the acknowledged one, or with the op in flight. */
    private record Snapshot(Path directory, Point point, String table, Trigger trigger,
            Map<String, Map<String, TableState.Entry>> acknowledged,
            Map<String, Map<String, TableState.Entry>> withInFlight) {
    }

    /** The workload and its model: what has been acknowledged, and the operation in flight. */
    private static final class Workload {
        final Random random;
        final Map<String, Map<String, TableState.Entry>> acknowledged = new TreeMap<>();
        Map<String, Map<String, TableState.Entry>> withInFlight = acknowledged;
        Trigger trigger = Trigger.GROWTH;
        int counter;

        Workload(long seed) {
            random = new Random(seed);
        }

        /** One operation on a table: mostly writes (overwrites included), some deletes. */
        void step(PikoDB db, String table) {
            int keys = table.equals(BIG) ? 40 : 25;
            String key = "k" + random.nextInt(keys);
            Map<String, TableState.Entry> rows = acknowledged.getOrDefault(table, Map.of());
            TableState.Entry current = rows.get(key);
            counter++;
            Map<String, Map<String, TableState.Entry>> next = copy(acknowledged);
            Map<String, TableState.Entry> nextRows = next.computeIfAbsent(table, t -> new TreeMap<>());
            if (current != null && random.nextInt(100) < 20) {
                nextRows.remove(key);
                withInFlight = next;
                boolean removed = db.delete(table, key);
                assertThat(removed).isTrue();
            } else {
                Map<String, Object> value = new TreeMap<>();
                value.put("n", counter);
                value.put("pad", "x".repeat(table.equals(BIG) ? 6_000 + random.nextInt(6_000) : random.nextInt(200)));
                nextRows.put(key, new TableState.Entry(current == null ? 1 : current.version() + 1, value));
                withInFlight = next;
                long version = db.write(table, key, value);
                assertThat(version).isEqualTo(nextRows.get(key).version());
            }
            acknowledged.clear();
            acknowledged.putAll(next);
            withInFlight = acknowledged;
        }
    }

    private static Map<String, Map<String, TableState.Entry>> copy(Map<String, Map<String, TableState.Entry>> model) {
        Map<String, Map<String, TableState.Entry>> copy = new TreeMap<>();
        model.forEach((table, rows) -> copy.put(table, new TreeMap<>(rows)));
        return copy;
    }

    // ---- a crash at every step of every compaction --------------------------------------------

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void crashAtEveryStepOfCompactionLosesAndDuplicatesNothing(boolean durable) throws Exception {
        Path directory = work.resolve("db");
        Workload workload = new Workload(durable ? 11 : 12);
        List<Snapshot> snapshots = new ArrayList<>();
        CompactionObserver io = new CompactionObserver((point, table) -> snapshots.add(new Snapshot(
                TestFiles.copyDirectory(directory, work.resolve("snapshot-" + snapshots.size())), point, table,
                workload.trigger, copy(workload.acknowledged), copy(workload.withInFlight))));
        PikoDB db = open(directory, durable, io);
        try {
            // Growth: big values push the journal past 1 MiB again and again.
            while (db.statistics().compactions() < 3) {
                workload.step(db, workload.random.nextInt(10) < 8 ? BIG : SMALL);
            }
            assertThat(snapshots).isNotEmpty();
            // Flush: both tables have journaled writes.
            for (int i = 0; i < 30; i++) {
                workload.step(db, i % 2 == 0 ? BIG : SMALL);
            }
            workload.trigger = Trigger.FLUSH;
            db.flush();
            // Close: again both tables have journaled writes.
            workload.trigger = Trigger.GROWTH;
            for (int i = 0; i < 30; i++) {
                workload.step(db, i % 2 == 0 ? BIG : SMALL);
            }
            workload.trigger = Trigger.CLOSE;
        } finally {
            db.close();
        }

        Map<Trigger, Set<Point>> seen = new EnumMap<>(Trigger.class);
        for (Snapshot snapshot : snapshots) {
            verifySnapshot(snapshot);
            seen.computeIfAbsent(snapshot.trigger(), t -> EnumSet.noneOf(Point.class)).add(snapshot.point());
            TestFiles.deleteTree(snapshot.directory());
        }
        for (Trigger trigger : Trigger.values()) {
            Set<Point> expected = trigger == Trigger.GROWTH ? EnumSet.allOf(Point.class)
                    : EnumSet.complementOf(EnumSet.of(Point.JOURNAL_RETIRED));
            assertThat(seen.get(trigger)).as("crash points seen in compactions triggered by %s", trigger)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
        try (PikoDB reopened = open(directory, durable, NoSyncFileIO.INSTANCE)) {
            assertThat(readAll(reopened)).isEqualTo(workload.acknowledged);
        }
        log.info("Compaction crash ({} writes): {} operations, {} crash images taken at every step of {} compactions"
                        + " (growth, flush, close), every one recovered exactly", durable ? "durable" : "default",
                workload.counter, snapshots.size(), snapshots.stream()
                        .filter(s -> s.point() == Point.TEMP_FORCED_BEFORE_RENAME).count());
    }

    private void verifySnapshot(Snapshot snapshot) throws IOException {
        String context = "crash " + snapshot.point() + " of table " + snapshot.table() + " (compaction triggered by "
                + snapshot.trigger() + ")";
        List<String> before = TestFiles.fileNames(snapshot.directory());
        boolean tempLeft = before.contains("." + snapshot.table() + ".compact");
        if (snapshot.point() == Point.TEMP_PARTLY_WRITTEN || snapshot.point() == Point.TEMP_FORCED_BEFORE_RENAME) {
            assertThat(tempLeft).as("the crash image holds the temp file: %s", context).isTrue();
        } else {
            assertThat(tempLeft).as(context).isFalse();
        }
        try (PikoDB db = open(snapshot.directory(), false, NoSyncFileIO.INSTANCE)) {
            assertThat(TestFiles.fileNames(snapshot.directory()))
                    .as("no compaction temp file after start: %s", context)
                    .noneMatch(name -> name.endsWith(".compact"));
            assertThat(db.quarantinedFiles()).as(context).isEmpty();
            assertThat(db.failedTables()).as(context).isEmpty();
            Map<String, Map<String, TableState.Entry>> state = readAll(db);
            if (!state.equals(snapshot.acknowledged())) {
                assertThat(state).as("every acknowledged write exactly once (or with the write in flight): %s",
                        context).isEqualTo(snapshot.withInFlight());
            }
        }
        // After the clean close of the recovered copy, each table file lists every key exactly once.
        for (Map.Entry<String, Map<String, TableState.Entry>> table : snapshot.withInFlight().entrySet()) {
            Path file = snapshot.directory().resolve(table.getKey());
            if (Files.exists(file)) {
                Map<String, Long> versions = tableFileVersions(file, context);
                assertThat(versions.keySet()).as(context).isSubsetOf(union(snapshot, table.getKey()));
            }
        }
    }

    private static Set<String> union(Snapshot snapshot, String table) {
        Set<String> keys = new java.util.HashSet<>(snapshot.acknowledged().getOrDefault(table, Map.of()).keySet());
        keys.addAll(snapshot.withInFlight().getOrDefault(table, Map.of()).keySet());
        return keys;
    }

    /** Parses a table file, asserting that no key appears twice. */
    private static Map<String, Long> tableFileVersions(Path file, String context) throws IOException {
        JsonNode root = JSON.readTree(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        assertThat(root.isArray()).as("%s is a JSON array (%s)", file, context).isTrue();
        Map<String, Long> versions = new HashMap<>();
        for (JsonNode pair : root) {
            String key = pair.get(0).stringValue();
            assertThat(versions.put(key, pair.get(1).get("v").longValue()))
                    .as("key %s appears twice in %s (%s)", key, file, context).isNull();
        }
        return versions;
    }

    // ---- a failure at every step of a compaction ----------------------------------------------

    static Stream<Arguments> failurePoints() {
        List<Arguments> arguments = new ArrayList<>();
        for (Point point : Point.values()) {
            arguments.add(Arguments.of(point, Trigger.GROWTH));
            if (point != Point.JOURNAL_RETIRED) {
                arguments.add(Arguments.of(point, Trigger.FLUSH));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} during compaction triggered by {1}")
    @MethodSource("failurePoints")
    void failureAtAStepOfCompactionLosesNoAcknowledgedWrite(Point failAt, Trigger trigger) throws Exception {
        Path directory = work.resolve("db");
        Workload workload = new Workload(failAt.ordinal() * 10L + trigger.ordinal());
        List<Snapshot> snapshots = new ArrayList<>();
        CompactionObserver io = new CompactionObserver((point, table) -> {
            if (point == failAt && snapshots.isEmpty()) {
                snapshots.add(new Snapshot(TestFiles.copyDirectory(directory, work.resolve("snapshot")), point,
                        table, workload.trigger, copy(workload.acknowledged), copy(workload.withInFlight)));
                throw new IOException("injected failure at " + point + " of the compaction of " + table);
            }
        });
        PikoDB db = open(directory, false, io);
        int refused = 0;
        try {
            if (trigger == Trigger.GROWTH) {
                while (snapshots.isEmpty()) {
                    workload.step(db, BIG);
                }
            } else {
                for (int i = 0; i < 40; i++) {
                    workload.step(db, i % 3 == 0 ? SMALL : BIG);
                }
                assertThat(snapshots).as("no compaction before the flush").isEmpty();
                workload.trigger = Trigger.FLUSH;
                assertThatThrownBy(db::flush).as("flush reports the failed compaction")
                        .isInstanceOf(PikoDBException.class);
                assertThat(snapshots).hasSize(1);
            }
            // Whatever the store made of the failure, it keeps serving: every further write either
            // succeeds or is refused with PikoDBException (the table failed), never half-done.
            for (int i = 0; i < 60; i++) {
                String table = i % 2 == 0 ? BIG : SMALL;
                try {
                    workload.step(db, table);
                } catch (PikoDBException refusedWrite) {
                    refused++;
                    workload.withInFlight = workload.acknowledged;
                    assertThat(db.failedTables()).as("a refused write means a failed table").containsKey(table);
                }
            }
        } finally {
            try {
                db.close();
            } catch (PikoDBException e) {
                log.debug("Closing after the injected failure reported: {}", e.getMessage());
            }
        }
        verifySnapshot(snapshots.get(0));
        try (PikoDB reopened = open(directory, false, NoSyncFileIO.INSTANCE)) {
            assertThat(reopened.quarantinedFiles()).isEmpty();
            assertThat(reopened.failedTables()).isEmpty();
            assertThat(TestFiles.fileNames(directory)).noneMatch(name -> name.endsWith(".compact"));
            assertThat(readAll(reopened)).as("after a failure at %s (%s) and a reopen", failAt, trigger)
                    .isEqualTo(workload.acknowledged);
        }
        log.info("Compaction failure at {} ({}): {} operations acknowledged, {} refused by the failed table,"
                + " all recovered after reopen", failAt, trigger, workload.counter - refused, refused);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static PikoDB open(Path directory, boolean durable, dev.pikodb.internal.directory.io.FileIO io) {
        PikoDB db = new PikoDB(TestHooks.withInlineCompaction(TestHooks.withFileIO(
                DatabaseOptions.builder().databaseDirectory(directory).durableWrites(durable), io)).build());
        db.start();
        return db;
    }

    private static Map<String, Map<String, TableState.Entry>> readAll(PikoDB db) {
        Map<String, Map<String, TableState.Entry>> state = new TreeMap<>();
        for (String table : db.listTables()) {
            state.put(table, TableState.read(db, table));
        }
        return state;
    }
}
