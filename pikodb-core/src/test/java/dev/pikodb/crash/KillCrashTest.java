package dev.pikodb.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import dev.pikodb.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills a writing process with SIGKILL at random instants and checks what it left behind.
 *
 * <p>Each round starts {@link CrashWriter} in a child JVM on the same directory (so state
 * accumulates across rounds, and each round begins by recovering the previous crash), waits for its
 * READY line, lets it write for a random time (seeded; the seed is logged and can be fixed with
 * {@code -Dpikodb.crash.seed=...}), then kills it. The workload crosses the 1 MiB compaction
 * threshold within milliseconds, so many kills land during a compaction. The test then opens a copy
 * of the directory and checks:
 * <ul>
 * <li>every acknowledged write is present with exactly its version and value, unless a later
 * acknowledged operation on its key superseded it;</li>
 * <li>every acknowledged delete is absent, unless rewritten later;</li>
 * <li>of the operations not acknowledged, only the single one in flight per writer thread may be
 * visible, and then whole: its version is the previous one + 1 and its value is exactly the one
 * that was being written;</li>
 * <li>no other key exists, nothing is quarantined, no table is failed.</li>
 * </ul>
 * The number of rounds per mode comes from {@code pikodb.crash.rounds} (default 12).
 */
class KillCrashTest {

    private static final Logger log = LoggerFactory.getLogger(KillCrashTest.class);

    private static final int THREADS = 2;
    private static final int MIN_DELAY_MILLIS = 5;
    private static final int MAX_DELAY_MILLIS = 1_500;

    @TempDir
    Path work;

    /** The expected state of one key: absent ({@code version == 0}) or one particular write. */
    private record KeyState(long version, long number, int length, long crc) {
        static final KeyState ABSENT = new KeyState(0, 0, 0, 0);

        boolean present() {
            return version > 0;
        }

        @Override
        public String toString() {
            return present() ? "v" + version + " write #" + number + " (" + length + " chars, crc " + crc + ")" : "absent";
        }
    }

    /** An operation a writer thread announced and had not yet acknowledged when it was killed. */
    private record InFlight(String table, String key, boolean delete, long number, int length, long crc) {
    }

    private static final class Totals {
        int rounds;
        long acknowledged;
        long keysVerified;
        int inFlightVisible;
        int killsDuringCompaction;
        long compactionsBeforeKills;
    }

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void everyAcknowledgedOperationSurvivesSigkill(boolean durable) throws Exception {
        int rounds = rounds();
        long seed = Long.getLong("pikodb.crash.seed", System.nanoTime());
        log.info("Kill-crash test ({} writes): {} rounds, seed {} (rerun with -Dpikodb.crash.seed={})",
                durable ? "durable" : "default", rounds, seed, seed);
        Random random = new Random(seed);
        Path directory = work.resolve("db");
        Map<String, Map<String, KeyState>> model = new TreeMap<>();
        Totals totals = new Totals();

        for (int round = 1; round <= rounds; round++) {
            long roundStarted = System.nanoTime();
            int delay = MIN_DELAY_MILLIS + random.nextInt(MAX_DELAY_MILLIS - MIN_DELAY_MILLIS + 1);
            String context = "seed " + seed + ", durableWrites=" + durable + ", round " + round + ", kill after "
                    + delay + " ms";
            List<String> lines = runAndKill(directory, durable, round, random.nextLong(), delay, context);
            List<String> cutShort = compactionsCutShort(directory);
            if (!cutShort.isEmpty()) {
                totals.killsDuringCompaction++;
            }
            Map<Integer, InFlight> inFlight = apply(lines, model, totals, context);
            long killed = System.nanoTime();
            verify(directory, model, inFlight, totals, context + ", compactions cut short by the kill: " + cutShort);
            totals.rounds++;
            log.debug("Round {} ({}): {} protocol lines, compactions cut short {}; run {} ms, verify {} ms", round,
                    context, lines.size(), cutShort, (killed - roundStarted) / 1_000_000,
                    (System.nanoTime() - killed) / 1_000_000);
        }

        // Finally a clean close and reopen of the accumulated state.
        try (PikoDB db = open(directory, durable)) {
            assertThat(db.quarantinedFiles()).isEmpty();
        }
        try (PikoDB db = open(directory, durable)) {
            Map<String, Map<String, KeyState>> observed = observe(db, model, Map.of(), "after a clean close (seed "
                    + seed + ")");
            assertThat(observed).isEqualTo(model);
        }
        assertThat(totals.rounds).isEqualTo(rounds);
        log.info("Kill-crash summary ({} writes): {} rounds killed with SIGKILL, {} acknowledged operations verified,"
                        + " {} key states checked, {} in-flight operations found applied whole, {} kills detected inside a"
                        + " compaction, >= {} compactions ran before the kills;"
                        + " seed {}", durable ? "durable" : "default", totals.rounds, totals.acknowledged,
                totals.keysVerified, totals.inFlightVisible, totals.killsDuringCompaction,
                totals.compactionsBeforeKills, seed);
    }

