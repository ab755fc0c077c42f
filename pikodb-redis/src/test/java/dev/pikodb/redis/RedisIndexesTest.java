package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import dev.pikodb.Query;
import dev.pikodb.QueryResult;
import dev.pikodb.MutableClock;
import dev.pikodb.redis.testing.RedisServer;
import dev.pikodb.redis.testing.RedisServers;
import dev.pikodb.redis.testing.Resp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What the queries contract cannot see on Redis: where the index entries are kept, that they go with
 * their records, that instances with an older view of the definitions keep indexes exact, and walks
 * longer than one slice of a bucket.
 */
class RedisIndexesTest {

    private final Databases databases = new Databases();

    @AfterEach
    void close() {
        databases.close();
    }

    @Test
    void indexEntriesLiveInTheRecordsBucketAndGoWithTheRecord(TestInfo test) {
        String prefix = RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        MutableClock clock = new MutableClock(1_000_000L);
        PikoDB db = databases.standalone(prefix, clock);
        KeySpace keys = new KeySpace(prefix);
        db.write("t", "a", Map.of("n", 1));
        db.write("t", "b", Map.of("n", List.of(1, 2)));
        db.write("t", "c", Map.of("other", true), clock.millis() + 10);
        db.createIndex("t", "n", "/n");

        // a key member per record, plus a: 1, b: 1 and 2, c: absent
        assertThat(members(keys, "t")).isEqualTo(3 + 4);
        assertThat(membersOf(keys, "t", "b")).as("b's entries are in b's bucket").isGreaterThanOrEqualTo(3);

        assertThat(db.delete("t", "a")).isTrue();
        assertThat(members(keys, "t")).isEqualTo(2 + 3);
        db.write("t", "b", Map.of("n", 3));
        assertThat(members(keys, "t")).isEqualTo(2 + 2);
        clock.advance(100);
        assertThat(db.cleanupExpired("t")).isEqualTo(1);
        assertThat(members(keys, "t")).as("c's entries expired with it").isEqualTo(1 + 1);
        assertThat(db.dropIndex("t", "n")).isTrue();
        assertThat(members(keys, "t")).isEqualTo(1);
        assertThat(db.deleteTable("t")).isTrue();
        assertThat(members(keys, "t")).isZero();
    }

    @Test
    void anIndexCreatedByOneInstanceIsMaintainedByTheWritesOfAnother(TestInfo test) {
        String prefix = RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        PikoDB first = databases.standalone(prefix, null);
        PikoDB second = databases.standalone(prefix, null);
        second.write("t", "x", Map.of("n", 5)); // second now knows the table's definitions: none

        first.createIndex("t", "n", "/n");
        second.write("t", "y", Map.of("n", 5));
        second.write("t", "x", Map.of("n", 6));

        assertThat(keys(first.find("t", Query.eq("/n", 5)))).containsExactly("y");
        assertThat(keys(second.find("t", Query.eq("/n", 6)))).containsExactly("x");
        assertThat(second.listIndexes("t")).containsExactly(Map.entry("n", "/n"));

        assertThat(first.dropIndex("t", "n")).isTrue();
        second.write("t", "z", Map.of("n", 5));
        assertThat(members(new KeySpace(prefix), "t")).as("only the key members are left").isEqualTo(3);
    }

    @Test
    void walksAndPagesSpanManySlicesOfEveryBucket(TestInfo test) {
        PikoDB db = databases.open(RedisServers.standaloneStorage(test.getTestMethod().orElseThrow().getName()),
                options -> options);
        db.createIndex("t", "n", "/n");
        int count = 1_200;
        for (int i = 0; i < count; i++) {
            db.write("t", String.format("k%04d", i), Map.of("n", i % 7));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add(String.format("k%04d", i));
        }
        expected.sort(Comparator.comparing((String key) -> -(Integer.parseInt(key.substring(1)) % 7))
                .thenComparing(Comparator.naturalOrder()));

        assertThat(keys(db.find("t", Query.all().orderBy("/n", false)))).isEqualTo(expected);
        List<String> paged = new ArrayList<>();
        Query query = Query.all().orderBy("/n", false).limit(150);
        QueryResult page = db.find("t", query);
        paged.addAll(keys(page));
        while (page.nextCursor().isPresent()) {
            page = db.find("t", query.after(page.nextCursor().get()));
            paged.addAll(keys(page));
        }
        assertThat(paged).isEqualTo(expected);
        assertThat(db.count("t", Query.range("/n", 2, 5))).isEqualTo(172 + 171 + 171);
        assertThat(keys(db.find("t", Query.all().orderBy(Query.KEY, false).limit(3))))
                .containsExactly("k1199", "k1198", "k1197");
    }

