package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import dev.pikodb.Query;
import dev.pikodb.QueryResult;
import dev.pikodb.redis.testing.RedisServer;
import dev.pikodb.redis.testing.RedisServers;
import dev.pikodb.redis.testing.Resp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A sorted range with a limit on Redis ({@code range("/n", a, b).orderBy("/n", false).limit(10)}):
 * walked with plain member reads while the index's definition notes that no record ever had several
 * values at its path, with each bucket's entry count checked once one had; and the page is the same
 * whichever way it was read, also when one bucket holds the whole page.
 */
class SortedRangeWalkTest {

    /** A server of the test's own, whose command counts only its queries change; or the shared one. */
    private RedisServer server;
    private final List<PikoDB> open = new ArrayList<>();

    @AfterEach
    void stop() {
        open.forEach(PikoDB::close);
        if (server != RedisServers.shared()) {
            server.stop();
        }
    }

    private PikoDB open(String prefix) {
        PikoDB db = new PikoDB(DatabaseOptions.builder()
                .storage(RedisStorage.builder().uri(server.uri()).keyPrefix(prefix).build()).build());
        open.add(db);
        db.start();
        return db;
    }

    private PikoDB ownServer(String prefix) {
        server = RedisServers.start();
        return open(prefix);
    }

    /** The test's prefix on the shared server. */
    private String sharedServer(TestInfo test) {
        server = RedisServers.shared();
        return RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
    }

    @Test
    void aRangeWalkReadsPlainMembersUntilARecordHasSeveralValuesThenChecksEachBucketAndStaysExact() {
        PikoDB db = ownServer("notes");
        db.createIndex("t", "n", "/n");
        for (int i = 0; i < 40; i++) {
            db.write("t", String.format("k%02d", i), Map.of("n", i));
        }
        Query descending = Query.range("/n", 0, 30).orderBy("/n", false).limit(3);
        db.find("t", descending); // the table's first query reads its definitions first
        assertThat(state("notes", "n")).isEqualTo('s');

        Reads plain = reads(() -> assertThat(keys(db.find("t", descending))).containsExactly("k29", "k28", "k27"));
        assertThat(plain.scripts).as("scripts of a walk over an index without records of several values").isZero();
        assertThat(plain.memberReads).as("member reads, one per bucket").isEqualTo(KeySpace.BUCKETS);
        assertThat(plain.counts).as("entry counts of the buckets").isZero();

        db.write("t", "high", Map.of("n", List.of(1_000, 5)));
        assertThat(state("notes", "n")).isEqualTo('r');
        assertThat(keys(db.find("t", descending))).containsExactly("high", "k29", "k28"); // loads the script

        Reads counted = reads(() -> assertThat(keys(db.find("t", descending))).containsExactly("high", "k29", "k28"));
        assertThat(counted.scripts).as("scripts reading each bucket's members and entry count")
                .isEqualTo(KeySpace.BUCKETS);
        db.write("t", "low", Map.of("n", List.of(-5, 20)));
        assertThat(keys(db.find("t", Query.range("/n", 10, 30).orderBy("/n", true).limit(2))))
                .containsExactly("low", "k10"); // ascending it is ordered by -5, before the range

        db.delete("t", "high");
        db.delete("t", "low"); // the note stays: the buckets' counts are checked and agree again
        Reads again = reads(() -> assertThat(keys(db.find("t", descending))).containsExactly("k29", "k28", "k27"));
        assertThat(again.scripts).isEqualTo(KeySpace.BUCKETS);
        assertThat(state("notes", "n")).isEqualTo('r');
    }

    @Test
    void anotherInstanceSeesTheNoteOfARecordWithSeveralValuesAtItsNextQuery(TestInfo test) {
        String prefix = sharedServer(test);
        PikoDB reader = open(prefix);
        PikoDB writer = open(prefix);
        reader.createIndex("t", "n", "/n");
        for (int i = 0; i < 20; i++) {
            writer.write("t", String.format("k%02d", i), Map.of("n", i));
        }
        Query lowest = Query.range("/n", 10, 20).orderBy("/n", true).limit(2);
        assertThat(keys(reader.find("t", lowest))).containsExactly("k10", "k11");

        writer.write("t", "low", Map.of("n", List.of(-5, 15)));

        assertThat(keys(reader.find("t", lowest))).containsExactly("low", "k10");
    }

