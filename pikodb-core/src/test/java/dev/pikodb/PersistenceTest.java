package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.tck.SampleData;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * After flush()/close() the table files alone hold the data, in the shared format; acknowledged writes
 * survive a killed process (the rules on every engine: {@code PersistenceContract}).
 */
class PersistenceTest extends PikoDBTestSupport {

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void flushLeavesEachTableFileCompleteInTheSharedFormat(boolean durable) {
        reopen(b -> b.durableWrites(durable));
        SampleData.write(db, clock);

        db.flush();

        Map<String, JsonNode> users = tableFileEntries("users");
        assertThat(users).containsOnlyKeys("alice", "bob");
        JsonNode alice = users.get("alice");
        assertThat(alice.propertyNames()).containsExactlyInAnyOrder("d", "v", "t", "x");
        assertThat(alice.get("d")).isEqualTo(JSON.valueToTree(map("name", "Alice", "age", 31, "tags", List.of("a", "b"))));
        assertThat(alice.get("v").longValue()).isEqualTo(2);
        assertThat(alice.get("t").longValue()).isEqualTo(T0 + 5);
        assertThat(alice.get("x").isNull()).isTrue();

        Map<String, JsonNode> scalars = tableFileEntries("scalars");
        assertThat(scalars.get("long").get("d").longValue()).isEqualTo(Long.MAX_VALUE);
        assertThat(scalars.get("big").get("d").bigIntegerValue()).isEqualTo(new BigInteger("98765432109876543210"));
        assertThat(scalars.get("string").get("d").stringValue()).isEqualTo("text ünïcödé 😀");
        assertThat(scalars.get("null").get("d").isNull()).isTrue();

        JsonNode session = tableFileEntries("sessions").get("s1");
        assertThat(session.get("x").longValue()).isEqualTo(T0 + 3_600_000);

        Map<String, JsonNode> readings = tableFileEntries("readings");
        assertThat(readings.get("r1").propertyNames()).containsExactlyInAnyOrder("d", "v", "t", "x", "n");
        assertThat(readings.get("r1").get("n").stringValue()).isEqualTo("sensors");
        assertThat(readings.get("r2").get("d")).isEqualTo(JSON.valueToTree(map("s", "BME280", "t", -5.0)));
        assertThat(readings.get("r2").get("v").longValue()).isEqualTo(2);

        db.write("users", "carol", "after flush");
        db.flush();
        assertThat(tableFileEntries("users")).containsOnlyKeys("alice", "bob", "carol");
    }

    @Test
    void tableFilesAreUtf8() throws Exception {
        db.write("t", "ключ", "värde 日本 😀");
        db.close();

        String raw = Files.readString(dir.resolve("t"), StandardCharsets.UTF_8);
        assertThat(raw).contains("ключ");
        assertThat(readTableFile("t").get(0).get(1).get("d").stringValue()).isEqualTo("värde 日本 😀");
    }

    @Test
    void afterCloseOnlyHiddenFilesBesideTheTablesAndNoTempFiles() {
        SampleData.write(db, clock);
        db.close();

        assertThat(visibleFiles()).containsExactlyInAnyOrder("users", "scalars", "sessions", "readings");
        assertThat(files()).noneMatch(name -> name.endsWith(".tmp") || name.contains(".tmp."));
    }

    @Test
    void afterCloseTheTableFilesAloneHoldEverything(@TempDir Path copy) throws Exception {
        SampleData.write(db, clock);
        Map<String, Map<String, DatabaseRecord>> before = SampleData.snapshot(db);
        db.close();

        for (String table : visibleFiles()) {
            Files.copy(dir.resolve(table), copy.resolve(table));
        }
        PikoDB fromCopy = new PikoDB(DatabaseOptions.builder().databaseDirectory(copy).clock(clock)
                .dictionary("sensors", SampleData.SENSORS).build());
        try {
            fromCopy.start();
            PikoDB original = db;
            db = fromCopy;
            assertThat(SampleData.snapshot(db)).isEqualTo(before);
            db = original;
        } finally {
            fromCopy.close();
        }
    }