    /**
     * The compactions the kill interrupted, as far as the files tell: a {@code .<t>.compact} file
     * (killed before the rename), or a table file modified after its journal (killed between the
     * rename and the journal's truncation: a compaction holds the journal's lock throughout, so
     * otherwise the journal is always the newer of the two). Timestamps of the same clock tick are
     * not counted, so this undercounts.
     */
    private static List<String> compactionsCutShort(Path directory) throws IOException {
        List<String> cutShort = new ArrayList<>();
        for (String name : TestFiles.fileNames(directory)) {
            if (name.endsWith(".compact")) {
                cutShort.add(name);
            } else if (!name.startsWith(".")) {
                Path journal = directory.resolve("." + name + ".journal");
                if (Files.exists(journal) && Files.getLastModifiedTime(directory.resolve(name))
                        .compareTo(Files.getLastModifiedTime(journal)) > 0) {
                    cutShort.add(name + " (renamed, journal not yet emptied)");
                }
            }
        }
        return cutShort;
    }

    private static int rounds() {
        String value = System.getProperty("pikodb.crash.rounds", "");
        try {
            int rounds = Integer.parseInt(value.trim());
            return rounds > 0 ? rounds : 12;
        } catch (NumberFormatException e) {
            return 12;
        }
    }

    private static PikoDB open(Path directory, boolean durable) {
        PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).durableWrites(durable).build());
        db.start();
        return db;
    }

    // ---- the child process --------------------------------------------------------------------

    private List<String> runAndKill(Path directory, boolean durable, int round, long childSeed, int delayMillis,
            String context) throws Exception {
        return KilledProcess.runAndKill(CrashWriter.class, List.of(directory.toString(), Boolean.toString(durable),
                Integer.toString(round), Long.toString(childSeed), Integer.toString(THREADS)),
                work.resolve("writer-" + durable + "-" + round + ".out"), delayMillis, context);
    }

    // ---- the model ----------------------------------------------------------------------------

    /**
     * Applies the acknowledged operations to the model, checking on the way that the writer saw
     * versions consistent with it; returns the operation each thread had in flight at the kill.
     */
    private static Map<Integer, InFlight> apply(List<String> lines, Map<String, Map<String, KeyState>> model,
            Totals totals, String context) {
        Map<Integer, InFlight> inFlight = new HashMap<>();
        boolean ready = false;
        for (String line : lines) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "READY" -> ready = true;
                case "S" -> {
                    // compaction counter: the last one of the round is added below
                }
                case "I" -> {
                    int thread = Integer.parseInt(f[1]);
                    boolean delete = f[2].equals("D");
                    inFlight.put(thread, delete
                            ? new InFlight(f[3], f[4], true, 0, 0, 0)
                            : new InFlight(f[3], f[4], false, Long.parseLong(f[5]), Integer.parseInt(f[6]),
                                    Long.parseLong(f[7])));
                }
                case "W" -> {
                    int thread = Integer.parseInt(f[1]);
                    String table = f[2];
                    String key = f[3];
                    long version = Long.parseLong(f[4]);
                    KeyState before = state(model, table, key);
                    assertThat(version).as("version returned by write #%s to %s/%s, which was %s (%s)", f[5], table,
                            key, before, context).isEqualTo(before.version() + 1);
                    model.computeIfAbsent(table, t -> new TreeMap<>()).put(key, new KeyState(version,
                            Long.parseLong(f[5]), Integer.parseInt(f[6]), Long.parseLong(f[7])));
                    inFlight.remove(thread);
                    totals.acknowledged++;
                }
                case "D" -> {
                    int thread = Integer.parseInt(f[1]);
                    String table = f[2];
                    String key = f[3];
                    boolean removed = Boolean.parseBoolean(f[4]);
                    KeyState before = state(model, table, key);
                    assertThat(removed).as("delete of %s/%s, which was %s, reported removed (%s)", table, key, before,
                            context).isEqualTo(before.present());
                    if (removed) {
                        model.get(table).put(key, KeyState.ABSENT);
                    }
                    inFlight.remove(thread);
                    totals.acknowledged++;
                }
                default -> fail("Unexpected line from the writer: '" + line + "' (" + context + ")");
            }
        }
        assertThat(ready).as("writer printed READY (%s)", context).isTrue();
        lines.stream().filter(line -> line.startsWith("S ")).reduce((a, b) -> b)
                .ifPresent(last -> totals.compactionsBeforeKills += Long.parseLong(last.substring(2)));
        return inFlight;
    }

    private static KeyState state(Map<String, Map<String, KeyState>> model, String table, String key) {
        Map<String, KeyState> keys = model.get(table);
        KeyState state = keys == null ? null : keys.get(key);
        return state == null ? KeyState.ABSENT : state;
    }

    /** Opens a copy of the crash image, checks it against the model, and makes the model what it holds. */
    private void verify(Path directory, Map<String, Map<String, KeyState>> model, Map<Integer, InFlight> inFlight,
            Totals totals, String context) {
        Path image = TestFiles.copyDirectory(directory, work.resolve("image"));
        Map<String, InFlight> inFlightByKey = new HashMap<>();
        for (InFlight op : inFlight.values()) {
            inFlightByKey.put(op.table() + "/" + op.key(), op);
        }
        try (PikoDB db = open(image, false)) {
            assertThat(db.quarantinedFiles()).as("files quarantined after a kill (%s)", context).isEmpty();
            assertThat(db.failedTables()).as("failed tables after a kill (%s)", context).isEmpty();
            Map<String, Map<String, KeyState>> observed = observe(db, model, inFlightByKey, context);
            for (InFlight op : inFlight.values()) {
                KeyState before = state(model, op.table(), op.key());
                KeyState after = state(observed, op.table(), op.key());
                if (!after.equals(before)) {
                    totals.inFlightVisible++;
                }
            }
            for (Map<String, KeyState> keys : observed.values()) {
                totals.keysVerified += keys.size();
            }
            model.clear();
            model.putAll(observed);
        }
        TestFiles.deleteTree(image);
    }

    /**
     * Reads every table and key the model or the in-flight operations mention, checks each against
     * them, and returns what the database holds.
     */
    private static Map<String, Map<String, KeyState>> observe(PikoDB db, Map<String, Map<String, KeyState>> model,
            Map<String, InFlight> inFlightByKey, String context) {
        Map<String, Map<String, KeyState>> observed = new TreeMap<>();
        List<String> possibleTables = new ArrayList<>(model.keySet());
        inFlightByKey.values().forEach(op -> {
            if (!possibleTables.contains(op.table())) {
                possibleTables.add(op.table());
            }
        });
        assertThat(possibleTables).as("tables after the kill (%s)", context).containsAll(db.listTables());
        for (String table : possibleTables) {
            Map<String, Object> entries = new LinkedHashMap<>();
            for (Map.Entry<String, Object> entry : db.get(table)) {
                assertThat(entries.put(entry.getKey(), entry.getValue()))
                        .as("key %s listed twice in table %s (%s)", entry.getKey(), table, context).isNull();
            }
            Map<String, KeyState> expectedKeys = model.getOrDefault(table, Map.of());
            for (String key : entries.keySet()) {
                assertThat(expectedKeys.containsKey(key) || inFlightByKey.containsKey(table + "/" + key))
                        .as("key %s/%s exists but was never written (%s)", table, key, context).isTrue();
            }
            Map<String, KeyState> keys = new TreeMap<>();
            List<String> allKeys = new ArrayList<>(expectedKeys.keySet());
            inFlightByKey.values().stream().filter(op -> op.table().equals(table) && !allKeys.contains(op.key()))
                    .forEach(op -> allKeys.add(op.key()));
            for (String key : allKeys) {
                KeyState actual = read(db, table, key, entries, context);
                KeyState acknowledged = expectedKeys.getOrDefault(key, KeyState.ABSENT);
                InFlight op = inFlightByKey.get(table + "/" + key);
                if (!actual.equals(acknowledged)) {
                    String where = table + "/" + key;
                    if (op == null) {
                        fail("Key " + where + " is " + actual + " but the last acknowledged operation left it "
                                + acknowledged + " and nothing was in flight on it (" + context + ")");
                    } else if (op.delete()) {
                        assertThat(actual.present()).as("key %s: acknowledged %s, in-flight delete, found %s (%s)",
                                where, acknowledged, actual, context).isFalse();
                    } else {
                        KeyState landed = new KeyState(acknowledged.version() + 1, op.number(), op.length(), op.crc());
                        assertThat(actual).as("key %s: acknowledged %s, in-flight write #%s, found %s (%s)", where,
                                acknowledged, op.number(), actual, context).isEqualTo(landed);
                    }
                }
                if (actual.present() || expectedKeys.containsKey(key)) {
                    keys.put(key, actual);
                }
            }
            if (!keys.isEmpty()) {
                observed.put(table, keys);
            }
        }
        return observed;
    }

    private static KeyState read(PikoDB db, String table, String key, Map<String, Object> entries, String context) {
        Optional<DatabaseRecord> record = db.getRecord(table, key);
        assertThat(record.isPresent()).as("getRecord and get(table) agree on %s/%s (%s)", table, key, context)
                .isEqualTo(entries.containsKey(key));
        if (record.isEmpty()) {
            return KeyState.ABSENT;
        }
        CrashWorkload.Decoded decoded = CrashWorkload.decode(key, record.get().value());
        assertThat(decoded.problem()).as("value of %s/%s v%s (%s)", table, key, record.get().version(), context)
                .isNull();
        assertThat(entries.get(key)).as("get(table) and getRecord return the same value for %s/%s", table, key)
                .isEqualTo(record.get().value());
        return new KeyState(record.get().version(), decoded.number(), decoded.length(), decoded.crc());
    }
}
