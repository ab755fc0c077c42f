package dev.pikodb.internal.directory.records;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import dev.pikodb.Query;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A table size visits the records expired and not yet removed, and no other: its cost does not grow
 * with the live records. The count's hook sees every key the count visits.
 */
class TableSizeWithoutWalkTest extends TableSizeTestSupport {

    private static final int LIVE = 2_000;

    @ParameterizedTest(name = "durable writes: {0}")
    @ValueSource(booleans = {false, true})
    void aSizeVisitsOnlyTheExpiredRecordsAndRemovesThem(boolean durable) {
        try (PikoDB db = open(durable)) {
            List<Map.Entry<String, DatabaseRecord>> records = new ArrayList<>();
            for (int i = 0; i < LIVE; i++) {
                Long expiration = i % 2 == 0 ? null : clock.millis() + 1_000;
                records.add(Map.entry("live" + i, new DatabaseRecord(i, 1, clock.millis(), expiration, null)));
            }
            db.importRecords("t", records);
            db.write("t", "gone1", 1, clock.millis() + 5);
            db.write("t", "gone2", 2, clock.millis() + 7);
            db.write("t", "gone3", 3, clock.millis() + 7);
            clock.advance(8);
            List<String> visited = new CopyOnWriteArrayList<>();
            Records.countVisited = visited::add;

            assertThat(db.getTableSize("t")).isEqualTo(LIVE);
            assertThat(visited).containsExactly("gone1", "gone2", "gone3");

            visited.clear();
            assertThat(db.count("t", Query.all())).isEqualTo(LIVE);
            assertThat(visited).as("the expired records were removed by the first count").isEmpty();

            clock.advance(1_000);
            assertThat(db.getTableSize("t")).isEqualTo(LIVE / 2);
            assertThat(visited).hasSize(LIVE / 2);
        }
    }
}
