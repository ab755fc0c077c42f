package dev.pikodb.directory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.Dictionary;
import dev.pikodb.Query;
import dev.pikodb.QueryResult;
import dev.pikodb.tck.EngineFixture;
import dev.pikodb.tck.QueriesContract;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secondary indexes and queries on the directory engine, and the shapes its in-memory indexes take:
 * values shared by many keys (held differently from values of a few keys), overlapping paths read in
 * one pass, and indexes built at start in one pass from the stored records.
 */
class DirectoryQueriesTest extends QueriesContract {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }

    private static String key(int i) {
        return String.format("k%03d", i);
    }

    @Test
    void aValueSharedByManyKeysPagesExactlyAsItGrowsShrinksExpiresAndIsRebuiltAtStart() {
        db.createIndex("t", "v", "/v");
        db.createIndex("t", "tags", "/tags");
        List<String> all = new ArrayList<>();
        for (int i = 99; i >= 0; i--) {
            db.write("t", key(i), map("v", "same", "tags", List.of("x", i % 2 == 0 ? "even" : "odd")));
        }
        for (int i = 0; i < 100; i++) {
            all.add(key(i));
        }
        assertThat(allPages("t", Query.eq("/v", "same").limit(7))).containsExactlyElementsOf(all);
        assertThat(allPages("t", Query.all().orderBy("/v", false).limit(9))).containsExactlyElementsOf(all);
        assertThat(db.count("t", Query.eq("/tags", "x"))).isEqualTo(100);
        assertThat(allPages("t", Query.eq("/tags", "even").limit(6))).hasSize(50).allMatch(k -> Integer.parseInt(k.substring(1)) % 2 == 0);

        // Most keys move to another value, some expire, some are deleted: the shared value's group shrinks.
        for (int i = 0; i < 90; i++) {
            if (i % 3 == 0) {
                db.write("t", key(i), map("v", "other", "tags", List.of("y")));
            } else if (i % 3 == 1) {
                db.write("t", key(i), map("v", "same", "tags", List.of("x")), T0 + 1_000);
            } else {
                db.delete("t", key(i));
            }
        }
        clock.set(T0 + 2_000);
        List<String> same = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            if (i >= 90) {
                same.add(key(i));
            } else if (i % 3 == 0) {
                other.add(key(i));
            }
        }
        assertThat(allPages("t", Query.eq("/v", "same").limit(4))).containsExactlyElementsOf(same);
        assertThat(allPages("t", Query.eq("/v", "other").limit(4))).containsExactlyElementsOf(other);
        List<String> descending = new ArrayList<>(same);
        descending.addAll(other);
        assertThat(allPages("t", Query.all().orderBy("/v", false).limit(5))).containsExactlyElementsOf(descending);
        assertThat(db.count("t", Query.eq("/tags", "x"))).isEqualTo(10);

        reopen();
        assertThat(allPages("t", Query.eq("/v", "same").limit(4))).as("rebuilt at start").containsExactlyElementsOf(same);
        assertThat(allPages("t", Query.all().orderBy("/v", false).limit(5))).containsExactlyElementsOf(descending);
        List<String> ascending = new ArrayList<>(other);
        ascending.addAll(same);
        assertThat(allPages("t", Query.all().orderBy("/v", true).limit(5))).containsExactlyElementsOf(ascending);
        assertThat(db.count("t", Query.eq("/tags", "y"))).isEqualTo(other.size());
    }

    @Test
    void overlappingPathsAreReadInOnePassAtStartAsOnEveryWrite() {
        db.addDictionary("d", Dictionary.deflate(Map.of("a", "A", "b", "B")));
        db.createIndex("t", "a", "/a");
        db.createIndex("t", "ab", "/a/b");
        db.createIndex("t", "a0", "/a/0");
        db.createIndex("t", "a1b", "/a/1/b");
        db.createIndex("t", "x", "/x");
        db.write("t", "list", map("a", List.of(1, map("b", "in-list"), List.of(5), 1, true), "x", 2.50));
        db.write("t", "object", map("a", map("b", "in-object", "0", "zero"), "x", new BigDecimal("2.5")), null, "d");
        db.write("t", "scalar", map("a", "plain", "x", 12_345_678_901_234_567_890.0));

        Runnable check = () -> {
            assertThat(keys(db.find("t", Query.eq("/a", 1)))).containsExactly("list");
            assertThat(keys(db.find("t", Query.eq("/a", true)))).containsExactly("list");
            assertThat(db.count("t", Query.range("/a", null, null))).isEqualTo(2);
            assertThat(keys(db.find("t", Query.eq("/a", "plain")))).containsExactly("scalar");
            assertThat(keys(db.find("t", Query.eq("/a/b", "in-object")))).containsExactly("object");
            assertThat(keys(db.find("t", Query.eq("/a/0", 1)))).containsExactly("list");
            assertThat(keys(db.find("t", Query.eq("/a/0", "zero")))).containsExactly("object");
            assertThat(keys(db.find("t", Query.eq("/a/1/b", "in-list")))).containsExactly("list");
            assertThat(keys(db.find("t", Query.eq("/x", 2.5)))).containsExactly("list", "object");
            assertThat(keys(db.find("t", Query.range("/x", 3, null)))).containsExactly("scalar");
            assertThat(keys(db.find("t", Query.all().orderBy("/a", false)))).containsExactly("scalar", "list", "object");
        };
        check.run();
        reopen();
        check.run();
    }

    @Test
    void numbersBeyondALongKeepTheirExactOrderBesideSmallerOnes() {
        db.createIndex("t", "n", "/n");
        List<Object> ascending = List.of(new BigDecimal("-1e30"), Long.MIN_VALUE, -1.5, 0, 0.25, 1, Long.MAX_VALUE,
                new BigDecimal("9223372036854775808"), new BigDecimal("1e30"));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < ascending.size(); i++) {
            keys.add(key(i));
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < ascending.size(); i++) {
            order.add(i);
        }
        Collections.reverse(order);
        for (int i : order) {
            db.write("t", key(i), map("n", ascending.get(i)));
        }
        Runnable check = () -> {
            assertThat(allPages("t", Query.all().orderBy("/n", true).limit(2))).containsExactlyElementsOf(keys);
            assertThat(keys(db.find("t", Query.range("/n", Long.MAX_VALUE, new BigDecimal("1e30")))))
                    .containsExactly(key(6), key(7));
            assertThat(keys(db.find("t", Query.range("/n", new BigDecimal("-1e30"), Long.MIN_VALUE))))
                    .containsExactly(key(0));
            assertThat(keys(db.find("t", Query.eq("/n", new BigDecimal("9223372036854775807.0"))))).containsExactly(key(6));
        };
        check.run();
        reopen();
        check.run();
    }

    @Test
    void keysOfAValueComeInCodePointOrderWhetherMaintainedOrBuiltAtStart() {
        db.createIndex("t", "v", "/v");
        // Shared prefixes longer than the 8 characters compared first, keys that are prefixes of others,
        // and characters from U+E000 up, which sort below surrogate pairs in code point order.
        List<String> keys = new ArrayList<>(List.of("item-0000000000-a", "item-0000000000-b", "item-0000000000",
                "item-000000000", "item-0000", "item-", "item-\uE000", "item-\uFFFF", "item-\uD83D\uDE00",
                "item-\uD83D\uDE00x", "item-\uFF21\uD83D\uDE00", "item-\uFF21\uFF21", "item-z\uD83D\uDE00", "item-zz"));
        for (int i = 0; i < 40; i++) {
            keys.add("item-" + "0".repeat(i % 12) + i);
        }
        keys = new ArrayList<>(new java.util.LinkedHashSet<>(keys));
        List<String> expected = new ArrayList<>(keys);
        expected.sort(DirectoryQueriesTest::byCodePoints);
        Collections.reverse(keys);
        for (String key : keys) {
            db.write("t", key, map("v", "shared", "w", key.length() % 2 == 0 ? "even" : "odd"));
        }
        db.createIndex("t", "w", "/w");
        List<String> even = expected.stream().filter(key -> key.length() % 2 == 0).toList();

        assertThat(allPages("t", Query.eq("/v", "shared").limit(5))).containsExactlyElementsOf(expected);
        assertThat(allPages("t", Query.eq("/w", "even").limit(4))).containsExactlyElementsOf(even);
        reopen();
        assertThat(allPages("t", Query.eq("/v", "shared").limit(5))).as("built at start").containsExactlyElementsOf(expected);
        assertThat(allPages("t", Query.eq("/w", "even").limit(4))).containsExactlyElementsOf(even);
    }

    private static int byCodePoints(String a, String b) {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        return java.util.Arrays.compare(x, y);
    }

    @Test
    void anOverwriteKeepingItsIndexedValuesIsFoundWithItsNewRecordInSmallAndLargeGroups() {
        db.createIndex("t", "v", "/v");
        db.createIndex("t", "tags", "/tags");
        // "few" is held by 3 keys, "many" by 60: the two forms a value's keys take.
        for (int i = 0; i < 63; i++) {
            db.write("t", key(i), map("v", i < 3 ? "few" : "many", "tags", List.of("a", "b"), "n", 0));
        }
        for (int round = 1; round <= 3; round++) {
            for (int i = 0; i < 63; i += 2) {
                db.write("t", key(i), map("v", i < 3 ? "few" : "many", "tags", List.of("b", "a"), "n", round));
            }
            int expectedRound = round;
            QueryResult few = db.find("t", Query.eq("/v", "few"));
            assertThat(keys(few)).containsExactly(key(0), key(1), key(2));
            assertThat(few.records()).allSatisfy(entry -> assertThat(((Map<?, ?>) entry.getValue().value()).get("n"))
                    .isEqualTo(Integer.parseInt(entry.getKey().substring(1)) % 2 == 0 ? expectedRound : 0));
            assertThat(db.count("t", Query.eq("/v", "many"))).isEqualTo(60);
            assertThat(allPages("t", Query.eq("/tags", "a").limit(7))).hasSize(63);
            QueryResult many = db.find("t", Query.eq("/v", "many").limit(2));
            assertThat(((Map<?, ?>) many.records().get(1).getValue().value()).get("n")).isEqualTo(expectedRound);
        }
        // Then the values change: "few" disappears, "many" shrinks, a value appears.
        for (int i = 0; i < 10; i++) {
            db.write("t", key(i), map("v", "new", "tags", List.of("a"), "n", 9));
        }
        assertThat(db.count("t", Query.eq("/v", "few"))).isZero();
        assertThat(db.count("t", Query.eq("/v", "many"))).isEqualTo(53);
        assertThat(keys(db.find("t", Query.eq("/v", "new").limit(3)))).containsExactly(key(0), key(1), key(2));
        assertThat(db.count("t", Query.eq("/tags", "b"))).isEqualTo(53);
        assertThat(keys(db.find("t", Query.all().orderBy("/v", true).limit(11)))).startsWith(key(10), key(11));
        reopen();
        assertThat(db.count("t", Query.eq("/v", "new"))).isEqualTo(10);
        assertThat(db.count("t", Query.eq("/tags", "b"))).isEqualTo(53);
    }

    @Test
    void readersSeeOnlyMatchingRecordsAndEveryUntouchedOneWhileValuesAppearAndDisappear() throws Exception {
        db.createIndex("t", "v", "/v");
        db.createIndex("t", "n", "/n");
        for (int i = 0; i < 40; i++) {
            db.write("t", "stable" + i, map("v", "stable", "n", -1));
        }
        int moving = 50;
        int writes = 4_000;
        AtomicBoolean done = new AtomicBoolean();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        Runnable reader = () -> {
            int round = 0;
            while (!done.get() || round < 5) {
                round++;
                long stable = db.count("t", Query.eq("/v", "stable"));
                if (stable != 40) {
                    problems.add("count of stable: " + stable);
                }
                String value = "x" + round % 5;
                for (Map.Entry<String, DatabaseRecord> entry : db.find("t", Query.eq("/v", value)).records()) {
                    Object actual = ((Map<?, ?>) entry.getValue().value()).get("v");
                    if (!value.equals(actual)) {
                        problems.add(entry.getKey() + " found for " + value + " but holds " + actual);
                    }
                }
                for (Map.Entry<String, DatabaseRecord> entry : db.find("t", Query.range("/n", 0, 1_000_000)).records()) {
                    Object n = ((Map<?, ?>) entry.getValue().value()).get("n");
                    if (!(n instanceof Integer number) || number < 0) {
                        problems.add(entry.getKey() + " found in the range but holds " + n);
                    }
                }
            }
        };
        Thread[] readers = {new Thread(reader), new Thread(reader)};
        for (Thread thread : readers) {
            thread.start();
        }
        try {
            // Each write moves a key to one of a few shared values, and to a number of its own, which
            // appears with the write and disappears with the next one.
            for (int w = 0; w < writes; w++) {
                int i = w % moving;
                db.write("t", "m" + i, map("v", "x" + (w * 7 % 5), "n", w % 3 == 0 ? -w : w));
            }
        } finally {
            done.set(true);
            for (Thread thread : readers) {
                thread.join();
            }
        }
        assertThat(problems).isEmpty();
        for (int each = 0; each < 5; each++) {
            int x = each;
            String value = "x" + x;
            long expected = java.util.stream.IntStream.range(writes - moving, writes).filter(w -> w * 7 % 5 == x).count();
            assertThat(db.count("t", Query.eq("/v", value))).isEqualTo(expected);
        }
        long positive = java.util.stream.IntStream.range(writes - moving, writes).filter(w -> w % 3 != 0).count();
        assertThat(db.count("t", Query.range("/n", 0, 1_000_000))).isEqualTo(positive);
        assertThat(db.count("t", Query.range("/n", -1_000_000, 0))).isEqualTo(moving - positive + 40);
    }
}