    @Test
    void buildingAnIndexOverRecordsWithSeveralValuesNotesThem(TestInfo test) {
        String prefix = sharedServer(test);
        PikoDB db = open(prefix);
        for (int i = 0; i < 30; i++) {
            db.write("t", String.format("k%02d", i), Map.of("n", i));
        }
        db.write("t", "low", Map.of("n", List.of(-5, 20)));
        db.createIndex("t", "n", "/n");
        db.createIndex("t", "single", "/m");

        assertThat(state(prefix, "n")).isEqualTo('r');
        assertThat(state(prefix, "single")).isEqualTo('s');
        assertThat(keys(db.find("t", Query.range("/n", 10, 30).orderBy("/n", true).limit(2))))
                .containsExactly("low", "k10");
    }

    @Test
    void importingARecordWithSeveralValuesNotesIt(TestInfo test) {
        String prefix = sharedServer(test);
        PikoDB db = open(prefix);
        db.createIndex("t", "n", "/n");
        for (int i = 0; i < 30; i++) {
            db.write("t", String.format("k%02d", i), Map.of("n", i));
        }
        db.importRecords("t", List.of(Map.entry("high", new DatabaseRecord(Map.of("n", List.of(1_000, 12)), 3,
                1_000L, null, null))));

        assertThat(state(prefix, "n")).isEqualTo('r');
        assertThat(keys(db.find("t", Query.range("/n", 0, 20).orderBy("/n", false).limit(2))))
                .containsExactly("high", "k19");
    }

    @Test
    void aBucketHoldingTheWholePageIsReadOnPastItsFirstSlice() {
        PikoDB db = ownServer("skewed");
        db.createIndex("t", "n", "/n");
        List<String> inOneBucket = new ArrayList<>();
        for (int i = 0; inOneBucket.size() < 40; i++) {
            String key = "k" + i;
            if (KeySpace.bucketOf(key) == 3) {
                inOneBucket.add(key);
                db.write("t", key, Map.of("n", inOneBucket.size()));
            } else if (i % 7 == 0) {
                db.write("t", key, Map.of("n", 1_000 + i));
            }
        }
        Query newest = Query.range("/n", 1, 41).orderBy("/n", false).limit(10);
        db.find("t", newest);

        List<String> paged = new ArrayList<>();
        Reads reads = reads(() -> {
            QueryResult page = db.find("t", newest);
            paged.addAll(keys(page));
            while (page.nextCursor().isPresent()) {
                page = db.find("t", newest.after(page.nextCursor().get()));
                paged.addAll(keys(page));
            }
        });

        List<String> expected = new ArrayList<>(inOneBucket);
        java.util.Collections.reverse(expected);
        assertThat(paged).isEqualTo(expected);
        assertThat(reads.scripts).isZero();
        assertThat(reads.memberReads).as("member reads of 4 pages: 16 first slices each, and more in the full bucket")
                .isGreaterThan(4L * KeySpace.BUCKETS);
    }

    /** The commands a run of queries sent. */
    private record Reads(long scripts, long memberReads, long counts) {
    }

    private Reads reads(Runnable queries) {
        long scripts = calls("evalsha");
        long members = calls("zrevrangebylex") + calls("zrangebylex");
        long counts = calls("zlexcount");
        queries.run();
        return new Reads(calls("evalsha") - scripts, calls("zrevrangebylex") + calls("zrangebylex") - members,
                calls("zlexcount") - counts);
    }

    private long calls(String command) {
        try (Resp redis = server.admin()) {
            return redis.commandCalls(command);
        }
    }

    /** The state letter of an index's definition, as the definitions hash holds it. */
    private char state(String prefix, String index) {
        try (Resp redis = server.admin()) {
            String stored = (String) redis.call("HGET",
                    new String(new KeySpace(prefix).indexesKey("t"), StandardCharsets.UTF_8), index);
            return stored.charAt(stored.indexOf(' ') + 1);
        }
    }

    private static List<String> keys(QueryResult result) {
        return result.records().stream().map(Map.Entry::getKey).toList();
    }
}
