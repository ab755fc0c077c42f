package dev.pikodb.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.DatabaseRecord;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import dev.pikodb.TestFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Randomized stress against an oracle, killed with SIGKILL at random instants, in the spirit of
 * RocksDB's {@code db_stress} crash tests.
 *
 * <p>Each round starts {@link OracleStressWriter} in a child JVM on the same directory (alternating
 * default and durable writes, so each mode also recovers what the other left), lets its threads do
 * random writes, writes with an expiration, dictionary writes, compare-and-writes, deletes,
 * {@code deleteTable}, clock moves and flushes, with background compactions running, and kills it at
 * a random instant. The oracle replays the acknowledged operations (checking on the way every version
 * and every answer the writer got), then a copy of the directory is opened with the clock at the
 * writer's last time and every key is checked: an acknowledged operation's result is there unless a
 * later acknowledged operation superseded it or its expiration has passed; of the operations in
 * flight at the kill (one per thread) each is either absent or applied whole; a table deleted in
 * flight is deleted whole or not at all; nothing else exists, nothing is quarantined, no table is
 * failed.
 *
 * <p>The build runs a few rounds ({@code pikodb.reliability.rounds}, default 3); the long mode
 * ({@code -Dpikodb.reliability.long=true}) runs for {@code pikodb.reliability.minutes} (default 5).
 * The seed is logged and printed in every failure; {@code -Dpikodb.reliability.seed=...} replays a
 * run (the kill instants are the seed's, so the same operations run, though a kill lands where the
 * machine's timing puts it).
 */
class OracleStressTest {

    private static final Logger log = LoggerFactory.getLogger(OracleStressTest.class);

    private static final int THREADS = 3;
    private static final int MIN_DELAY_MILLIS = 50;
    private static final int MAX_DELAY_MILLIS = 1_200;
    private static final long START_MILLIS = 1_732_400_000_000L;

    @TempDir
    Path work;

    /** One key's expected state: absent, or one particular write with its version and expiration. */
    private record KeyState(long version, long number, int length, long crc, Long expiration) {
        static final KeyState ABSENT = new KeyState(0, 0, 0, 0, null);

        boolean present() {
            return version > 0;
        }

        boolean visibleAt(long now) {
            return present() && (expiration == null || now <= expiration);
        }

        @Override
        public String toString() {
            return present() ? "v" + version + " write #" + number + (expiration == null ? "" : " until " + expiration)
                    : "absent";
        }
    }

    /** An operation a thread announced and had not acknowledged at the kill. */
    private record InFlight(String kind, String table, String key, long number, int length, long crc,
            Long expiration) {
    }

    private static final class Totals {
        int kills;
        long acknowledged;
        long keysChecked;
        long expiredAtCheck;
        int inFlightApplied;
        int tablesDeleted;
        long compareAndWrites;
        long compactions;
    }

    @Test
    void everyAcknowledgedOperationMatchesTheOracleAfterEachKill() throws Exception {
        boolean longMode = Boolean.getBoolean("pikodb.reliability.long");
        long seed = Long.getLong("pikodb.reliability.seed", System.nanoTime());
        int rounds = Integer.getInteger("pikodb.reliability.rounds", 3);
        long deadline = System.nanoTime() + Long.getLong("pikodb.reliability.minutes", 5) * 60_000_000_000L;
        log.info("Oracle stress: {}, seed {} (replay with -Dpikodb.reliability.seed={})",
                longMode ? "long mode" : rounds + " rounds", seed, seed);
        Random random = new Random(seed);
        Path directory = work.resolve("db");
        Map<String, Map<String, KeyState>> model = new TreeMap<>();
        Totals totals = new Totals();
        long now = START_MILLIS;
        for (int round = 1; longMode ? System.nanoTime() < deadline : round <= rounds; round++) {
            boolean durable = round % 2 == 0;
            int delay = MIN_DELAY_MILLIS + random.nextInt(MAX_DELAY_MILLIS - MIN_DELAY_MILLIS + 1);
            String context = "seed " + seed + ", round " + round + ", durableWrites=" + durable + ", kill after "
                    + delay + " ms";
            List<String> lines = KilledProcess.runAndKill(OracleStressWriter.class, List.of(directory.toString(),
                    Boolean.toString(durable), Integer.toString(round), Long.toString(random.nextLong()),
                    Integer.toString(THREADS), Long.toString(now)), work.resolve("writer-" + round + ".out"), delay,
                    context);
            totals.kills++;
            Oracle oracle = new Oracle(model, totals, now, context);
            oracle.apply(lines);
            now = oracle.now;
            verify(directory, model, oracle.inFlight, now, totals, context);
            now++;
        }
        assertThat(totals.kills).isPositive();
        assertThat(totals.acknowledged).as("acknowledged operations (seed %s)", seed).isPositive();
        log.info("Oracle stress summary: {} kills, {} acknowledged operations checked ({} compare-and-writes, {}"
                        + " tables deleted), {} key states checked after the kills, {} found expired, {} in-flight"
                        + " operations found applied whole, >= {} compactions before the kills; seed {}", totals.kills,
                totals.acknowledged, totals.compareAndWrites, totals.tablesDeleted, totals.keysChecked,
                totals.expiredAtCheck, totals.inFlightApplied, totals.compactions, seed);
    }

    private static KeyState state(Map<String, Map<String, KeyState>> model, String table, String key) {
        Map<String, KeyState> keys = model.get(table);
        KeyState state = keys == null ? null : keys.get(key);
        return state == null ? KeyState.ABSENT : state;
    }

    /** Replays a writer's protocol onto the model, checking every answer the writer got. */
    private static final class Oracle {
        final Map<String, Map<String, KeyState>> model;
        final Totals totals;
        final String context;
        final Map<Integer, InFlight> inFlight = new HashMap<>();
        long now;

        Oracle(Map<String, Map<String, KeyState>> model, Totals totals, long now, String context) {
            this.model = model;
            this.totals = totals;
            this.now = now;
            this.context = context;
        }

        void apply(List<String> lines) {
            boolean ready = false;
            String lastCompactions = null;
            for (String line : lines) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "READY" -> ready = true;
                    case "S" -> lastCompactions = f[1];
                    case "T" -> now = Math.max(now, Long.parseLong(f[1]));
                    case "I" -> inFlight.put(Integer.parseInt(f[1]), announced(f));
                    case "W" -> write(f);
                    case "C" -> compareAndWrite(f);
                    case "D" -> delete(f);
                    case "X" -> deleteTable(f);
                    default -> fail("Unexpected line from the writer: '" + line + "' (" + context + ")");
                }
                if (!f[0].equals("I") && !f[0].equals("S") && !f[0].equals("T") && !f[0].equals("READY")) {
                    inFlight.remove(Integer.parseInt(f[1]));
                    totals.acknowledged++;
                }
            }
            assertThat(ready).as("writer printed READY (%s)", context).isTrue();
            if (lastCompactions != null) {
                totals.compactions += Long.parseLong(lastCompactions);
            }
        }

        private static InFlight announced(String[] f) {
            return switch (f[2]) {
                case "W", "C" -> new InFlight(f[2], f[3], f[4], Long.parseLong(f[5]), Integer.parseInt(f[6]),
                        Long.parseLong(f[7]), f[8].equals("-") ? null : Long.parseLong(f[8]));
                case "D" -> new InFlight("D", f[3], f[4], 0, 0, 0, null);
                default -> new InFlight("X", f[3], null, 0, 0, 0, null);
            };
        }

        /** The versions a write may return: 1 after an absent key, +1 after a permanent one, either after an expiring one. */
        private void checkNewVersion(long version, KeyState before, String what) {
            boolean allowed = !before.present() ? version == 1
                    : before.expiration() == null ? version == before.version() + 1
                    : version == 1 || version == before.version() + 1;
            assertThat(allowed).as("%s returned version %s, the key was %s (%s)", what, version, before, context)
                    .isTrue();
        }

        private void put(String table, String key, KeyState state) {
            model.computeIfAbsent(table, t -> new TreeMap<>()).put(key, state);
        }

        private void write(String[] f) {
            KeyState before = state(model, f[2], f[3]);
            long version = Long.parseLong(f[4]);
            checkNewVersion(version, before, "write #" + f[5] + " to " + f[2] + "/" + f[3]);
            put(f[2], f[3], new KeyState(version, Long.parseLong(f[5]), Integer.parseInt(f[6]), Long.parseLong(f[7]),
                    f[8].equals("-") ? null : Long.parseLong(f[8])));
        }

        private void compareAndWrite(String[] f) {
            KeyState before = state(model, f[2], f[3]);
            long expected = Long.parseLong(f[4]);
            boolean ok = Boolean.parseBoolean(f[5]);
            totals.compareAndWrites++;
            boolean mayMatch = before.present() ? expected == before.version()
                    || (before.expiration() != null && expected == 0) : expected == 0;
            boolean mustMatch = before.present() ? before.expiration() == null && expected == before.version()
                    : expected == 0;
            if (ok) {
                assertThat(mayMatch).as("compareAndWrite of %s/%s expecting v%s succeeded, the key was %s (%s)", f[2],
                        f[3], expected, before, context).isTrue();
                put(f[2], f[3], new KeyState(expected + 1, Long.parseLong(f[6]), Integer.parseInt(f[7]),
                        Long.parseLong(f[8]), null));
            } else {
                assertThat(mustMatch).as("compareAndWrite of %s/%s expecting v%s failed, the key was %s (%s)", f[2],
                        f[3], expected, before, context).isFalse();
                if (before.present() && before.expiration() != null && expected == before.version()) {
                    put(f[2], f[3], KeyState.ABSENT); // it failed because the record had expired
                }
            }
        }

        private void delete(String[] f) {
            KeyState before = state(model, f[2], f[3]);
            boolean removed = Boolean.parseBoolean(f[4]);
            if (!before.present()) {
                assertThat(removed).as("delete of absent %s/%s reported removed (%s)", f[2], f[3], context).isFalse();
            } else if (before.expiration() == null) {
                assertThat(removed).as("delete of %s/%s, which was %s (%s)", f[2], f[3], before, context).isTrue();
            }
            if (before.present()) {
                put(f[2], f[3], KeyState.ABSENT);
            }
        }

        private void deleteTable(String[] f) {
            totals.tablesDeleted++;
            model.remove(f[2]);
        }
    }

    private static PikoDB open(Path directory, long now) {
        PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).clock(new MutableClock(now))
                .build());
        db.start();
        return db;
    }

    /** Opens a copy of the crash image at the writer's last time, checks it, and makes the model what it holds. */
    private void verify(Path directory, Map<String, Map<String, KeyState>> model, Map<Integer, InFlight> inFlight,
            long now, Totals totals, String context) {
        Path image = TestFiles.copyDirectory(directory, work.resolve("image"));
        try (PikoDB db = open(image, now)) {
            assertThat(db.quarantinedFiles()).as("files quarantined after a kill (%s)", context).isEmpty();
            assertThat(db.failedTables()).as("failed tables after a kill (%s)", context).isEmpty();
            Set<String> tables = new TreeSet<>(model.keySet());
            for (int t = 0; t < THREADS; t++) {
                tables.add(OracleStressWriter.ownTable(t));
            }
            tables.addAll(List.of(CrashWorkload.TABLES));
            assertThat(tables).as("tables after the kill (%s)", context).containsAll(db.listTables());
            Map<String, Map<String, KeyState>> observed = new TreeMap<>();
            for (String table : tables) {
                InFlight tableDrop = inFlight.values().stream()
                        .filter(op -> op.kind().equals("X") && op.table().equals(table)).findFirst().orElse(null);
                Map<String, KeyState> keys = observeTable(db, table, model.getOrDefault(table, Map.of()), inFlight,
                        tableDrop, now, totals, context);
                if (!keys.isEmpty()) {
                    observed.put(table, keys);
                }
            }
            model.clear();
            model.putAll(observed);
        }
        TestFiles.deleteTree(image);
    }

    private static Map<String, KeyState> observeTable(PikoDB db, String table, Map<String, KeyState> expectedKeys,
            Map<Integer, InFlight> inFlight, InFlight tableDrop, long now, Totals totals, String context) {
        Map<String, Object> listed = new TreeMap<>();
        for (Map.Entry<String, Object> entry : db.get(table)) {
            assertThat(listed.put(entry.getKey(), entry.getValue())).as("key %s listed twice in table %s (%s)",
                    entry.getKey(), table, context).isNull();
        }
        Map<String, InFlight> onKeys = new HashMap<>();
        for (InFlight op : inFlight.values()) {
            if (op.key() != null && op.table().equals(table)) {
                onKeys.put(op.key(), op);
            }
        }
        Set<String> keys = new TreeSet<>(expectedKeys.keySet());
        keys.addAll(onKeys.keySet());
        for (String key : listed.keySet()) {
            assertThat(keys).as("key %s/%s exists but was never written (%s)", table, key, context).contains(key);
        }
        Map<String, KeyState> observed = new TreeMap<>();
        List<String> differing = new ArrayList<>();
        List<String> present = new ArrayList<>();
        for (String key : keys) {
            KeyState actual = read(db, table, key, listed, context);
            KeyState acknowledged = expectedKeys.getOrDefault(key, KeyState.ABSENT);
            KeyState expected = acknowledged.visibleAt(now) ? acknowledged : KeyState.ABSENT;
            if (acknowledged.present() && !acknowledged.visibleAt(now)) {
                totals.expiredAtCheck++;
            }
            totals.keysChecked++;
            InFlight op = onKeys.get(key);
            if (!actual.equals(expected)) {
                String where = table + "/" + key;
                if (op == null && tableDrop == null) {
                    fail("Key " + where + " is " + actual + " but the acknowledged operations left it " + acknowledged
                            + " (visible at " + now + ": " + expected + ") and nothing was in flight on it ("
                            + context + ")");
                } else if (op == null || op.kind().equals("D")
                        || (!actual.present() && op.expiration() != null && now > op.expiration())) {
                    // a delete, a table deleted in flight, or a write with an expiration already past
                    assertThat(actual.present()).as("key %s: acknowledged %s, in-flight delete, found %s (%s)", where,
                            acknowledged, actual, context).isFalse();
                } else {
                    assertThat(actual.number()).as("key %s: acknowledged %s, in-flight write #%s, found %s (%s)", where,
                            acknowledged, op.number(), actual, context).isEqualTo(op.number());
                    assertThat(actual.length() == op.length() && actual.crc() == op.crc()
                            && java.util.Objects.equals(actual.expiration(), op.expiration())
                            && (actual.version() == 1 || actual.version() == acknowledged.version() + 1))
                            .as("key %s: acknowledged %s, in-flight write #%s, found %s (%s)", where, acknowledged,
                                    op.number(), actual, context).isTrue();
                }
                totals.inFlightApplied++;
                differing.add(key);
            }
            if (actual.present()) {
                present.add(key);
                observed.put(key, actual);
            }
        }
        if (tableDrop != null && !differing.isEmpty()) {
            assertThat(present).as("table %s, deleted in flight, is deleted whole or not at all (%s)", table, context)
                    .isSubsetOf(onKeys.keySet());
        }
        return observed;
    }

    private static KeyState read(PikoDB db, String table, String key, Map<String, Object> listed, String context) {
        Optional<DatabaseRecord> record = db.getRecord(table, key);
        assertThat(record.isPresent()).as("getRecord and get(table) agree on %s/%s (%s)", table, key, context)
                .isEqualTo(listed.containsKey(key));
        if (record.isEmpty()) {
            return KeyState.ABSENT;
        }
        CrashWorkload.Decoded decoded = CrashWorkload.decode(key, record.get().value());
        assertThat(decoded.problem()).as("value of %s/%s v%s (%s)", table, key, record.get().version(), context)
                .isNull();
        return new KeyState(record.get().version(), decoded.number(), decoded.length(), decoded.crc(),
                record.get().expiration());
    }
}
