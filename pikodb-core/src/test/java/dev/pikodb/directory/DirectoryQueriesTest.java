package dev.pikodb.directory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.Dictionary;
import dev.pikodb.Query;
import dev.pikodb.tck.EngineFixture;
import dev.pikodb.tck.QueriesContract;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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
}
