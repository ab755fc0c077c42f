package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.ChangeEvent;
import dev.pikodb.PikoDB;
import dev.pikodb.redis.testing.RedisCluster;
import dev.pikodb.redis.testing.RedisServers;
import dev.pikodb.redis.testing.Resp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** deleteTable from two instances sharing a server: one winner, nothing unlisted, no blocking free. */
class TableDeletionTest {

    private final Databases databases = new Databases();
    private PikoDB first;
    private PikoDB second;
    private String prefix;

    @BeforeEach
    void openBoth(TestInfo test) {
        prefix = RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        first = databases.standalone(prefix, null);
        second = databases.standalone(prefix, null);
    }

    @AfterEach
    void closeBoth() {
        databases.close();
    }

    @Test
    void ofTwoConcurrentDeletionsExactlyOneReturnsTrueAndReportsIt() throws Exception {
        AtomicInteger reported = new AtomicInteger();
        first.subscribe(event -> count(event, reported));
        second.subscribe(event -> count(event, reported));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            int rounds = 150;
            int bothTrue = 0;
            int noneTrue = 0;
            for (int round = 0; round < rounds; round++) {
                first.write("t", "k" + round, round);
                CyclicBarrier start = new CyclicBarrier(2);
                Future<Boolean> a = pool.submit(() -> {
                    start.await();
                    return first.deleteTable("t");
                });
                Future<Boolean> b = pool.submit(() -> {
                    start.await();
                    return second.deleteTable("t");
                });
                boolean ra = a.get(10, TimeUnit.SECONDS);
                boolean rb = b.get(10, TimeUnit.SECONDS);
                if (ra && rb) {
                    bothTrue++;
                }
                if (!ra && !rb) {
                    noneTrue++;
                }
                assertThat(second.get("t", "k" + round)).isNull();
            }
            assertThat(bothTrue).as("rounds where both deletions returned true").isZero();
            assertThat(noneTrue).as("rounds where neither returned true").isZero();
            // Listeners get the events on the dispatcher's thread, after deleteTable returned.
            RedisCluster.await("a table-deleted event for every round", () -> reported.get() >= rounds);
            assertThat(reported.get()).as("table-deleted events, one per round").isEqualTo(rounds);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWriteAfterAnotherInstanceDeletedTheTableIsKeptAndListed() {
        first.write("t", "old", 1);
        assertThat(first.get("t", "old")).isEqualTo(1);

        assertThat(second.deleteTable("t")).isTrue();
        assertThat(first.get("t", "old")).as("deleted for every reader once deleteTable returned").isNull();
        assertThat(first.write("t", "new", 2)).isEqualTo(1);

        assertThat(second.listTables()).containsExactly("t");
        assertThat(second.get("t", "new")).isEqualTo(2);
        assertThat(second.get("t", "old")).isNull();
        assertThat(second.getTableSize("t")).isEqualTo(1);
        assertThat(first.compareAndWrite("t", "old", 1, 3)).isFalse();
    }

    @Test
    void aConditionalWriteOfAnInstanceThatMissedTheDeletionDoesNotResurrectTheTable() {
        first.write("t", "k", 1);
        assertThat(second.deleteTable("t")).isTrue();

        assertThat(first.compareAndWrite("t", "k", 1, 2)).isFalse();

        assertThat(second.listTables()).isEmpty();
        assertThat(second.get("t", "k")).isNull();
    }

    @Test
    void aDeletionMeetingATableWhoseFirstWriteIsNotStoredYetReturnsFalseAndThatWriteListsItAgain() {
        KeySpace keys = new KeySpace(prefix);
        try (Resp admin = RedisServers.shared().admin()) {
            // The first write of "t" has listed the table (its catalog step) and not yet run its bucket script.
            long generation = list(admin, keys, "t");

            assertThat(second.deleteTable("t")).as("the table has no stored write yet").isFalse();

            assertThat(write(admin, keys, "t", "k", generation))
                    .as("the bucket refuses the late write of the dropped generation (-1: stale generation)")
                    .isEqualTo(-1L);
        }
        assertThat(first.get("t", "k")).isNull();
        assertThat(first.listTables()).isEmpty();
        // The refused writer lists the table again: its write comes after the deletion.
        assertThat(first.write("t", "k", 1)).isEqualTo(1);
        assertThat(second.deleteTable("t")).isTrue();
        assertThat(second.deleteTable("t")).isFalse();
        assertThat(first.get("t", "k")).isNull();
    }

    @Test
    void aCallThatFindsTheTableUnlistedByAnUnfinishedDeletionFinishesItBeforeAnswering() {
        // Each answers as if the deletion had come first: the record must then be gone for every reader.
        Map<String, Supplier<Object>> calls = new LinkedHashMap<>();
        calls.put("deleteTable", () -> second.deleteTable("t"));
        calls.put("compareAndWrite", () -> second.compareAndWrite("t", "k", 1, 2));
        calls.put("listTables", () -> second.listTables());
        calls.put("tableSummary", () -> second.tableSummary("t"));
        KeySpace keys = new KeySpace(prefix);
        for (Map.Entry<String, Supplier<Object>> call : calls.entrySet()) {
            try (Resp admin = RedisServers.shared().admin()) {
                // A deletion unlists the table and has not emptied the buckets yet.
                long generation = writeThenUnlist(admin, keys);

                assertThat(call.getValue().get()).as(call.getKey()).isIn(false, List.of(), Optional.empty());
                assertThat(first.get("t", "k")).as("read after %s found no table", call.getKey()).isNull();

                // The unlisting deletion then empties the buckets, which another call already emptied.
                assertThat(dropAll(admin, keys, generation))
                        .as("buckets that held a write of the generation dropped (%s)", call.getKey()).isEqualTo(1);
            }
        }
        assertThat(first.write("t", "k", 2)).isEqualTo(1);
        assertThat(second.get("t", "k")).isEqualTo(2);
    }

    @Test
    void theDeletionThatUnlistedATableLearnsItExistedEvenWhenTheTableWasListedAndWrittenAgainBeforeItsDrops() {
        KeySpace keys = new KeySpace(prefix);
        try (Resp admin = RedisServers.shared().admin()) {
            long generation = writeThenUnlist(admin, keys);

            // Before the unlisting call empties a bucket, a writer finds the deletion unfinished, finishes
            // it, lists the table again and writes "k" of the next generation into the same bucket.
            assertThat(first.write("t", "k", 2)).isEqualTo(1);

            assertThat(dropAll(admin, keys, generation)).as("buckets that held a write of the dropped generation")
                    .isEqualTo(1);
        }
        assertThat(second.get("t", "k")).as("the next generation's write is kept").isEqualTo(2);
        assertThat(second.listTables()).containsExactly("t");
    }

    @Test
    void aBucketRemembersItsLastDropMarks() {
        KeySpace keys = new KeySpace(prefix);
        byte[][] bucket = keys.bucket("t", KeySpace.bucketOf("k"));
        try (Resp admin = RedisServers.shared().admin()) {
            // Generations listed and deleted in turn, the even ones written to "k": every deletion's mark is
            // answered while it is among the bucket's last marks, even after the next generation's write.
            List<Long> generations = new ArrayList<>();
            for (int round = 0; round < CatalogScripts.REMEMBERED_MARKS + 2; round++) {
                long generation = list(admin, keys, "t");
                generations.add(generation);
                if (round % 2 == 0) {
                    assertThat(write(admin, keys, "t", "k", generation)).isEqualTo(1L);
                }
                assertThat(((List<?>) admin.call("EVAL", source(CatalogScripts.UNLIST), "2", text(keys.catalogKey()),
                        text(keys.indexesKey("t")), "", "t")).get(0)).isEqualTo(1L);
                assertThat(drop(admin, bucket, generation)).isEqualTo(round % 2 == 0 ? 1L : 0L);
                admin.call("EVAL", source(CatalogScripts.DROPPED), "1", text(keys.catalogKey()), "", "t",
                        Long.toString(generation));
            }
            long newest = list(admin, keys, "t");
            assertThat(write(admin, keys, "t", "k", newest)).isEqualTo(1L);
            for (int round = 0; round < generations.size(); round++) {
                long expected = round >= 2 && round % 2 == 0 ? 1L : 0L;
                assertThat(drop(admin, bucket, generations.get(round)))
                        .as("a late drop of generation %d (round %d): the first two marks are forgotten",
                                generations.get(round), round)
                        .isEqualTo(expected);
            }
            List<String> marks = new ArrayList<>();
            for (int round = generations.size() - 1; marks.size() < CatalogScripts.REMEMBERED_MARKS; round--) {
                marks.add(Long.toString(generations.get(round) + (round % 2 == 0 ? 1 : 2)));
            }
            assertThat(admin.call("HGET", text(bucket[3]), "")).as("the kept marks, newest first")
                    .isEqualTo(String.join(" ", marks));
        }
    }

    @Test
    void deletingALargeTableFreesItsRecordsInTheBackground() {
        // Over 512 records per bucket: past hash-max-listpack-entries, a bucket is a hash table, which
        // UNLINK hands to the server's background thread (a listpack is one allocation, freed at once).
        int records = 10_000;
        java.util.stream.IntStream.range(0, 4).parallel().forEach(t -> {
            for (int i = t; i < records; i += 4) {
                first.write("big", "k" + i, i);
            }
        });
        long freedBefore = lazyFreed();

        assertThat(second.deleteTable("big")).isTrue();

        // The server's background thread counts what it freed once it is done.
        RedisCluster.await("every bucket freed in the background (UNLINK)",
                () -> lazyFreed() - freedBefore >= KeySpace.BUCKETS);
        assertThat(first.listTables()).isEmpty();
        assertThat(first.get("big")).isEmpty();
        // A write from the instance that deleted it lists the table again, empty but for that record.
        assertThat(second.write("big", "k1", 1)).isEqualTo(1);
        assertThat(first.getTableSize("big")).isEqualTo(1);
    }

    /**
     * The figure of a large deletion: the server's longest command (SLOWLOG, every command logged)
     * while deleteTable removes a table of {@code -Dpikodb.redis.figures.records} records (default
     * 1,000,000). Runs with {@code -Dpikodb.redis.figures=true}, printing the figure.
     */
    @Test
    void longestServerCommandWhileDeletingALargeTable() {
        if (!Boolean.getBoolean("pikodb.redis.figures")) {
            return;
        }
        int records = Integer.getInteger("pikodb.redis.figures.records", 1_000_000);
        long fillStarted = System.nanoTime();
        java.util.stream.IntStream.range(0, 8).parallel().forEach(t -> {
            for (int i = t; i < records; i += 8) {
                first.write("huge", "key-" + i, Map.of("user", "u" + i, "n", i));
            }
        });
        long fillMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fillStarted);
        try (Resp admin = RedisServers.shared().admin()) {
            admin.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
            admin.call("CONFIG", "SET", "slowlog-max-len", "100000");
            admin.call("SLOWLOG", "RESET");
            long started = System.nanoTime();
            assertThat(second.deleteTable("huge")).isTrue();
            long deleteMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            List<?> entries = (List<?>) admin.call("SLOWLOG", "GET", "100000");
            long longest = 0;
            String command = "";
            for (Object entry : entries) {
                List<?> fields = (List<?>) entry;
                long micros = (Long) fields.get(2);
                if (micros > longest) {
                    longest = micros;
                    command = String.valueOf(fields.get(3));
                }
            }
            admin.call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
            System.out.println("FIGURE deleteTable of " + records + " records (written in " + fillMillis
                    + " ms): returned in " + deleteMillis + " ms; " + entries.size()
                    + " commands ran meanwhile, the longest " + longest + " us: "
                    + (command.length() > 120 ? command.substring(0, 120) : command));
        }
        assertThat(first.get("huge")).isEmpty();
    }

