package dev.pikodb.reliability;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.NoSyncFileIO;
import dev.pikodb.PikoDB;
import dev.pikodb.TestFiles;
import dev.pikodb.TestHooks;
import dev.pikodb.reliability.PowerLossFileIO.Content;
import dev.pikodb.reliability.PowerLossFileIO.Image;
import dev.pikodb.reliability.PowerLossFileIO.Names;
import dev.pikodb.reliability.Workload.Op;
import dev.pikodb.reliability.Workload.Rec;
import dev.pikodb.reliability.Workload.State;
import dev.pikodb.reliability.Workload.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Simulated power failures at every file operation of a workload: only what was forced survives
 * (file content up to its last force; directory entries as of the last directory force), with
 * variants where unforced bytes become zeros, where half of them reach the disk, and where every
 * directory entry survives, and where a later part of the unforced bytes survives while an earlier part
 * is lost. The database opened over what survives quarantines nothing but, in that last model, copies
 * of journals with a hole before valid frames (see JournalReader); with
 * durable writes it holds every acknowledged write (and the operation in progress wholly or not at
 * all); by default each table holds the state after some prefix of its own history, never older than
 * its last flush or deletion, never a half record.
 */
class PowerLossTest {

    private static final Logger log = LoggerFactory.getLogger(PowerLossTest.class);

    @TempDir
    Path tmp;

