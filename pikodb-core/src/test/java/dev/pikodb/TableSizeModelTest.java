package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The size of a table (getTableSize and count of Query.all()) stays exact against a model through a
 * seeded random sequence of writes with and without expiration (some already expired when written),
 * deletes, imports, reads that remove expired records, cleanups, flushes, table deletions, restarts
 * and a clock moving forward; after each step the size is compared. Forces are skipped
 * ({@link NoSyncFileIO}): the model checks the counting, not the disk.
 */
class TableSizeModelTest extends PikoDBTestSupport {

    private static final String TABLE = "t";
    private static final int KEYS = 24;
    private static final int STEPS = 1_000;

    /** What the model holds for a key: its value and expiration (null: never). */
    private record Held(int value, Long expiration) {
        boolean liveAt(long now) {
            return expiration == null || now <= expiration;
        }
    }

    @ParameterizedTest(name = "seed {0}, durable writes: {1}")
    @CsvSource({"1, false", "2, false", "3, true", "4, true"})
    void sizeMatchesTheModelThroughWritesDeletesExpirationsCleanupsAndRestarts(long seed, boolean durable) {
        reopen(b -> b.durableWrites(durable).fileIO(NoSyncFileIO.INSTANCE));
        Random random = new Random(seed);
        Map<String, Held> model = new HashMap<>();
        for (int step = 0; step < STEPS; step++) {
            String key = "k" + random.nextInt(KEYS);
            long now = clock.millis();
            int choice = random.nextInt(100);
            String action;
            if (choice < 35) {
                Long expiration = random.nextBoolean() ? null : now - 3 + random.nextInt(40);
                int value = random.nextInt(1_000);
                db.write(TABLE, key, value, expiration);
                model.put(key, new Held(value, expiration));
                action = "write " + key + " expiring at " + expiration;
            } else if (choice < 50) {
                boolean live = model.containsKey(key) && model.get(key).liveAt(now);
                assertThat(db.delete(TABLE, key)).as("step %d: delete %s", step, key).isEqualTo(live);
                model.remove(key);
                action = "delete " + key;
            } else if (choice < 62) {
                clock.advance(random.nextInt(12));
                action = "advance the clock";
            } else if (choice < 74) {
                Held held = model.get(key);
                Object expected = held != null && held.liveAt(now) ? held.value() : null;
                assertThat(db.get(TABLE, key)).as("step %d: get %s", step, key).isEqualTo(expected);
                action = "get " + key;
            } else if (choice < 80) {
                db.cleanupExpired(TABLE);
                action = "cleanup";
            } else if (choice < 86) {
                importSome(random, model, now);
                action = "import";
            } else if (choice < 90) {
                db.flush();
                action = "flush";
            } else if (choice < 92) {
                db.deleteTable(TABLE);
                model.clear();
                action = "delete the table";
            } else if (choice < 94) {
                reopen(b -> b.durableWrites(durable).fileIO(NoSyncFileIO.INSTANCE));
                action = "restart";
            } else {
                action = "nothing";
            }
            long at = clock.millis();
            long expected = model.values().stream().filter(held -> held.liveAt(at)).count();
            if (random.nextBoolean()) {
                assertThat(db.getTableSize(TABLE)).as("step %d, after %s: getTableSize", step, action)
                        .isEqualTo(expected);
            } else {
                assertThat(db.count(TABLE, Query.all())).as("step %d, after %s: count", step, action)
                        .isEqualTo(expected);
            }
        }
    }

    private void importSome(Random random, Map<String, Held> model, long now) {
        List<Map.Entry<String, DatabaseRecord>> batch = new ArrayList<>();
        for (int i = random.nextInt(4); i >= 0; i--) {
            String key = "k" + random.nextInt(KEYS);
            Long expiration = random.nextBoolean() ? null : now + random.nextInt(30);
            int value = random.nextInt(1_000);
            batch.add(Map.entry(key, new DatabaseRecord(value, 1 + random.nextInt(50), now, expiration, null)));
            model.put(key, new Held(value, expiration));
        }
        db.importRecords(TABLE, batch);
    }
}
