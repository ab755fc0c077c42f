package dev.pikodb.directory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.Dictionary;
import dev.pikodb.MutableClock;
import dev.pikodb.NoSyncFileIO;
import dev.pikodb.PikoDB;
import dev.pikodb.Query;
import dev.pikodb.TestFiles;
import dev.pikodb.TestHooks;
import dev.pikodb.tck.QueryPages;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Indexes built at start answer exactly as the indexes the writes kept before the restart: over
 * values of every kind (strings with escapes or beyond ASCII, integers, integers of 19 digits and
 * beyond a long, decimals, booleans, arrays with repeated or mixed elements, nulls, objects, missing
 * fields), records with an expiration or a dictionary, groups of a value on both sides of the size
 * from which a group is kept by hash, keys written in an order that is neither their own nor their
 * hash's, a table file followed by a journal that replaces, deletes and expires its records, in a
 * table read on several threads and in a small one.
 */
class DirectoryIndexBuildTest {

    private static final long T0 = 1_732_400_000_000L;
    /** Above the number of records from which a build reads a table on several threads. */
    private static final int LARGE = 16_500;
    private static final int SMALL = 400;
    private static final List<String> PATHS = List.of("/s", "/n", "/m", "/tags", "/g");

    private static final List<Object> STRINGS = List.of("plain", "q\"uote", "back\\slash", "tab\there", "caf\u00e9",
            "\uD83D\uDE00", "\uE000", "", "a", "ab", "B", "line\nbreak");
    private static final List<Object> NUMBERS = List.of(0L, -1L, 7L, 123_456_789_012_345_678L,
            1_234_567_890_123_456_789L, Long.MIN_VALUE, new BigDecimal("99999999999999999999"), new BigDecimal("1.5"),
            new BigDecimal("2.50"), new BigDecimal("-0.001"), 3.25, 2);
    private static final List<Object> MIXED = List.of(true, false, 1L, "1", new BigDecimal("1.0"), "true", "q\"x");

    @TempDir
    Path work;

    private static PikoDB open(Path directory, MutableClock clock) {
        PikoDB db = new PikoDB(TestHooks.withFileIO(DatabaseOptions.builder().databaseDirectory(directory)
                .clock(clock), NoSyncFileIO.INSTANCE).build());
        db.start();
        return db;
    }

    private static String key(int i) {
        // Not in the order of i: neither the writes nor the hash follow the keys' order.
        return "k" + Integer.toString((i * 7_919) % 100_003, 36) + "-" + (i % 3);
    }

    /** The value of record {@code i} in round {@code round}: a different one for each round. */
    private static Map<String, Object> value(int i, int round) {
        int j = i + 31 * round;
        Map<String, Object> value = new LinkedHashMap<>();
        if (j % 13 != 5) {
            value.put("s", j % 17 == 3 ? null : STRINGS.get(j % STRINGS.size()) + (j % 5 == 0 ? "" : "-" + (j % 40)));
        }
        if (j % 11 != 4) {
            value.put("n", j % 9 == 2 ? Map.of("nested", j) : NUMBERS.get(j % NUMBERS.size()));
        }
        value.put("m", MIXED.get(j % MIXED.size()));
        List<Object> tags = new ArrayList<>();
        int count = j % 12;
        for (int t = 0; t < count; t++) {
            // Repeats within an array, and an array of more than 8 elements now and then.
            tags.add(t % 3 == 2 ? MIXED.get((j + t) % MIXED.size()) : "t" + ((j + t) % 9));
        }
        if (j % 10 == 7) {
            tags.add(List.of("nested"));
            tags.add(null);
        }
        value.put("tags", tags);
        // Groups of every size from 1 to 60: some kept as arrays of keys, some by hash.
        int group = j % 1_830;
        int size = 1;
        while (group >= size) {
            group -= size;
            size++;
        }
        value.put("g", "g" + size);
        value.put("text", "record " + j);
        return value;
    }

    private static void write(PikoDB db, String table, int i, int round, long now) {
        int kind = (i + round) % 10;
        Long expiration = kind == 3 ? Long.valueOf(now + 1_000) : kind == 4 ? Long.valueOf(now + 1_000_000) : null;
        db.write(table, key(i), value(i, round), expiration, kind == 6 ? "d" : null);
    }

    private static void fill(PikoDB db, String table, int records, long now) {
        for (String path : PATHS) {
            db.createIndex(table, path.substring(1), path);
        }
        for (int i = records - 1; i >= 0; i--) {
            write(db, table, i, 0, now);
        }
    }

    /** After the table file: replacements, deletions and records that expire, in the journal. */
    private static void change(PikoDB db, String table, int records, long now) {
        for (int i = 0; i < records; i += 4) {
            if (i % 27 == 9) {
                db.delete(table, key(i));
            } else {
                write(db, table, i, 1, now);
            }
        }
        for (int i = records; i < records + records / 20; i++) {
            write(db, table, i, 2, now);
        }
    }