    private static long list(Resp admin, KeySpace keys, String table) {
        List<?> listed = (List<?>) admin.call("EVAL", source(CatalogScripts.LIST), "1", text(keys.catalogKey()), "", table);
        assertThat(listed.get(0)).as("the table was not listed before").isEqualTo(1L);
        return (Long) listed.get(1);
    }

    /**
     * Lists table "t" and writes "k" as its first write does, then unlists it as a deletion does before
     * it empties the buckets; returns the generation it unlisted.
     */
    private static long writeThenUnlist(Resp admin, KeySpace keys) {
        long generation = list(admin, keys, "t");
        assertThat(write(admin, keys, "t", "k", generation)).as("the first version").isEqualTo(1L);
        List<?> unlisted = (List<?>) admin.call("EVAL", source(CatalogScripts.UNLIST), "2", text(keys.catalogKey()),
                text(keys.indexesKey("t")), "", "t");
        assertThat(unlisted.get(0)).as("this call unlisted the table").isEqualTo(1L);
        assertThat(unlisted.get(1)).isEqualTo(generation);
        return generation;
    }

    /** Runs the drop script on every bucket of table "t" for a dropped generation: how many held a write of it. */
    private static long dropAll(Resp admin, KeySpace keys, long generation) {
        long written = 0;
        for (byte[][] bucket : keys.buckets("t")) {
            written += drop(admin, bucket, generation);
        }
        return written;
    }