    @Test
    void aSortedRangeWithALimitReadsAFewMembersPerBucketThenOnlyThePagesRecords() {
        RedisServer server = RedisServers.start();
        PikoDB db = new PikoDB(DatabaseOptions.builder()
                .storage(RedisStorage.builder().uri(server.uri()).keyPrefix("ranges").build()).build());
        try {
            db.start();
            db.createIndex("t", "created", "/created");
            int count = 2_000;
            for (int i = 0; i < count; i++) {
                db.write("t", String.format("k%04d", i), Map.of("created", i));
            }
            // as a derived query's createdBetween(100, 1899) asks for it: [100, 1899) or 1899
            Query newest = Query.range("/created", 100, 1_899).or(Query.eq("/created", 1_899))
                    .orderBy("/created", false).limit(10);
            db.find("t", newest); // the table's first query reads its definitions first
            long hgets = calls(server, "hget");
            long hmgets = calls(server, "hmget");
            long scripts = calls(server, "evalsha");
            long memberReads = calls(server, "zrevrangebylex");

            QueryResult page = db.find("t", newest);

            assertThat(keys(page)).containsExactly("k1899", "k1898", "k1897", "k1896", "k1895", "k1894", "k1893",
                    "k1892", "k1891", "k1890");
            assertThat(calls(server, "evalsha") - scripts).as("scripts: no record has several values at /created")
                    .isZero();
            assertThat(calls(server, "zrevrangebylex") - memberReads).as("member reads, one per bucket")
                    .isEqualTo(KeySpace.BUCKETS);
            assertThat(calls(server, "hget") - hgets).as("records read with the members").isZero();
            assertThat(calls(server, "hmget") - hmgets).as("record reads, one per bucket the page's 11 entries are in")
                    .isBetween(1L, 11L);

            List<String> paged = new ArrayList<>(keys(page));
            Query ascending = Query.range("/created", 100, null).and(Query.range("/created", null, 1_900))
                    .orderBy("/created", true).limit(250);
            QueryResult next = db.find("t", ascending);
            List<String> ascendingKeys = new ArrayList<>(keys(next));
            while (next.nextCursor().isPresent()) {
                next = db.find("t", ascending.after(next.nextCursor().get()));
                ascendingKeys.addAll(keys(next));
            }
            while (page.nextCursor().isPresent()) {
                page = db.find("t", newest.after(page.nextCursor().get()));
                paged.addAll(keys(page));
            }
            List<String> expected = new ArrayList<>();
            for (int i = 100; i < 1_900; i++) {
                expected.add(String.format("k%04d", i));
            }
            assertThat(ascendingKeys).isEqualTo(expected);
            List<String> descending = new ArrayList<>(expected);
            java.util.Collections.reverse(descending);
            assertThat(paged).isEqualTo(descending);
        } finally {
            db.close();
            server.stop();
        }
    }

    @Test
    void aSortedRangeWithALimitStillPutsFirstARecordWhoseSortValueLiesOutsideTheRange(TestInfo test) {
        PikoDB db = databases.standalone(test.getTestMethod().orElseThrow().getName());
        db.createIndex("t", "n", "/n");
        for (int i = 0; i < 40; i++) {
            db.write("t", String.format("k%02d", i), Map.of("n", i));
        }
        db.write("t", "high", Map.of("n", List.of(1_000, 5)));
        db.write("t", "low", Map.of("n", List.of(-5, 20)));

        // descending, "high" is ordered by 1000, ascending "low" by -5: each comes before the whole range
        assertThat(keys(db.find("t", Query.range("/n", 0, 30).orderBy("/n", false).limit(3))))
                .containsExactly("high", "k29", "k28");
        assertThat(keys(db.find("t", Query.range("/n", 0, 30).orderBy("/n", true).limit(3))))
                .containsExactly("low", "k00", "k01");
        assertThat(keys(db.find("t", Query.range("/n", 10, 30).orderBy("/n", true).limit(2))))
                .containsExactly("low", "k10");
    }

