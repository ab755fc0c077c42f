package dev.pikodb.tck;

import static dev.pikodb.tck.ContractSupport.map;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.Dictionary;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small database of every kind of record (overwritten, deleted, scalar, expiring, compressed with a
 * dictionary), and the snapshot that tests compare across a restart or a copy.
 */
public final class SampleData {

    /** The dictionary the sample's {@code readings} use, under the name {@code sensors}. */
    public static final Dictionary SENSORS = Dictionary.deflate(Map.of("sensor", "s", "temperature", "t"));

    private SampleData() {
    }

    /**
     * Writes the sample: tables {@code users}, {@code scalars}, {@code sessions} and {@code readings}.
     *
     * @param db a started database
     * @param clock its clock, moved forward between some writes; the sample's expirations are {@code now}
     *     plus an hour or two at the time of the call
     */
    public static void write(PikoDB db, MutableClock clock) {
        long start = clock.millis();
        db.addDictionary("sensors", SENSORS);
        db.write("users", "alice", map("name", "Alice", "age", 30, "tags", List.of("a", "b")));
        clock.advance(5);
        db.write("users", "alice", map("name", "Alice", "age", 31, "tags", List.of("a", "b")));
        db.write("users", "bob", map("name", "Bob", "nested", map("deep", map("deeper", List.of(1, 2.5, true)))));
        db.write("users", "gone", "deleted later");
        db.delete("users", "gone");
        db.write("scalars", "string", "text ünïcödé 😀");
        db.write("scalars", "long", Long.MAX_VALUE);
        db.write("scalars", "big", new BigInteger("98765432109876543210"));
        db.write("scalars", "double", 2.75);
        db.write("scalars", "bool", false);
        db.write("scalars", "null", null);
        clock.advance(7);
        db.write("sessions", "s1", map("user", "alice"), start + 3_600_000);
        db.write("readings", "r1", map("sensor", "DHT22", "temperature", 23.5), start + 7_200_000, "sensors");
        db.write("readings", "r2", map("sensor", "BME280", "temperature", -4.0), null, "sensors");
        db.write("readings", "r2", map("sensor", "BME280", "temperature", -5.0), null, "sensors");
    }

    /**
     * Every record of every table, by table and key.
     *
     * @param db a started database
     * @return the records
     */
    public static Map<String, Map<String, DatabaseRecord>> snapshot(PikoDB db) {
        Map<String, Map<String, DatabaseRecord>> snapshot = new HashMap<>();
        for (String table : db.listTables()) {
            Map<String, DatabaseRecord> records = new HashMap<>();
            for (Map.Entry<String, Object> entry : db.get(table)) {
                records.put(entry.getKey(), db.getRecord(table, entry.getKey()).orElseThrow());
            }
            snapshot.put(table, records);
        }
        return snapshot;
    }
}
