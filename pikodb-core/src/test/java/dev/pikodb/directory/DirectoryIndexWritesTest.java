package dev.pikodb.directory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.Query;
import dev.pikodb.QueryResult;
import dev.pikodb.tck.ContractSupport;
import dev.pikodb.tck.EngineFixture;
import dev.pikodb.tck.QueryPages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory engine's index structures as writes change them in place: a value shared by many
 * keys keeps them in a hash table that a write changes where it stands (keys leave marks, places are
 * taken again, the table is rebuilt larger or smaller), and integer values that the sorted base lacks
 * are kept beside it until a merge. Queries that page through a value while it changes, values that
 * appear and go, and values written again unchanged return exactly the records the table holds.
 */
class DirectoryIndexWritesTest extends ContractSupport {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }

    private static String key(int i) {
        return String.format("k%04d", i);
    }

    @Test
    void aLargeGroupChangedWhileAQueryPagesThroughItReturnsEveryUntouchedKeyOnceWithTheRecordItHolds() {
        db.createIndex("t", "tag", "/tag");
        int keys = 400;
        for (int i = 0; i < keys; i++) {
            db.write("t", key(i), map("tag", "x", "n", 0));
        }
        // Keys 0..39 are never written again; the others move out of "x", come back, or are written again unchanged.
        int stable = 40;
        Set<String> untouched = new HashSet<>();
        for (int i = 0; i < stable; i++) {
            untouched.add(key(i));
        }
        List<String> seen = new ArrayList<>();
        Query query = Query.eq("/tag", "x").limit(25);
        QueryResult page = db.find("t", query);
        int round = 0;
        while (true) {
            for (Map.Entry<String, DatabaseRecord> entry : page.records()) {
                assertThat(((Map<?, ?>) entry.getValue().value()).get("tag")).as(entry.getKey()).isEqualTo("x");
                assertThat(entry.getValue().version()).isEqualTo(db.getRecord("t", entry.getKey()).orElseThrow().version());
                seen.add(entry.getKey());
            }
            if (page.nextCursor().isEmpty()) {
                break;
            }
            round++;
            // Most of the movable keys leave "x" (the table is rebuilt smaller), some come back, some stay as they are.
            for (int i = stable; i < keys; i++) {
                int choice = (i * 7 + round) % 10;
                if (choice < 6) {
                    db.write("t", key(i), map("tag", "y" + (i % 3), "n", round));
                } else if (choice < 8) {
                    db.write("t", key(i), map("tag", "x", "n", round));
                } else if (choice == 8) {
                    db.delete("t", key(i));
                }
            }
            page = db.find("t", query.after(page.nextCursor().get()));
        }
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen).containsAll(untouched);
        // The group holds exactly the keys whose records have "x" now.
        List<String> holdingX = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            String k = key(i);
            if (db.getRecord("t", k).map(r -> "x".equals(((Map<?, ?>) r.value()).get("tag"))).orElse(false)) {
                holdingX.add(k);
            }
        }
        assertThat(QueryPages.keysOfAllPages(db, "t", Query.eq("/tag", "x").limit(37))).containsExactlyElementsOf(holdingX);
        assertThat(db.count("t", Query.eq("/tag", "x"))).isEqualTo(holdingX.size());
    }

    @Test
    void keysWrittenAgainWithTheSameValuesKeepOneEntryEachInLargeSmallAndIntegerGroups() {
        db.createIndex("t", "tags", "/tags");
        db.createIndex("t", "owner", "/owner");
        db.createIndex("t", "n", "/n");
        int keys = 60;
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < keys; i++) {
                db.write("t", key(i), map("tags", List.of("all", "g" + (i % 4)), "owner", "o" + (i % 6), "n", 1_000L * i,
                        "round", round));
            }
        }
        assertThat(db.count("t", Query.eq("/tags", "all"))).isEqualTo(keys);
        assertThat(db.count("t", Query.eq("/tags", "g1"))).isEqualTo(keys / 4);
        assertThat(db.count("t", Query.eq("/owner", "o5"))).isEqualTo(keys / 6);
        assertThat(db.count("t", Query.range("/n", 0, null))).isEqualTo(keys);
        QueryResult found = db.find("t", Query.eq("/tags", "all").limit(keys));
        assertThat(found.records()).hasSize(keys);
        assertThat(found.records()).allSatisfy(entry -> assertThat(((Map<?, ?>) entry.getValue().value()).get("round")).isEqualTo(4));
        assertThat(db.find("t", Query.eq("/n", 7_000L)).records()).extracting(Map.Entry::getKey).containsExactly(key(7));
    }

    @Test
    void integerValuesThatAppearAndGoBesideTheSortedBaseAreFoundExactlyInEqualityAndRangeQueries() {
        SplittableRandom random = new SplittableRandom(42);
        long[] pool = new long[600];
        for (int i = 0; i < pool.length; i++) {
            // Even spreads, clusters, far extremes and the integers that doubles cannot tell apart.
            pool[i] = switch (i % 6) {
                case 0 -> i * 1_000L;
                case 1 -> 1_700_000_000_000L + i;
                case 2 -> Long.MAX_VALUE - i;
                case 3 -> Long.MIN_VALUE + i * 3L;
                case 4 -> (1L << 53) + (i % 12);
                default -> random.nextLong();
            };
        }
        TreeMap<String, Long> model = new TreeMap<>();
        int keys = 400;
        // The index is built over the first half of the values (its sorted base); the others come later.
        for (int i = 0; i < keys; i++) {
            long value = pool[random.nextInt(pool.length / 2)];
            db.write("t", key(i), map("n", value));
            model.put(key(i), value);
        }
        db.createIndex("t", "n", "/n");
        for (int write = 0; write < 1_000; write++) {
            String k = key(random.nextInt(keys));
            if (random.nextInt(9) == 0) {
                db.delete("t", k);
                model.remove(k);
            } else {
                long value = pool[random.nextInt(pool.length)];
                db.write("t", k, map("n", value));
                model.put(k, value);
            }
            if (write % 500 == 499) {
                assertMatches(model, pool);
            }
        }
    }

    private void assertMatches(TreeMap<String, Long> model, long[] pool) {
        for (int i = 0; i < pool.length; i += 5) {
            long value = pool[i];
            List<String> expected = model.entrySet().stream().filter(e -> e.getValue() == value).map(Map.Entry::getKey).toList();
            assertThat(QueryPages.keysOfAllPages(db, "t", Query.eq("/n", value).limit(50))).as("n = %d", value)
                    .containsExactlyElementsOf(expected);
        }
        long from = 1L << 53;
        long to = (1L << 53) + 6;
        List<String> inRange = model.entrySet().stream().filter(e -> e.getValue() >= from && e.getValue() < to)
                .map(Map.Entry::getKey).toList();
        assertThat(QueryPages.keysOfAllPages(db, "t", Query.range("/n", from, to).limit(40))).containsExactlyElementsOf(inRange);
        List<String> byValue = model.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).toList();
        assertThat(QueryPages.keysOfAllPages(db, "t", Query.all().orderBy("/n", true).limit(97))).containsExactlyElementsOf(byValue);
    }
}