    @Test
    void indexesBuiltAtStartAnswerAsTheIndexesKeptByTheWrites() {
        MutableClock clock = new MutableClock(T0);
        Path directory = work.resolve("db");
        Map<String, List<Object>> before;
        try (PikoDB db = open(directory, clock)) {
            db.addDictionary("d", Dictionary.deflate(Map.of("s", "x", "tags", "y", "g", "z")));
            fill(db, "large", LARGE, T0);
            fill(db, "small", SMALL, T0);
            db.flush();
            clock.set(T0 + 500);
            change(db, "large", LARGE, T0 + 500);
            change(db, "small", SMALL, T0 + 500);
            // Between the two expirations of the first round, and before those of the journal.
            clock.set(T0 + 1_200);
            before = answers(db);
        }
        assertThat(before.get("large /g ascending")).as("the large table's records by /g").hasSizeGreaterThan(14_000);
        try (PikoDB db = open(directory, clock)) {
            Map<String, List<Object>> after = answers(db);
            assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
            before.forEach((question, answer) -> assertThat(after.get(question)).as(question)
                    .containsExactlyElementsOf(answer));
        }
    }

    @Test
    void aFieldRepeatedInARecordIsIndexedByItsFirstOccurrenceAtStart() {
        MutableClock clock = new MutableClock(T0);
        Path directory = work.resolve("repeated");
        try (PikoDB db = open(directory, clock)) {
            db.createIndex("t", "owner", "/owner");
            db.createIndex("t", "n", "/n");
            db.write("t", "seed", Map.of("owner", "seed"));
        }
        // Table files written elsewhere may repeat a field: the first occurrence is the field's value,
        // also when a repeat follows every indexed field, or spells the name with an escape.
        String table = "[[\"k1\",{\"d\":{\"owner\":\"a\",\"n\":1,\"owner\":\"b\"},\"v\":1,\"t\":0,\"x\":null}],\n"
                + "[\"k2\",{\"d\":{\"n\":2,\"owner\":\"a\",\"n\":3,\"ow\\u006eer\":\"c\"},\"v\":1,\"t\":0,\"x\":null}],\n"
                + "[\"k3\",{\"d\":{\"\\u006fwner\":\"z\",\"owner\":\"a\",\"n\":4},\"v\":1,\"t\":0,\"x\":null}]]\n";
        TestFiles.write(directory.resolve("t"), table.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
            java.nio.file.Files.deleteIfExists(directory.resolve(".t.journal"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (PikoDB db = open(directory, clock)) {
            assertThat(QueryPages.keysOfAllPages(db, "t", Query.eq("/owner", "a"))).containsExactly("k1", "k2");
            assertThat(QueryPages.keysOfAllPages(db, "t", Query.eq("/owner", "z"))).containsExactly("k3");
            assertThat(db.count("t", Query.eq("/owner", "b")) + db.count("t", Query.eq("/owner", "c"))).isZero();
            assertThat(QueryPages.keysOfAllPages(db, "t", Query.all().orderBy("/n", true)))
                    .containsExactly("k1", "k2", "k3");
            assertThat(db.count("t", Query.eq("/n", 3))).isZero();
        }
    }

    /** The same questions to both tables: the orders of the indexes, and the counts of values. */
    private static Map<String, List<Object>> answers(PikoDB db) {
        Map<String, List<Object>> answers = new LinkedHashMap<>();
        for (String table : List.of("large", "small")) {
            for (String path : PATHS) {
                // Every order of the small table; in the large one, the strings, arrays and groups.
                if (table.equals("small") || !path.equals("/n") && !path.equals("/m")) {
                    answers.put(table + " " + path + " ascending", new ArrayList<>(
                            QueryPages.keysOfAllPages(db, table, Query.all().orderBy(path, true).limit(1_000))));
                }
                if (table.equals("small")) {
                    answers.put(table + " " + path + " descending",
                            new ArrayList<>(QueryPages.keysOfAllPages(db, table, Query.all().orderBy(path, false))));
                }
                List<Object> counts = new ArrayList<>();
                for (Object value : values()) {
                    counts.add(value + "=" + db.count(table, Query.eq(path, value)));
                }
                answers.put(table + " " + path + " counts", counts);
            }
            answers.put(table + " /n range", new ArrayList<>(QueryPages.keysOfAllPages(db, table,
                    Query.range("/n", -1, new BigDecimal("1e19")).orderBy("/n", true))));
        }
        return answers;
    }

    /** Every scalar the values are made of. */
    private static Set<Object> values() {
        Set<Object> values = new LinkedHashSet<>();
        values.addAll(NUMBERS);
        values.addAll(MIXED);
        for (Object string : STRINGS) {
            values.add(string);
            values.add(string + "-1");
            values.add(string + "-33");
        }
        for (int t = 0; t < 9; t++) {
            values.add("t" + t);
        }
        for (int size = 1; size <= 61; size++) {
            values.add("g" + size);
        }
        values.addAll(Arrays.asList("nested", "record 1"));
        return values;
    }
}