    /** Runs the drop script on one bucket for a dropped {@code generation}, without a change stream: its reply. */
    private static long drop(Resp admin, byte[][] bucket, long generation) {
        return (Long) admin.call("EVAL", source(CatalogScripts.DROP), "4", text(bucket[0]), text(bucket[1]),
                text(bucket[2]), text(bucket[3]), "", Long.toString(generation));
    }

    /** Runs the write script as a writer of {@code generation} does, without a change stream: its reply. */
    private static Object write(Resp admin, KeySpace keys, String table, String key, long generation) {
        byte[][] bucket = keys.bucket(table, KeySpace.bucketOf(key));
        List<String> call = new java.util.ArrayList<>(List.of("EVAL", source(Scripts.WRITE),
                Integer.toString(bucket.length)));
        for (byte[] each : bucket) {
            call.add(text(each));
        }
        call.addAll(List.of(key, "1", Long.toString(generation), "1"));
        return admin.call(call.toArray(new String[0]));
    }

    private static String source(Scripts.Script script) {
        return text(script.source());
    }

    private static String text(byte[] bytes) {
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static long lazyFreed() {
        try (Resp admin = RedisServers.shared().admin()) {
            Matcher matcher = Pattern.compile("lazyfreed_objects:(\\d+)").matcher(admin.text("INFO", "memory"));
            assertThat(matcher.find()).as("INFO memory reports lazyfreed_objects").isTrue();
            return Long.parseLong(matcher.group(1));
        }
    }

    private static void count(ChangeEvent event, AtomicInteger reported) {
        if (event.kind() == ChangeEvent.Kind.TABLE_DELETED) {
            reported.incrementAndGet();
        }
    }
}