    @Test
    void afterCloseTheJournalsCanBeDiscarded() throws Exception {
        for (int i = 0; i < 200; i++) {
            db.write("t", "k" + (i % 20), i);
        }
        db.delete("t", "k0");
        db.close();

        for (String name : files()) {
            if (name.startsWith(".") && name.contains("journal")) {
                Files.delete(dir.resolve(name));
            }
        }

        reopen();
        assertThat(db.getTableSize("t")).isEqualTo(19);
        assertThat(db.get("t", "k19")).isEqualTo(199);
        assertThat(db.getRecord("t", "k19").orElseThrow().version()).isEqualTo(10);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void writeHeavyWorkloadSurvivesRestart() {
        String padding = "p".repeat(4000);
        Map<String, Object> expected = new HashMap<>();
        Map<String, Long> versions = new HashMap<>();
        long bytes = 0;
        int i = 0;
        while (bytes < 6_000_000) {
            String key = "k" + (i % 300);
            Map<String, Object> value = map("i", i, "padding", padding, "list", List.of(i, "x" + i));
            long version = db.write("heavy", key, value);
            versions.merge(key, 1L, Long::sum);
            assertThat(version).isEqualTo(versions.get(key));
            expected.put(key, value);
            bytes += padding.length() + 50;
            if (i % 97 == 0) {
                String deleted = "k" + ((i / 97) % 300);
                if (db.delete("heavy", deleted)) {
                    expected.remove(deleted);
                    versions.remove(deleted);
                }
            }
            i++;
        }
        // Compactions run in the background: wait for one.
        Eventually.await(() -> db.statistics().compactions() > 0);
        assertThat(db.statistics().compactions()).as("compactions during %d writes", i).isPositive();
        assertThat(asMap(db.get("heavy"))).isEqualTo(expected);

        reopen();

        assertThat(asMap(db.get("heavy"))).isEqualTo(expected);
        for (Map.Entry<String, Long> entry : versions.entrySet()) {
            assertThat(db.getRecord("heavy", entry.getKey()).orElseThrow().version()).isEqualTo(entry.getValue());
        }
        db.close();
        assertThat(tableFileEntries("heavy")).hasSize(expected.size());
    }

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void acknowledgedWritesSurviveAKilledProcess(boolean durable) throws Exception {
        db.close();
        Path target = dir.resolve("killed");
        Files.createDirectories(target);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KilledWriterProcess.class.getName(), target.toString(), Boolean.toString(durable))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        int lastAcknowledged = -1;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (lastAcknowledged < 200 && (line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    lastAcknowledged = Integer.parseInt(line.substring(4));
                }
            }
            PikoDB competitor = new PikoDB(target);
            try {
                assertThatThrownBy(competitor::start).as("the directory is held by the other process")
                        .isInstanceOf(PikoDBException.class);
            } finally {
                competitor.close();
            }
            process.destroyForcibly();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(lastAcknowledged).as("the writer process acknowledged writes").isGreaterThanOrEqualTo(200);

        PikoDB recovered = new PikoDB(target);
        try {
            recovered.start();
            for (int i = 0; i <= lastAcknowledged; i++) {
                assertThat(recovered.get("acked", "k" + i)).as("acknowledged write %d", i).isEqualTo("value-" + i);
            }
            Object last = recovered.get("acked", "last");
            assertThat(((Number) last).intValue()).isGreaterThanOrEqualTo(lastAcknowledged);
            assertThat(recovered.quarantinedFiles()).isEmpty();
            recovered.write("acked", "after", "recovery");
        } finally {
            recovered.close();
        }
        PikoDB again = new PikoDB(target);
        try {
            again.start();
            assertThat(again.get("acked", "after")).isEqualTo("recovery");
        } finally {
            again.close();
        }
    }
}
