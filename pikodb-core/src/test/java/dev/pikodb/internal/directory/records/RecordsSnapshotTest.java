package dev.pikodb.internal.directory.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A snapshot of a table's records keeps the state at its start whatever changes afterwards. */
class RecordsSnapshotTest {

    private final Records records = new Records(new Stats());

    @Test
    void changesAfterTheStartAreNotInTheView() {
        for (int i = 0; i < 100; i++) {
            records.put("k" + i, record(i, 1));
        }
        records.put("expiring", StoredRecord.of(json(0), 1, 0, 50L, null));
        RecordsSnapshot snapshot = records.startSnapshot();
        records.put("k1", record(1001, 2));
        records.remove("k2");
        records.put("new", record(5, 1));
        records.remove("k3");
        records.put("k3", record(33, 1));
        assertThat(records.live("expiring", 100)).as("removed as expired by a read").isNull();

        snapshot.collect();
        records.put("k4", record(44, 2));

        Map<String, Long> view = view(snapshot);
        assertThat(view).hasSize(101).doesNotContainKey("new");
        assertThat(view).containsEntry("k1", 1L).containsEntry("k2", 1L).containsEntry("k3", 1L).containsEntry("k4", 1L)
                .containsEntry("expiring", 1L);
        assertThat(valueOf(snapshot, "k1")).isEqualTo("1");
        assertThat(valueOf(snapshot, "k3")).isEqualTo("3");
    }

    @Test
    void clearingTheRecordsCollectsTheViewFirst() {
        for (int i = 0; i < 1000; i++) {
            records.put("k" + i, record(i, 1));
        }
        RecordsSnapshot snapshot = records.startSnapshot();
        records.put("k0", record(-1, 2));
        records.clear();
        records.put("k0", record(-2, 1));

        snapshot.collect();
        assertThat(view(snapshot)).hasSize(1000);
        assertThat(valueOf(snapshot, "k0")).isEqualTo("0");
    }

    @Test
    void afterCollectingChangesKeepNothing() {
        records.put("a", record(1, 1));
        RecordsSnapshot snapshot = records.startSnapshot();
        snapshot.collect();
        records.put("a", record(2, 2));
        records.put("b", record(3, 1));
        assertThat(view(snapshot)).containsExactly(Map.entry("a", 1L));
    }

    private static Map<String, Long> view(RecordsSnapshot snapshot) {
        Map<String, Long> view = new TreeMap<>();
        snapshot.entries().forEach(entry -> view.put(entry.getKey(), entry.getValue().version));
        assertThat(snapshot.size()).isEqualTo(view.size());
        return view;
    }

    private static String valueOf(RecordsSnapshot snapshot, String key) {
        for (Map.Entry<String, StoredRecord> entry : snapshot.entries()) {
            if (entry.getKey().equals(key)) {
                StoredRecord record = entry.getValue();
                return new String(record.bytes, record.valueOffset, record.valueLength(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static StoredRecord record(int value, long version) {
        return StoredRecord.of(json(value), version, 1, null, null);
    }

    private static byte[] json(int value) {
        return Integer.toString(value).getBytes(StandardCharsets.UTF_8);
    }
}
