package dev.pikodb.reliability;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.DatabaseRecord;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDB;
import dev.pikodb.TestFiles;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deterministic sequence of database operations touching every write path (new tables,
 * overwrites, deletes, expiring records, conditional writes, dictionary writes, a compaction forced
 * by a large value, flushes, a table deletion and re-creation), with a model of what each
 * acknowledged operation leaves in the database.
 */
final class Workload {

    /** 2024-11-23T22:13:20Z: every timestamp of the workload, from a fixed clock. */
    static final long T0 = 1_732_400_000_000L;
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC);
    static final String DICTIONARY = "sensors";
    static final Dictionary SENSORS = Dictionary.deflate(Map.of("sensor", "s", "temperature", "t"));

    /** A record as the model expects it: its value in Jackson's natural mapping and its version. */
    record Rec(Object value, long version) {
    }

    /** The state of a database: table name to key to record. */
    static final class State {
        final TreeMap<String, TreeMap<String, Rec>> tables = new TreeMap<>();

        State copy() {
            State copy = new State();
            tables.forEach((name, records) -> copy.tables.put(name, new TreeMap<>(records)));
            return copy;
        }

        /** The state with every empty table dropped: an empty table and a missing one hold the same data. */
        Map<String, Map<String, Rec>> data() {
            Map<String, Map<String, Rec>> data = new TreeMap<>();
            tables.forEach((name, records) -> {
                if (!records.isEmpty()) {
                    data.put(name, records);
                }
            });
            return data;
        }

        Map<String, Rec> table(String name) {
            return tables.getOrDefault(name, new TreeMap<>());
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            tables.forEach((name, records) -> {
                out.append("\n  ").append(name).append(": ");
                records.forEach((key, rec) -> out.append(key).append("=v").append(rec.version()).append(' '));
            });
            return out.toString();
        }
    }

    enum Type {
        WRITE, WRITE_DICTIONARY, WRITE_EXPIRING, COMPARE_AND_WRITE, DELETE, FLUSH, DELETE_TABLE
    }

    /** One operation. {@code big} marks the write whose size makes the journal outgrow its limit. */
    record Op(int index, Type type, String table, String key, Object value, boolean big) {

        /** Applies the operation to the model; returns the result the database must give. */
        Object apply(State model) {
            switch (type) {
                case WRITE, WRITE_DICTIONARY, WRITE_EXPIRING, COMPARE_AND_WRITE -> {
                    TreeMap<String, Rec> records = model.tables.computeIfAbsent(table, t -> new TreeMap<>());
                    Rec old = records.get(key);
                    long version = old == null ? 1 : old.version() + 1;
                    records.put(key, new Rec(value, version));
                    return type == Type.COMPARE_AND_WRITE ? (Object) Boolean.TRUE : (Object) version;
                }
                case DELETE -> {
                    TreeMap<String, Rec> records = model.tables.get(table);
                    return records != null && records.remove(key) != null;
                }
                case DELETE_TABLE -> {
                    return model.tables.remove(table) != null;
                }
                case FLUSH -> {
                    return null;
                }
                default -> throw new IllegalStateException(type.name());
            }
        }

        /** Runs the operation against a database; returns its result. */
        Object run(PikoDB db, State modelBefore) {
            return switch (type) {
                case WRITE -> db.write(table, key, value);
                case WRITE_DICTIONARY -> db.write(table, key, value, null, DICTIONARY);
                case WRITE_EXPIRING -> db.write(table, key, value, T0 + 86_400_000L);
                case COMPARE_AND_WRITE -> {
                    Rec current = modelBefore.table(table).get(key);
                    yield db.compareAndWrite(table, key, current == null ? 0 : current.version(), value);
                }
                case DELETE -> db.delete(table, key);
                case FLUSH -> {
                    db.flush();
                    yield null;
                }
                case DELETE_TABLE -> db.deleteTable(table);
            };
        }

        /** Whether the operation changes {@code table}'s data. */
        boolean touches(String name) {
            return type != Type.FLUSH && table.equals(name);
        }

        @Override
        public String toString() {
            return "#" + index + " " + type + (table == null ? "" : " " + table) + (key == null ? "" : "/" + key)
                    + (big ? " (large value)" : "");
        }
    }

    final List<Op> ops;

    private Workload(List<Op> ops) {
        this.ops = ops;
    }

    /**
     * The standard workload.
     *
     * @param withBigValue include the write of a value larger than the journal limit (1 MiB), which
     *     compacts its table inside the write
     */
    static Workload standard(boolean withBigValue) {
        List<Op> ops = new ArrayList<>();
        add(ops, Type.WRITE, "users", "u1", person("Alice", 31));
        add(ops, Type.WRITE, "users", "u6", person("Frank", 40));
        add(ops, Type.DELETE, "users", "u2", null);
        add(ops, Type.WRITE, "orders", "o1", List.of("book", "pen", 3));
        add(ops, Type.WRITE, "fresh", "f1", "first value of a new table");
        add(ops, Type.WRITE, "fresh", "f2", 42);
        add(ops, Type.WRITE_DICTIONARY, "readings", "r1", reading("DHT22", 23.5));
        add(ops, Type.WRITE_DICTIONARY, "readings", "r2", reading("BME280", 19.25));
        add(ops, Type.FLUSH, null, null, null);
        add(ops, Type.WRITE, "users", "u3", person("Carol", 29));
        add(ops, Type.DELETE, "orders", "o2", null);
        add(ops, Type.DELETE_TABLE, "doomed", null, null);
        add(ops, Type.WRITE, "doomed", "d9", "re-created after deletion");
        add(ops, Type.WRITE_EXPIRING, "users", "u7", person("Grace", 52));
        add(ops, Type.COMPARE_AND_WRITE, "users", "u1", person("Alice", 32));
        if (withBigValue) {
            ops.add(new Op(ops.size(), Type.WRITE, "big", "b1", "x".repeat((1 << 20) + 512), true));
            add(ops, Type.WRITE, "big", "b2", "small value after the compaction");
        }
        add(ops, Type.WRITE, "fresh", "f1", "second value");
        add(ops, Type.DELETE, "fresh", "f2", null);
        add(ops, Type.FLUSH, null, null, null);
        add(ops, Type.WRITE, "orders", "o4", Map.of("total", 99, "items", List.of()));
        return new Workload(List.copyOf(ops));
    }

    private static void add(List<Op> ops, Type type, String table, String key, Object value) {
        ops.add(new Op(ops.size(), type, table, key, value, false));
    }

    private static Map<String, Object> person(String name, int age) {
        Map<String, Object> person = new LinkedHashMap<>();
        person.put("name", name);
        person.put("age", age);
        return person;
    }

    private static Map<String, Object> reading(String sensor, double temperature) {
        Map<String, Object> reading = new LinkedHashMap<>();
        reading.put("sensor", sensor);
        reading.put("temperature", temperature);
        return reading;
    }

    /**
     * Writes the starting data with the real file system: tables users, orders and doomed, closed
     * cleanly; then a few more writes to users and orders left in their journals as a killed process
     * leaves them, the users journal ending in a torn frame. Starting over this directory replays and
     * cuts journals, so faults can hit the start as well.
     */
    static State seed(Path directory) {
        State model = new State();
        try (PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).clock(CLOCK).build())) {
            db.start();
            List<Op> seeding = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                add(seeding, Type.WRITE, "users", "u" + i, person("user" + i, 20 + i));
            }
            for (int i = 1; i <= 3; i++) {
                add(seeding, Type.WRITE, "orders", "o" + i, List.of("item" + i, i));
            }
            add(seeding, Type.WRITE, "doomed", "d1", "to be deleted");
            add(seeding, Type.WRITE, "doomed", "d2", 2);
            add(seeding, Type.WRITE, "users", "u1", person("Alice", 30));
            runAll(db, seeding, model);
        }
        Path crash = directory.resolveSibling(directory.getFileName() + "-crash");
        try (PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).clock(CLOCK).build())) {
            db.start();
            List<Op> journaled = new ArrayList<>();
            add(journaled, Type.WRITE, "users", "u8", person("Heidi", 33));
            add(journaled, Type.WRITE, "orders", "o1", List.of("item1", 1, "updated"));
            add(journaled, Type.WRITE, "users", "u4", person("Dave", 44));
            runAll(db, journaled, model);
            TestFiles.copyDirectory(directory, crash);
        }
        TestFiles.deleteTree(directory);
        TestFiles.copyDirectory(crash, directory);
        TestFiles.deleteTree(crash);
        Path usersJournal = directory.resolve(".users.journal");
        byte[] journal = TestFiles.read(usersJournal);
        byte[] torn = java.util.Arrays.copyOf(journal, journal.length + 7);
        torn[journal.length + 3] = 40;
        TestFiles.write(usersJournal, torn);
        return model;
    }

    private static void runAll(PikoDB db, List<Op> ops, State model) {
        for (Op op : ops) {
            State before = model.copy();
            Object expected = op.apply(model);
            Object actual = op.run(db, before);
            if (!expected.equals(actual)) {
                throw new AssertionError("seeding " + op + " returned " + actual + ", expected " + expected);
            }
        }
    }

    /** Reads everything a database holds through the public API. */
    static State read(PikoDB db) {
        State state = new State();
        for (String table : db.listTables()) {
            TreeMap<String, Rec> records = new TreeMap<>();
            for (Map.Entry<String, Object> entry : db.get(table)) {
                DatabaseRecord record = db.getRecord(table, entry.getKey()).orElseThrow(
                        () -> new AssertionError("get(table) lists " + entry.getKey() + " but getRecord does not find it"));
                records.put(entry.getKey(), new Rec(record.value(), record.version()));
            }
            state.tables.put(table, records);
        }
        return state;
    }
}
