package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.NoSyncFileIO;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.TestFiles;
import dev.pikodb.TestHooks;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.reliability.FaultyFileIO.Kind;
import dev.pikodb.reliability.FaultyFileIO.Mode;
import dev.pikodb.reliability.PowerLossFileIO.Content;
import dev.pikodb.reliability.PowerLossFileIO.Image;
import dev.pikodb.reliability.PowerLossFileIO.Names;
import dev.pikodb.reliability.Workload.Rec;
import dev.pikodb.reliability.Workload.State;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flush and close of a store with more tables than are worked on one at a time, so that the store
 * rewrites the table files on several threads, forces the directory once for all of them and only
 * then empties or deletes the journals. Half of the tables already have a table file, half are new;
 * after a flush, a quarter of the tables are written again before the close.
 * <ul>
 * <li>A simulated power failure at every file operation of the flush and the close, with the
 * content last forced, where only the directory entries as of the last directory force survive, and
 * (durable mode) where every entry does ({@link PowerLossFileIO}). What survives opens, and holds every write acknowledged (durable
 * mode) or flushed (default mode) before that instant; each table holds a prefix of its history.</li>
 * <li>An injected I/O failure at the first, a middle and the last call of each kind during the flush,
 * the writes after it and the close, once and from then on: the flush or close that met it throws,
 * memory is unchanged, and reopening finds every acknowledged write.</li>
 * </ul>
 */
class ManyTablesFlushCloseTest {

    private static final Logger log = LoggerFactory.getLogger(ManyTablesFlushCloseTest.class);
    /** Just more than the 32 tables from which the store works on several threads (EachTable). */
    private static final int TABLES = 34;

    @TempDir
    Path tmp;
    private Path root;

    private enum Phase {
        WRITING, FLUSH, CLOSE
    }

    /** One instant of the flush or the close, with the files as they were then. */
    private record CrashPoint(String call, Phase phase, Image image) {
    }

    private static String table(int i) {
        return String.format("t%02d", i);
    }

    /** The even tables get a table file (and no journal) before the test's own session. */
    private static State seed(Path dir) {
        State state = new State();
        try (PikoDB db = new PikoDB(options(dir, false, NoSyncFileIO.INSTANCE).build())) {
            db.start();
            for (int i = 0; i < TABLES; i += 2) {
                db.write(table(i), "old", "seeded " + i);
                apply(state, table(i), "old", "seeded " + i);
            }
        }
        return state;
    }

    /** The writes before the flush: two keys in every table. */
    private static List<String[]> firstRound() {
        List<String[]> writes = new ArrayList<>();
        for (int i = 0; i < TABLES; i++) {
            writes.add(new String[] {table(i), "k0", "first " + i});
            writes.add(new String[] {table(i), "k1", "second " + i});
        }
        return writes;
    }

    /** The writes between the flush and the close: a new key in a quarter of the tables, an overwrite in another. */
    private static List<String[]> secondRound() {
        List<String[]> writes = new ArrayList<>();
        for (int i = 0; i < TABLES; i++) {
            if (i % 4 == 1) {
                writes.add(new String[] {table(i), "k2", "third " + i});
            } else if (i % 4 == 2) {
                writes.add(new String[] {table(i), "k0", "overwritten " + i});
            }
        }
        return writes;
    }

    private static void apply(State state, String table, String key, String value) {
        TreeMap<String, Rec> records = state.tables.computeIfAbsent(table, t -> new TreeMap<>());
        Rec old = records.get(key);
        records.put(key, new Rec(value, old == null ? 1 : old.version() + 1));
    }

