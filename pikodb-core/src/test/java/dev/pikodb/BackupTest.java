package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@link PikoDB#backup(Path)} on the directory engine: complete, in the Node.js format, one instant. */
class BackupTest extends PikoDBTestSupport {

    static final Dictionary SENSORS = Dictionary.deflate(Map.of("sensor", "s", "temperature", "t"));

    @TempDir
    Path elsewhere;

    @Test
    void backupHoldsEveryRecordWithItsMetadataAndOpensAsADatabase() {
        db.addDictionary("sensors", SENSORS);
        db.write("users", "alice", map("name", "Alice"));
        clock.advance(5);
        db.write("users", "alice", map("name", "Alice", "age", 31));
        db.write("users", "bob", null);
        db.write("readings", "r1", map("sensor", "DHT22", "temperature", 23.5), T0 + 3_600_000, "sensors");
        db.write("sessions", "old", "token", T0 + 10);
        db.write("emptied", "k", 1);
        db.delete("emptied", "k");
        clock.advance(20);
        Path target = elsewhere.resolve("backup");

        db.backup(target);

        assertThat(files(target)).containsExactlyInAnyOrder(".dictionaries", "emptied", "readings", "sessions", "users");
        Map<String, JsonNode> users = entriesOf(readJson(target.resolve("users")));
        assertThat(users.get("alice").get("v").asLong()).isEqualTo(2);
        assertThat(users.get("alice").get("t").asLong()).isEqualTo(T0 + 5);
        assertThat(users.get("alice").get("x").isNull()).isTrue();
        assertThat(users.get("bob").get("d").isNull()).isTrue();
        Map<String, JsonNode> readings = entriesOf(readJson(target.resolve("readings")));
        assertThat(readings.get("r1").get("n").asString()).isEqualTo("sensors");
        assertThat(readings.get("r1").get("d").get("s").asString()).as("stored deflated, as the Node.js PikoDB does")
                .isEqualTo("DHT22");
        assertThat(entriesOf(readJson(target.resolve("sessions")))).as("expired at the backup's instant").isEmpty();
        assertThat(readString(target.resolve("emptied"))).isEqualTo("[]\n");

        try (PikoDB copy = new PikoDB(DatabaseOptions.builder().databaseDirectory(target).clock(clock).build())) {
            copy.start();
            assertThat(copy.listTables()).containsExactly("emptied", "readings", "sessions", "users");
            assertThat(records(copy, "users")).isEqualTo(records(db, "users"));
            assertThat(records(copy, "readings")).isEqualTo(records(db, "readings"));
            assertThat(copy.get("readings", "r1")).isEqualTo(map("sensor", "DHT22", "temperature", 23.5));
            assertThat(copy.listDictionaries()).containsExactly("sensors");
            assertThat(copy.quarantinedFiles()).isEmpty();
        }
    }