    /** One instant at which the power may fail. */
    private record CrashPoint(String call, int acknowledged, boolean inProgress, Image image) {
    }

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void whatSurvivesAPowerFailureOpens(boolean durable) {
        Path dir = tmp.resolve("live");
        State seeded = Workload.seed(dir);
        Workload workload = Workload.standard(false);
        List<State> history = new ArrayList<>();
        history.add(seeded);
        for (Op op : workload.ops) {
            State next = history.get(history.size() - 1).copy();
            op.apply(next);
            history.add(next);
        }

        List<CrashPoint> points = QuietLogs.quietly(() -> record(dir, durable, workload, history));

        int cases = 0;
        int opened = 0;
        int[] keptAside = {0};
        Set<String> checked = new HashSet<>();
        List<String> failures = new ArrayList<>();
        for (CrashPoint point : points) {
            for (Names names : Names.values()) {
                for (Content content : Content.values()) {
                    cases++;
                    // Many cases leave the same files (nothing unforced, no directory entry changed since
                    // the last force): the same files with the same expectations were already opened and
                    // checked, and a restart over the same bytes makes the same of them.
                    Map<String, byte[]> surviving = point.image().surviving(names, content);
                    String strict = checkedCase(surviving, point, true);
                    if (checked.contains(strict) || !checked.add(checkedCase(surviving, point,
                            content != Content.LATER_SURVIVES_EARLIER_LOST))) {
                        continue;
                    }
                    opened++;
                    Path crashed = tmp.resolve("crash-" + cases);
                    point.image().materialise(crashed, names, content);
                    try {
                        QuietLogs.quietly(() -> {
                            keptAside[0] += check(crashed, durable, workload, history, point, content);
                            return null;
                        });
                    } catch (AssertionError | RuntimeException e) {
                        failures.add("power failure after '" + point.call() + "' (" + point.acknowledged()
                                + " operations acknowledged" + (point.inProgress() ? ", "
                                + workload.ops.get(point.acknowledged()) + " in progress" : "") + "), names "
                                + names + ", content " + content + ": " + e);
                    }
                    TestFiles.deleteTree(crashed);
                }
            }
        }
        log.info("{}", "power-loss crash points: " + points.size() + ", cases: " + cases + ", opened (distinct files"
                + " and expectations): " + opened
                + ", journals kept aside after a hole before valid frames: " + keptAside[0]
                + " (durableWrites=" + durable + ")");
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cases + " power-loss cases failed; the first ones:\n"
                    + String.join("\n\n", failures.subList(0, Math.min(8, failures.size()))));
        }
    }

    /**
     * What one case checks: the surviving files (names and a digest of their bytes), the expected
     * states (acknowledged operations, one in progress or not) and whether nothing may be quarantined
     * ({@code strict}; otherwise journals with a hole before valid frames may be).
     */
    private static String checkedCase(Map<String, byte[]> files, CrashPoint point, boolean strict) {
        return Image.digest(files) + " " + point.acknowledged() + " " + point.inProgress() + " " + strict;
    }

    /** Runs the workload and takes an image of the files after every change. */
    private static List<CrashPoint> record(Path dir, boolean durable, Workload workload, List<State> history) {
        PowerLossFileIO io = new PowerLossFileIO(dir);
        List<CrashPoint> points = new ArrayList<>();
        int[] acknowledged = {0};
        boolean[] inProgress = {false};
        io.onChange(call -> points.add(new CrashPoint(call, acknowledged[0], inProgress[0], io.image())));
        DatabaseOptions.Builder builder = DatabaseOptions.builder().databaseDirectory(dir).clock(Workload.CLOCK)
                .durableWrites(durable).dictionary(Workload.DICTIONARY, Workload.SENSORS);
        PikoDB db = new PikoDB(TestHooks.withInlineCompaction(TestHooks.withFileIO(builder, io)).build());
        db.start();
        for (Op op : workload.ops) {
            inProgress[0] = true;
            State before = history.get(acknowledged[0]);
            Object expected = op.apply(before.copy());
            assertThat(op.run(db, before)).as("result of %s", op).isEqualTo(expected);
            inProgress[0] = false;
            acknowledged[0]++;
            points.add(new CrashPoint("return of " + op, acknowledged[0], false, io.image()));
        }
        // The last instants: close() compacts every table and removes the journals.
        inProgress[0] = false;
        db.close();
        return points;
    }

    /** Opens what survived and checks it; returns how many journals were kept aside. */
    private static int check(Path crashed, boolean durable, Workload workload, List<State> history, CrashPoint point,
            Content content) {
        DatabaseOptions.Builder builder = DatabaseOptions.builder().databaseDirectory(crashed).clock(Workload.CLOCK)
                .durableWrites(durable);
        try (PikoDB db = new PikoDB(TestHooks.withFileIO(builder, NoSyncFileIO.INSTANCE).build())) {
            db.start();
            if (content == Content.LATER_SURVIVES_EARLIER_LOST) {
                // A hole followed by valid frames: the journal is cut at the hole and a copy kept and
                // reported (see JournalReader); never a table file.
                assertThat(db.quarantinedFiles()).as("quarantined files").allSatisfy(file -> {
                    assertThat(file.originalFile().getFileName().toString()).endsWith(".journal");
                    assertThat(file.movedTo()).exists();
                });
            } else {
                assertThat(db.quarantinedFiles()).as("quarantined files").isEmpty();
            }
            State recovered = Workload.read(db);
            State acknowledged = history.get(point.acknowledged());
            State withCurrent = point.inProgress() ? history.get(point.acknowledged() + 1) : acknowledged;
            if (durable) {
                assertThat(recovered.data()).as("every acknowledged write survives (files: %s)",
                        point.image().durable().keySet()).isIn(acknowledged.data(), withCurrent.data());
                return db.quarantinedFiles().size();
            }
            Set<String> tables = new TreeSet<>(recovered.tables.keySet());
            int last = point.inProgress() ? point.acknowledged() + 1 : point.acknowledged();
            for (int i = 0; i <= last; i++) {
                tables.addAll(history.get(i).tables.keySet());
            }
            for (String table : tables) {
                int from = 0;
                for (int i = 0; i < point.acknowledged(); i++) {
                    Op op = workload.ops.get(i);
                    if (op.type() == Type.FLUSH || op.type() == Type.DELETE_TABLE && op.table().equals(table)) {
                        from = i + 1;
                    }
                }
                List<Map<String, Rec>> candidates = new ArrayList<>();
                for (int i = from; i <= last; i++) {
                    candidates.add(history.get(i).table(table));
                }
                assertThat(recovered.table(table)).as("table %s holds the state after a prefix of its history,"
                        + " at or after its last flush or deletion (operation %d)", table, from).isIn(candidates);
            }
            return db.quarantinedFiles().size();
        }
    }
}
