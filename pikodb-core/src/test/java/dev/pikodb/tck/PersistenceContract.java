package dev.pikodb.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseRecord;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Everything written survives a restart: values, versions, timestamps, expirations, dictionaries,
 * deletes and table deletes, with or without durable writes. (What the directory engine leaves on
 * disk is checked by its own tests.)
 */
public abstract class PersistenceContract extends ContractSupport {

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void everythingSurvivesCloseAndStart(boolean durable) {
        reopen(b -> b.durableWrites(durable));
        SampleData.write(db, clock);
        Map<String, Map<String, DatabaseRecord>> before = SampleData.snapshot(db);
        assertThat(before).containsOnlyKeys("users", "scalars", "sessions", "readings");
        assertThat(before.get("users")).containsOnlyKeys("alice", "bob");

        reopen(b -> b.durableWrites(durable));

        assertThat(SampleData.snapshot(db)).isEqualTo(before);
        assertThat(db.getRecord("users", "alice").orElseThrow())
                .isEqualTo(new DatabaseRecord(map("name", "Alice", "age", 31, "tags", List.of("a", "b")), 2, T0 + 5, null, null));
        assertThat(db.getRecord("readings", "r1").orElseThrow())
                .isEqualTo(new DatabaseRecord(map("sensor", "DHT22", "temperature", 23.5), 1, T0 + 12, T0 + 7_200_000, "sensors"));
        assertThat(db.get("scalars", "big")).isEqualTo(new BigInteger("98765432109876543210"));
        assertThat(db.write("readings", "r2", 0)).isEqualTo(3);
    }

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void everyWriteIsPersistedWithoutClose(boolean durable) {
        reopen(b -> b.durableWrites(durable));
        for (int i = 0; i < 50; i++) {
            db.write("t", "k" + i, i);
        }
        db.delete("t", "k0");

        reopen(b -> b.durableWrites(durable));

        assertThat(db.getTableSize("t")).isEqualTo(49);
        assertThat(db.get("t", "k49")).isEqualTo(49);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void writeHeavyWorkloadSurvivesRestart() {
        String padding = "p".repeat(1000);
        Map<String, Object> expected = new HashMap<>();
        Map<String, Long> versions = new HashMap<>();
        long bytes = 0;
        int i = 0;
        while (bytes < 1_500_000) {
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
        assertThat(asMap(db.get("heavy"))).isEqualTo(expected);

        reopen();

        assertThat(asMap(db.get("heavy"))).isEqualTo(expected);
        for (Map.Entry<String, Long> entry : versions.entrySet()) {
            assertThat(db.getRecord("heavy", entry.getKey()).orElseThrow().version()).isEqualTo(entry.getValue());
        }
        assertThat(db.getTableSize("heavy")).isEqualTo(expected.size());
    }

    @Test
    void deletesAndTableDeletesArePersisted() {
        db.write("a", "k1", 1);
        db.write("a", "k2", 2);
        db.write("b", "k", 1);
        db.flush();
        db.delete("a", "k1");
        db.deleteTable("b");

        reopen();

        assertThat(db.listTables()).containsExactly("a");
        assertThat(asMap(db.get("a"))).isEqualTo(Map.of("k2", 2));
    }

    @Test
    void restartAfterRestartKeepsEverything() {
        SampleData.write(db, clock);
        Map<String, Map<String, DatabaseRecord>> before = SampleData.snapshot(db);
        for (int round = 0; round < 3; round++) {
            reopen();
            assertThat(SampleData.snapshot(db)).isEqualTo(before);
        }
    }

    @Test
    void valuesReadAfterRestartKeepTheirNaturalTypes() {
        db.write("types", "int", 1);
        db.write("types", "long", 1L << 40);
        db.write("types", "double", 1.0);
        db.write("types", "list", new ArrayList<>(List.of(1, 2)));

        reopen();

        assertThat(db.get("types", "int")).isInstanceOf(Integer.class);
        assertThat(db.get("types", "long")).isInstanceOf(Long.class);
        assertThat(db.get("types", "double")).isInstanceOf(Double.class).isEqualTo(1.0);
        assertThat(db.get("types", "list")).isInstanceOf(ArrayList.class);
        Optional<DatabaseRecord> missing = db.getRecord("types", "missing");
        assertThat(missing).isEmpty();
    }
}