    @Test
    void backupIntoAnEmptyDirectoryIsAllowedAndIntoAnythingElseIsRefused() throws Exception {
        db.write("t", "k", 1);
        Path empty = Files.createDirectories(elsewhere.resolve("empty"));
        db.backup(empty);
        assertThat(files(empty)).containsExactly("t");

        Path full = Files.createDirectories(elsewhere.resolve("full"));
        Files.writeString(full.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> db.backup(full)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(full.toString()).hasMessageContaining("not empty");
        assertThat(files(full)).containsExactly("notes.txt");
        Path file = Files.writeString(elsewhere.resolve("a-file"), "x");
        assertThatThrownBy(() -> db.backup(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a file");
    }

    @Test
    void backupOfTheDatabaseDirectoryItselfIsRefused() {
        db.write("t", "k", 1);
        assertThatThrownBy(() -> db.backup(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not empty");
    }

    @Test
    void backupReportsProgressAndItsSummary() {
        for (int i = 0; i < 25_000; i++) {
            db.write(i % 2 == 0 ? "even" : "odd", "k" + i, i);
        }
        List<Long> reported = new ArrayList<>();
        CopySummary summary = db.backup(elsewhere.resolve("b"), (records, bytes, expected) -> {
            assertThat(expected).isEqualTo(25_000);
            reported.add(records);
        });
        assertThat(summary.tables()).isEqualTo(2);
        assertThat(summary.records()).isEqualTo(25_000);
        assertThat(summary.bytes()).isGreaterThan(25_000);
        assertThat(summary.target()).isEqualTo(elsewhere.resolve("b").toAbsolutePath().normalize().toString());
        assertThat(reported).isSorted().contains(10_000L, 20_000L).last().isEqualTo(25_000L);
    }

    /**
     * Four writers each write an increasing counter to table {@code a}, then the same counter to
     * table {@code b}, with values large enough that compactions run in the background meanwhile. At
     * any instant each writer's {@code a} is its {@code b} or one more: every backup must show that,
     * and hold at least what was acknowledged before it was called.
     */
    @Test
    void backupIsOneInstantAcrossTablesWhileFourThreadsWrite() throws Exception {
        int writers = 4;
        String pad = "p".repeat(300);
        AtomicLongArray acknowledgedB = new AtomicLongArray(writers);
        AtomicLongArray acknowledgedA = new AtomicLongArray(writers);
        long[] compactionsBefore = {db.statistics().compactions()};
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            db.write("a", "w" + w, map("n", 0));
            db.write("b", "w" + w, map("n", 0));
        }
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread thread = new Thread(() -> {
                try {
                    for (long i = 1; !stop; i++) {
                        db.write("a", "w" + writer, map("n", i, "pad", pad));
                        acknowledgedA.set(writer, i);
                        db.write("b", "w" + writer, map("n", i, "pad", pad));
                        acknowledgedB.set(writer, i);
                        db.write("spread", "w" + writer + "-" + (i % 500), map("n", i));
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        try {
            for (int round = 0; round < 12; round++) {
                long[] beforeA = new long[writers];
                long[] beforeB = new long[writers];
                for (int w = 0; w < writers; w++) {
                    beforeB[w] = acknowledgedB.get(w);
                    beforeA[w] = acknowledgedA.get(w);
                }
                Path target = elsewhere.resolve("cut-" + round);
                db.backup(target);
                Map<String, JsonNode> a = entriesOf(readJson(target.resolve("a")));
                Map<String, JsonNode> b = entriesOf(readJson(target.resolve("b")));
                for (int w = 0; w < writers; w++) {
                    long inA = counter(a, "w" + w);
                    long inB = counter(b, "w" + w);
                    assertThat(inA - inB).as("round %d writer %d: a=%d b=%d", round, w, inA, inB).isBetween(0L, 1L);
                    assertThat(inA).as("acknowledged before the call").isGreaterThanOrEqualTo(beforeA[w]);
                    assertThat(inB).as("acknowledged before the call").isGreaterThanOrEqualTo(beforeB[w]);
                }
            }
        } finally {
            stop = true;
            for (Thread thread : threads) {
                thread.join();
            }
        }
        assertThat(failures).isEmpty();
        assertThat(db.statistics().compactions()).as("compactions ran during the backups")
                .isGreaterThan(compactionsBefore[0]);
    }

    private volatile boolean stop;

    /**
     * One thread fills a table key by key with one generation, deletes it, and starts again: at any
     * instant the table holds the first keys of one generation. Every backup must show exactly that.
     */
    @Test
    void tableDeletedWhileBackupsRunIsInEachBackupAsItWasAtOneInstant() throws Exception {
        int keys = 300;
        List<Throwable> failures = new ArrayList<>();
        Thread churn = new Thread(() -> {
            try {
                for (long generation = 1; !stop; generation++) {
                    for (int i = 0; i < keys && !stop; i++) {
                        db.write("doomed", "k" + i, generation);
                    }
                    db.deleteTable("doomed");
                }
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        churn.start();
        try {
            for (int round = 0; round < 30; round++) {
                Path target = elsewhere.resolve("round-" + round);
                db.backup(target);
                if (!Files.exists(target.resolve("doomed"))) {
                    continue;
                }
                Map<String, JsonNode> doomed = entriesOf(readJson(target.resolve("doomed")));
                long generation = doomed.isEmpty() ? 0 : doomed.values().iterator().next().get("d").asLong();
                for (int i = 0; i < doomed.size(); i++) {
                    assertThat(doomed).as("round %d: the first %d keys", round, doomed.size()).containsKey("k" + i);
                    assertThat(doomed.get("k" + i).get("d").asLong()).as("one generation").isEqualTo(generation);
                }
            }
        } finally {
            stop = true;
            churn.join();
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void copyToKeepsEveryRecordVersionTimestampExpirationAndDictionary(@TempDir Path other) {
        db.addDictionary("sensors", SENSORS);
        db.write("users", "alice", map("name", "Alice"));
        db.write("users", "alice", map("name", "Alice", "age", 31));
        clock.advance(7);
        db.write("readings", "r1", map("sensor", "DHT22", "temperature", 23.5), T0 + 3_600_000, "sensors");
        try (PikoDB target = new PikoDB(DatabaseOptions.builder().databaseDirectory(other).clock(clock).build())) {
            target.start();
            CopySummary summary = db.copyTo(target, CopyProgress.NONE);
            assertThat(summary.tables()).isEqualTo(2);
            assertThat(summary.records()).isEqualTo(2);
            assertThat(records(target, "users")).isEqualTo(records(db, "users"));
            assertThat(records(target, "readings")).isEqualTo(records(db, "readings"));
            assertThat(target.getRecord("users", "alice").orElseThrow().version()).isEqualTo(2);
            assertThat(target.listDictionaries()).containsExactly("sensors");
            assertThat(target.write("users", "alice", "next")).as("versions go on from the copied one").isEqualTo(3);
        }
        try (PikoDB reopened = new PikoDB(DatabaseOptions.builder().databaseDirectory(other).clock(clock).build())) {
            reopened.start();
            assertThat(records(reopened, "readings")).isEqualTo(records(db, "readings"));
        }
    }

    @Test
    void copyToRefusesATargetTableThatHoldsRecordsBeforeCopyingAnything(@TempDir Path other) {
        db.write("a-first", "k", 1);
        db.write("orders", "o1", 1);
        try (PikoDB target = new PikoDB(DatabaseOptions.builder().databaseDirectory(other).clock(clock).build())) {
            target.start();
            target.write("orders", "mine", "keep");
            assertThatThrownBy(() -> db.copyTo(target)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'orders'").hasMessageContaining("nothing was copied");
            assertThat(target.listTables()).containsExactly("orders");
            assertThat(records(target, "orders")).containsOnlyKeys("mine");
        }
    }

    @Test
    void copyToRefusesADictionaryWithAnotherMappingBeforeCopyingAnything(@TempDir Path other) {
        db.addDictionary("sensors", SENSORS);
        db.write("readings", "r1", map("sensor", "x"), null, "sensors");
        try (PikoDB target = new PikoDB(DatabaseOptions.builder().databaseDirectory(other).clock(clock).build())) {
            target.start();
            target.addDictionary("sensors", Dictionary.deflate(Map.of("sensor", "z")));
            target.write("other", "k", map("sensor", 1), null, "sensors");
            assertThatThrownBy(() -> db.copyTo(target)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'sensors'");
            assertThat(target.listTables()).containsExactly("other");
        }
    }

    @Test
    void importRecordsStoresVersionsAndTimestampsAndSkipsExpiredOnes() {
        int stored = db.importRecords("t", List.of(
                Map.entry("a", new DatabaseRecord(map("x", 1), 7, T0 - 100, null, null)),
                Map.entry("gone", new DatabaseRecord("old", 2, T0 - 100, T0 - 1, null))));
        assertThat(stored).isEqualTo(1);
        assertThat(db.getRecord("t", "a").orElseThrow()).isEqualTo(new DatabaseRecord(map("x", 1), 7, T0 - 100, null, null));
        assertThat(db.getRecord("t", "gone")).isEmpty();
        assertThatThrownBy(() -> db.importRecords("t", List.of(Map.entry("b", new DatabaseRecord(1, 0, T0, null, null)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version");
        reopen();
        assertThat(db.getRecord("t", "a").orElseThrow().version()).isEqualTo(7);
    }

    private static long counter(Map<String, JsonNode> table, String key) {
        JsonNode entry = table.get(key);
        return entry == null ? 0 : entry.get("d").get("n").asLong();
    }

    static Map<String, DatabaseRecord> records(PikoDB database, String table) {
        Map<String, DatabaseRecord> records = new TreeMap<>();
        database.getRecords(table).forEach(entry -> records.put(entry.getKey(), entry.getValue()));
        return records;
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