    @Test
    void aQueryReadsTheDefinitionsOnceAlongsideItsMemberReadsThenTheCandidatesWithoutScriptsAndAQueryOnKeysNotAtAll() {
        RedisServer server = RedisServers.start();
        PikoDB db = new PikoDB(DatabaseOptions.builder()
                .storage(RedisStorage.builder().uri(server.uri()).keyPrefix("plans").build()).build());
        try {
            db.start();
            db.createIndex("t", "owner", "/owner");
            for (int i = 0; i < 100; i++) {
                db.write("t", String.format("k%03d", i), Map.of("owner", "o" + i % 10));
            }
            db.find("t", Query.eq("/owner", "o0")); // the table's first query reads its definitions first
            long definitionReads = calls(server, "hgetall");
            long scripts = calls(server, "evalsha");
            long memberReads = calls(server, "zrangebylex");
            long recordReads = calls(server, "hmget");

            for (int i = 0; i < 5; i++) {
                assertThat(keys(db.find("t", Query.eq("/owner", "o" + i)))).hasSize(10);
            }

            assertThat(calls(server, "hgetall") - definitionReads).as("definition reads for 5 queries").isEqualTo(5);
            assertThat(calls(server, "zrangebylex") - memberReads).as("member reads for 5 queries, one per bucket")
                    .isEqualTo(5L * KeySpace.BUCKETS);
            assertThat(calls(server, "hmget") - recordReads).as("record reads for 5 queries, one per bucket with a note")
                    .isBetween(5L, 5L * 10);
            assertThat(calls(server, "evalsha") - scripts).as("scripts for 5 queries of records far from expiring")
                    .isZero();

            definitionReads = calls(server, "hgetall");
            assertThat(keys(db.find("t", Query.prefix(Query.KEY, "k00")))).hasSize(10);
            assertThat(db.count("t", Query.all())).isEqualTo(100);
            assertThat(calls(server, "hgetall") - definitionReads).as("definition reads of queries on keys").isZero();
        } finally {
            db.close();
            server.stop();
        }
    }

    @Test
    void aQueryPlansWithTheDefinitionsOfTheMomentWhicheverInstanceChangedThem(TestInfo test) {
        String prefix = RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        PikoDB first = databases.standalone(prefix, null);
        PikoDB second = databases.standalone(prefix, null);
        first.createIndex("t", "n", "/n");
        first.write("t", "a", Map.of("n", 1));
        first.write("t", "b", Map.of("n", 2, "o", true));
        assertThat(keys(second.find("t", Query.eq("/n", 1)))).containsExactly("a");

        assertThat(first.dropIndex("t", "n")).isTrue();
        assertThatThrownBy(() -> second.find("t", Query.eq("/n", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("db.createIndex(\"t\", \"n\", \"/n\")");
        assertThatThrownBy(() -> second.count("t", Query.eq("/n", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("db.createIndex(\"t\", \"n\", \"/n\")");

        first.createIndex("t", "again", "/n"); // the same path under a new index id
        assertThat(keys(second.find("t", Query.eq("/n", 2)))).containsExactly("b");
        assertThat(keys(second.find("t", Query.range("/n", 0, 5).orderBy("/n", false).limit(1)))).containsExactly("b");
        first.createIndex("t", "o", "/o");
        assertThat(keys(second.find("t", Query.eq("/o", true)))).containsExactly("b");
        assertThat(second.count("t", Query.eq("/o", true))).isEqualTo(1);
    }

    /** How many times the server has run a command since it started. */
    private static long calls(RedisServer server, String command) {
        try (Resp redis = server.admin()) {
            return redis.commandCalls(command);
        }
    }

    @Test
    void importedRecordsReplaceTheirIndexEntriesAsWritesDo(TestInfo test) {
        String prefix = RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        PikoDB db = databases.standalone(prefix, null);
        db.createIndex("t", "n", "/n");
        db.write("t", "a", Map.of("n", 1));

        db.importRecords("t", List.of(
                Map.entry("a", new dev.pikodb.DatabaseRecord(Map.of("n", 2), 7, 1_000L, null, null)),
                Map.entry("b", new dev.pikodb.DatabaseRecord(Map.of("n", 2), 3, 1_000L, null, null))));

        assertThat(keys(db.find("t", Query.eq("/n", 1)))).isEmpty();
        assertThat(keys(db.find("t", Query.eq("/n", 2)))).containsExactly("a", "b");
        assertThat(db.find("t", Query.eq("/n", 2)).records().get(0).getValue().version()).isEqualTo(7);
        assertThat(members(new KeySpace(prefix), "t")).isEqualTo(2 + 2);
    }

    private static List<String> keys(QueryResult result) {
        return result.records().stream().map(Map.Entry::getKey).toList();
    }

    /** The index members of a table over all its buckets, sentinels left out. */
    private static long members(KeySpace keys, String table) {
        long total = 0;
        try (Resp redis = RedisServers.shared().admin()) {
            for (byte[][] bucket : keys.buckets(table)) {
                total += Math.max(0, (Long) redis.call("ZCARD", new String(bucket[2], StandardCharsets.UTF_8)) - 1);
            }
        }
        return total;
    }

    private static long membersOf(KeySpace keys, String table, String key) {
        try (Resp redis = RedisServers.shared().admin()) {
            byte[][] bucket = keys.bucket(table, KeySpace.bucketOf(key));
            return (Long) redis.call("ZCARD", new String(bucket[2], StandardCharsets.UTF_8)) - 1;
        }
    }
}