    static DatabaseOptions.Builder options(Path dir, boolean durable, FileIO io) {
        return TestHooks.withFileIO(DatabaseOptions.builder().databaseDirectory(dir).clock(Workload.CLOCK)
                .durableWrites(durable), io);
    }

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void aPowerFailureDuringABatchedFlushOrCloseLosesNothingAcknowledged(boolean durable) {
        Path dir = root.resolve("live");
        State seeded = seed(dir);
        // Per table: its states, one per write, and how many of them the flush made durable.
        Map<String, List<Map<String, Rec>>> history = new TreeMap<>();
        State model = seeded.copy();
        for (int i = 0; i < TABLES; i++) {
            history.computeIfAbsent(table(i), t -> new ArrayList<>()).add(new TreeMap<>(model.table(table(i))));
        }
        State flushed = model.copy();
        for (String[] write : firstRound()) {
            apply(flushed, write[0], write[1], write[2]);
            history.get(write[0]).add(new TreeMap<>(flushed.table(write[0])));
        }
        Map<String, Integer> flushedAt = new TreeMap<>();
        history.forEach((table, states) -> flushedAt.put(table, states.size() - 1));
        State closed = flushed.copy();
        for (String[] write : secondRound()) {
            apply(closed, write[0], write[1], write[2]);
            history.get(write[0]).add(new TreeMap<>(closed.table(write[0])));
        }

        List<CrashPoint> points = QuietLogs.quietly(() -> record(dir, durable));
        assertThat(points).as("crash points during the flush").anyMatch(point -> point.phase() == Phase.FLUSH);
        assertThat(points).as("crash points during the close").anyMatch(point -> point.phase() == Phase.CLOSE);

        int cases = 0;
        int opened = 0;
        Set<String> seen = new HashSet<>();
        List<String> failures = new ArrayList<>();
        for (CrashPoint point : points) {
            for (Names names : Names.values()) {
                for (Content content : Content.values()) {
                    if (content != Content.LAST_FORCED || names == Names.CURRENT && !durable) {
                        // Torn journal tails are PowerLossTest's (a flush or close appends to no journal);
                        // here the order of the forces matters, which the entries of the last directory
                        // force show in both modes; that every renamed file was forced first, the durable
                        // mode's exact check shows. Keeps the run to seconds.
                        continue;
                    }
                    cases++;
                    // Many instants leave the same files: open each distinct outcome once per phase and model.
                    if (seen.add(point.phase() + " " + content + " " + digest(point.image().surviving(names, content)))) {
                        opened++;
                        Path crashed = root.resolve("crash-" + cases);
                        point.image().materialise(crashed, names, content);
                        try {
                            QuietLogs.quietly(() -> {
                                check(crashed, durable, point.phase(), history, flushedAt, flushed, closed);
                                return null;
                            });
                        } catch (AssertionError | RuntimeException e) {
                            failures.add("power failure after '" + point.call() + "' during the " + point.phase()
                                    + ", names " + names + ", content " + content + ": " + e);
                        }
                        TestFiles.deleteTree(crashed);
                    }
                }
            }
        }
        log.info("{}", "batched flush/close crash points: " + points.size() + ", cases: " + cases
                + ", distinct outcomes opened: " + opened + " (durableWrites=" + durable + ")");
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cases + " power-loss cases failed; the first ones:\n"
                    + String.join("\n\n", failures.subList(0, Math.min(8, failures.size()))));
        }
    }

    /**
     * The databases of this test live in memory ({@code /dev/shm}) where the machine has it: every
     * file operation goes through a simulated or fsync-free layer anyway, and creating hundreds of
     * directories of small files on a busy disk would dominate the run.
     */
    @BeforeEach
    void createRoot() throws IOException {
        Path shm = Path.of("/dev/shm");
        root = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "pikodb-many-tables")
                : Files.createDirectories(tmp.resolve("root"));
    }

    @AfterEach
    void deleteRoot() {
        TestFiles.deleteTree(root);
    }

    /** Writes, flushes, writes again and closes, taking an image of the files at every change of the flush and close. */
    private static List<CrashPoint> record(Path dir, boolean durable) {
        PowerLossFileIO io = new PowerLossFileIO(dir);
        List<CrashPoint> points = Collections.synchronizedList(new ArrayList<>());
        Phase[] phase = {Phase.WRITING};
        io.onChange(call -> {
            Phase now = phase[0];
            if (now != Phase.WRITING) {
                points.add(new CrashPoint(call, now, io.image()));
            }
        });
        PikoDB db = new PikoDB(options(dir, durable, io).build());
        db.start();
        for (String[] write : firstRound()) {
            db.write(write[0], write[1], write[2]);
        }
        phase[0] = Phase.FLUSH;
        db.flush();
        phase[0] = Phase.WRITING;
        for (String[] write : secondRound()) {
            db.write(write[0], write[1], write[2]);
        }
        phase[0] = Phase.CLOSE;
        db.close();
        return points;
    }

    private static void check(Path crashed, boolean durable, Phase phase, Map<String, List<Map<String, Rec>>> history, Map<String, Integer> flushedAt, State flushed, State closed) {
        try (PikoDB db = new PikoDB(options(crashed, durable, NoSyncFileIO.INSTANCE).build())) {
            db.start();
            assertThat(db.quarantinedFiles()).as("quarantined files").isEmpty();
            State recovered = Workload.read(db);
            if (durable) {
                State acknowledged = phase == Phase.FLUSH ? flushed : closed;
                assertThat(recovered.data()).as("every acknowledged write survives").isEqualTo(acknowledged.data());
            }
            Set<String> tables = new TreeSet<>(history.keySet());
            tables.addAll(recovered.tables.keySet());
            for (String table : tables) {
                List<Map<String, Rec>> states = history.getOrDefault(table, List.of());
                // Before the flush returned, only the seeded file was durable; after it, every first-round write.
                int from = phase == Phase.FLUSH ? 0 : flushedAt.get(table);
                assertThat(recovered.table(table)).as("table %s holds its state after a prefix of its writes, at"
                        + " least up to the writes made durable before", table)
                        .isIn(states.subList(Math.min(from, states.size()), states.size()));
            }
        }
        assertThat(TestFiles.fileNames(crashed)).as("leftovers after reopening")
                .noneMatch(name -> name.endsWith(".compact"));
    }

    private static String digest(Map<String, byte[]> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            files.forEach((name, content) -> {
                sha.update(name.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Integer.toString(content.length).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(content);
            });
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void anIoFailureDuringABatchedFlushOrCloseLosesNothingAcknowledged(boolean durable) {
        Path template = root.resolve("template");
        State seeded = seed(template);
        Map<Kind, Integer> counts = QuietLogs.quietly(() -> baselineCounts(template, durable));
        assertThat(counts.get(Kind.ATOMIC_MOVE)).as("renames of the flush and close").isGreaterThan(TABLES);

        int points = 0;
        List<String> failures = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            Set<Integer> calls = new TreeSet<>();
            if (counts.get(kind) > 0) {
                calls.addAll(List.of(1, (counts.get(kind) + 1) / 2, counts.get(kind)));
            }
            for (int call : calls) {
                for (Mode mode : Mode.values()) {
                    points++;
                    Path dir = root.resolve("run-" + points);
                    TestFiles.copyDirectory(template, dir);
                    String point = kind + " call " + call + " " + mode;
                    try {
                        QuietLogs.quietly(() -> {
                            runWithFault(dir, durable, seeded, kind, call, mode);
                            return null;
                        });
                    } catch (AssertionError | RuntimeException e) {
                        failures.add(point + ": " + e);
                    }
                    TestFiles.deleteTree(dir);
                }
            }
        }
        log.info("{}", "batched flush/close fault points: " + points + " (durableWrites=" + durable + ", calls per"
                + " kind " + counts + ")");
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + points + " fault points failed; the first ones:\n"
                    + String.join("\n\n", failures.subList(0, Math.min(8, failures.size()))));
        }
    }

    /** How many calls of each kind the flush, the writes after it and the close make without faults. */
    private Map<Kind, Integer> baselineCounts(Path template, boolean durable) {
        Path dir = TestFiles.copyDirectory(template, root.resolve("baseline"));
        FaultyFileIO io = new FaultyFileIO(NoSyncFileIO.INSTANCE);
        PikoDB db = new PikoDB(options(dir, durable, io).build());
        db.start();
        for (String[] write : firstRound()) {
            db.write(write[0], write[1], write[2]);
        }
        // Resets the counts; no call is that far.
        io.failAt(Kind.READ, Integer.MAX_VALUE, Mode.ONCE, 0);
        db.flush();
        for (String[] write : secondRound()) {
            db.write(write[0], write[1], write[2]);
        }
        db.close();
        Map<Kind, Integer> counts = io.callCounts();
        TestFiles.deleteTree(dir);
        return counts;
    }

    private static void runWithFault(Path dir, boolean durable, State seeded, Kind kind, int call, Mode mode) {
        FaultyFileIO io = new FaultyFileIO(NoSyncFileIO.INSTANCE);
        PikoDB db = new PikoDB(options(dir, durable, io).build());
        db.start();
        State acknowledged = seeded.copy();
        for (String[] write : firstRound()) {
            db.write(write[0], write[1], write[2]);
            apply(acknowledged, write[0], write[1], write[2]);
        }
        io.failAt(kind, call, mode, call % 3);

        boolean flushThrew = false;
        try {
            db.flush();
        } catch (PikoDBException e) {
            flushThrew = true;
            assertThat(io.faults()).as("flush threw without an injected fault: %s", e).isPositive();
            assertThat(e.getMessage()).as("message of the failed flush").isNotBlank();
        }
        assertThat(flushThrew).as("flush reports the injected %s it met", io.firstFault()).isEqualTo(io.faults() > 0);
        assertThat(Workload.read(db).data()).as("memory after the flush").isEqualTo(acknowledged.data());

        State alternative = null;
        for (String[] write : secondRound()) {
            int faultsBefore = io.faults();
            try {
                db.write(write[0], write[1], write[2]);
                apply(acknowledged, write[0], write[1], write[2]);
            } catch (PikoDBException e) {
                // Refused by a table that failed, or failed itself: either way it may be wholly there or absent.
                assertThat(io.faults() > faultsBefore || db.failedTables().containsKey(write[0]))
                        .as("write to %s threw without a fault: %s", write[0], e).isTrue();
                alternative = acknowledged.copy();
                apply(alternative, write[0], write[1], write[2]);
                break;
            }
        }

        int faultsBeforeClose = io.faults();
        boolean closeThrew = false;
        try {
            db.close();
        } catch (PikoDBException e) {
            closeThrew = true;
            assertThat(io.faults() > 0 || !db.failedTables().isEmpty()).as("close threw without a fault: %s", e)
                    .isTrue();
        }
        if (io.faults() > faultsBeforeClose) {
            assertThat(closeThrew).as("close reports the injected %s it met", io.firstFault()).isTrue();
        }
        assertThat(io.faults()).as("the injected fault happened").isPositive();

        try (PikoDB reopened = new PikoDB(options(dir, durable, NoSyncFileIO.INSTANCE).build())) {
            reopened.start();
            assertThat(reopened.quarantinedFiles()).as("quarantined after %s", io.firstFault()).isEmpty();
            var actual = Workload.read(reopened).data();
            if (alternative == null) {
                assertThat(actual).as("reopened after %s", io.firstFault()).isEqualTo(acknowledged.data());
            } else {
                assertThat(actual).as("reopened after %s: with or without the failed write", io.firstFault())
                        .isIn(acknowledged.data(), alternative.data());
            }
        }
        assertThat(TestFiles.fileNames(dir)).as("leftovers after reopening")
                .noneMatch(name -> name.endsWith(".compact"));
    }
}
