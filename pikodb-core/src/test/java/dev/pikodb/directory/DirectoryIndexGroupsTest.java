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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory engine's indexes where a value is shared by many keys: such a value's keys are
 * found by hash, and put in key order only once a query walks them in order, from then on kept in
 * order by every write. Values appear and go while their keys move; queries in order, paging, counts
 * and restarts see exactly the records the table holds.
 */
class DirectoryIndexGroupsTest extends ContractSupport {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }

    private static String key(int i) {
        return String.format("k%04d", i);
    }

    /** Every page of a query, followed through its cursors. */
    private List<String> allPages(Query query) {
        return QueryPages.keysOfAllPages(db, "t", query);
    }

    /** The keys of each value of the model, values ascending, keys ascending within a value. */
    private static List<String> ordered(TreeMap<String, String> valueOfKey, boolean ascending) {
        TreeMap<String, List<String>> byValue = new TreeMap<>();
        valueOfKey.forEach((key, value) -> byValue.computeIfAbsent(value, v -> new ArrayList<>()).add(key));
        List<String> keys = new ArrayList<>();
        (ascending ? byValue : byValue.descendingMap()).values().forEach(keys::addAll);
        return keys;
    }

    @Test
    void aLargeGroupWalkedInOrderStaysInOrderAsKeysComeAndGoAndAfterARestart() {
        db.createIndex("t", "v", "/v");
        TreeMap<String, String> model = new TreeMap<>();
        // Written in descending key order, so that neither the hash nor the arrival order is the key order.
        for (int i = 199; i >= 0; i--) {
            String value = i % 4 == 0 ? "b" : "a";
            db.write("t", key(i), map("v", value, "i", i));
            model.put(key(i), value);
        }
        assertThat(db.count("t", Query.eq("/v", "a"))).isEqualTo(150);
        assertThat(allPages(Query.all().orderBy("/v", true).limit(17))).containsExactlyElementsOf(ordered(model, true));

        // After the walk in order, keys join and leave both large groups; a third value appears and grows large.
        for (int i = 0; i < 200; i += 3) {
            String value = i % 2 == 0 ? "c" : "b";
            db.write("t", key(i), map("v", value, "i", i));
            model.put(key(i), value);
        }
        for (int i = 200; i < 240; i++) {
            db.write("t", key(i), map("v", "a", "i", i));
            model.put(key(i), "a");
        }
        for (int i = 1; i < 200; i += 7) {
            db.delete("t", key(i));
            model.remove(key(i));
        }
        assertThat(allPages(Query.all().orderBy("/v", true).limit(13))).containsExactlyElementsOf(ordered(model, true));
        assertThat(allPages(Query.all().orderBy("/v", false).limit(31))).containsExactlyElementsOf(ordered(model, false));
        for (String value : List.of("a", "b", "c")) {
            List<String> expected = model.entrySet().stream().filter(e -> e.getValue().equals(value)).map(Map.Entry::getKey).toList();
            assertThat(db.count("t", Query.eq("/v", value))).as(value).isEqualTo(expected.size());
            assertThat(allPages(Query.eq("/v", value).limit(9))).as(value).containsExactlyElementsOf(expected);
        }

        reopen();
        assertThat(allPages(Query.all().orderBy("/v", false).limit(31))).as("built at start")
                .containsExactlyElementsOf(ordered(model, false));
        assertThat(db.count("t", Query.range("/v", "a", "c"))).isEqualTo(model.values().stream().filter(v -> !v.equals("c")).count());
    }

    @Test
    void aValueThatGoesAndComesBackIsFoundByEqualityRangeAndOrderOnlyWhileKeysHoldIt() {
        db.createIndex("t", "v", "/v");
        db.createIndex("t", "tags", "/tags");
        for (int i = 0; i < 60; i++) {
            db.write("t", key(i), map("v", "x", "tags", List.of("all", "t" + i % 2)));
        }
        assertThat(allPages(Query.all().orderBy("/tags", true).limit(50))).hasSize(60);
        for (int round = 0; round < 3; round++) {
            // Every key leaves "x" and the tag "all": both values go.
            for (int i = 0; i < 60; i++) {
                db.write("t", key(i), map("v", "y" + i, "tags", List.of("t" + i % 2)));
            }
            assertThat(db.count("t", Query.eq("/v", "x"))).isZero();
            assertThat(db.count("t", Query.eq("/tags", "all"))).isZero();
            assertThat(db.count("t", Query.range("/v", "x", "y"))).isZero();
            assertThat(db.count("t", Query.prefix("/v", "y"))).isEqualTo(60);
            assertThat(allPages(Query.all().orderBy("/tags", false).limit(7))).hasSize(60).startsWith(key(1), key(3));
            // They come back, in another order than before.
            for (int i = 59; i >= 0; i--) {
                db.write("t", key(i), map("v", "x", "tags", List.of("all", "t" + i % 2)));
            }
            List<String> all = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                all.add(key(i));
            }
            assertThat(allPages(Query.eq("/v", "x").limit(8))).containsExactlyElementsOf(all);
            assertThat(allPages(Query.range("/v", "w", "xa").limit(11))).containsExactlyElementsOf(all);
            assertThat(allPages(Query.all().orderBy("/tags", true).limit(9))).as("every key at its smallest tag, 'all'")
                    .containsExactlyElementsOf(all);
            assertThat(db.count("t", Query.range("/v", "y", null))).isZero();
        }
        // Built at start from records of several values each: a record is ordered at its smallest or largest value.
        db.write("t", key(60), map("v", "z", "tags", List.of("zz", "all")));
        reopen();
        List<String> odd = new ArrayList<>();
        List<String> even = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            (i % 2 == 0 ? even : odd).add(key(i));
        }
        List<String> descending = new ArrayList<>(List.of(key(60)));
        descending.addAll(odd);
        descending.addAll(even);
        assertThat(allPages(Query.all().orderBy("/tags", false).limit(7))).containsExactlyElementsOf(descending);
        assertThat(allPages(Query.all().orderBy("/tags", true).limit(7))).hasSize(61).startsWith(key(0), key(1));
        assertThat(db.count("t", Query.eq("/tags", "all"))).isEqualTo(61);
        assertThat(keys(Query.range("/tags", "zz", null))).containsExactly(key(60));
    }

    private List<String> keys(Query query) {
        return db.find("t", query).records().stream().map(Map.Entry::getKey).toList();
    }

    @Test
    void readersWalkingLargeGroupsInOrderSeeEveryUntouchedKeyInOrderWhileWritersMoveOthers() throws Exception {
        db.createIndex("t", "v", "/v");
        int stable = 80;
        for (int i = 0; i < stable; i++) {
            db.write("t", "s" + key(i), map("v", i % 2 == 0 ? "even" : "odd"));
        }
        int moving = 60;
        for (int i = 0; i < moving; i++) {
            db.write("t", "m" + key(i), map("v", "even"));
        }
        AtomicBoolean done = new AtomicBoolean();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        Runnable reader = () -> {
            int round = 0;
            while (!done.get() || round < 5) {
                round++;
                String value = round % 2 == 0 ? "even" : "odd";
                List<String> seen = new ArrayList<>();
                QueryResult page = db.find("t", Query.eq("/v", value).limit(16));
                while (true) {
                    for (Map.Entry<String, DatabaseRecord> entry : page.records()) {
                        Object actual = ((Map<?, ?>) entry.getValue().value()).get("v");
                        if (!value.equals(actual)) {
                            problems.add(entry.getKey() + " found for " + value + " but holds " + actual);
                        }
                        seen.add(entry.getKey());
                    }
                    if (page.nextCursor().isEmpty()) {
                        break;
                    }
                    page = db.find("t", Query.eq("/v", value).limit(16).after(page.nextCursor().get()));
                }
                List<String> ordered = db.find("t", Query.all().orderBy("/v", round % 3 == 0).limit(1_000)).records()
                        .stream().map(Map.Entry::getKey).toList();
                for (int i = 0; i < stable; i++) {
                    String key = "s" + key(i);
                    if (value.equals(i % 2 == 0 ? "even" : "odd") && !seen.contains(key)) {
                        problems.add(key + " missing from the pages of " + value);
                    }
                    if (!ordered.contains(key)) {
                        problems.add(key + " missing from the walk in order");
                    }
                }
                if (seen.stream().distinct().count() != seen.size() || ordered.stream().distinct().count() != ordered.size()) {
                    problems.add("a key returned twice in round " + round);
                }
            }
        };
        Thread[] readers = {new Thread(reader), new Thread(reader)};
        for (Thread thread : readers) {
            thread.start();
        }
        int writes = 1_500;
        try {
            for (int w = 0; w < writes; w++) {
                int i = w % moving;
                String key = "m" + key(i);
                if (w % 11 == 0) {
                    db.delete("t", key);
                } else {
                    db.write("t", key, map("v", w % 3 == 0 ? "odd" : "even"));
                }
            }
        } finally {
            done.set(true);
            for (Thread thread : readers) {
                thread.join();
            }
        }
        assertThat(problems).isEmpty();
        TreeMap<String, String> model = new TreeMap<>();
        for (int i = 0; i < stable; i++) {
            model.put("s" + key(i), i % 2 == 0 ? "even" : "odd");
        }
        for (int w = writes - moving; w < writes; w++) {
            if (w % 11 != 0) {
                model.put("m" + key(w % moving), w % 3 == 0 ? "odd" : "even");
            }
        }
        assertThat(allPages(Query.all().orderBy("/v", true).limit(23))).containsExactlyElementsOf(ordered(model, true));
        assertThat(db.count("t", Query.eq("/v", "odd"))).isEqualTo(model.values().stream().filter("odd"::equals).count());
    }
}
