package dev.pikodb.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The content of a table as (version, value) per key, for comparing a reopened table with a model. */
final class TableState {

    /** One key's record: its version and its value in Jackson's natural mapping. */
    record Entry(long version, Object value) {
    }

    private TableState() {
    }

    /**
     * Reads every live record of a table, checking that {@code get(table)} lists each key once and
     * agrees with {@code getRecord}.
     */
    static Map<String, Entry> read(PikoDB db, String table) {
        Map<String, Entry> state = new TreeMap<>();
        for (Map.Entry<String, Object> entry : db.get(table)) {
            Optional<DatabaseRecord> record = db.getRecord(table, entry.getKey());
            assertThat(record).as("getRecord of listed key %s/%s", table, entry.getKey()).isPresent();
            assertThat(record.get().value()).as("get(table) and getRecord agree on %s/%s", table, entry.getKey())
                    .isEqualTo(entry.getValue());
            assertThat(state.put(entry.getKey(), new Entry(record.get().version(), entry.getValue())))
                    .as("key %s listed twice in table %s", entry.getKey(), table).isNull();
        }
        return state;
    }
}
