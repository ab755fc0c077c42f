package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.ChangeEvent;
import dev.pikodb.DatabaseOptions;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import dev.pikodb.Query;
import dev.pikodb.QueryResult;
import dev.pikodb.redis.testing.RedisServers;
import dev.pikodb.redis.testing.Resp;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A query reads the index members first and the records afterwards (a walk in order the page's
 * records only): a record changed in between (moved to another value, deleted, expired) is checked as
 * it is when read, passed over when it no longer agrees, and a walk goes on to fill the page. The
 * change is made by another instance at that exact moment, through the storage's test hook that runs
 * between the two reads.
 */
class QueryRecordReadsTest {

    private static final long NOW = 1_750_000_000_000L;

    private final Databases databases = new Databases();
    private final MutableClock clock = new MutableClock(NOW);
    /** The changes heard, in order: the listener runs on the dispatcher's own thread, after the call that made them. */
    private final BlockingQueue<ChangeEvent> changes = new LinkedBlockingQueue<>();
    private String prefix;
    private RedisStorage storage;
    private PikoDB db;
    private PikoDB other;

    @BeforeEach
    void open(TestInfo test) {
        prefix = RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        storage = RedisStorage.builder().uri(RedisServers.shared().uri()).keyPrefix(prefix).build();
        db = new PikoDB(DatabaseOptions.builder().storage(storage).clock(clock).build());
        db.subscribe(changes::offer);
        db.start();
        other = databases.standalone(prefix, clock);
        db.createIndex("t", "n", "/n");
        for (int i = 0; i < 40; i++) {
            db.write("t", String.format("k%02d", i), Map.of("n", i));
        }
    }

    /** Whether a change that matches is heard within 10 s (the changes before it are passed over). */
    private boolean awaitChange(Predicate<ChangeEvent> wanted) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                ChangeEvent change = changes.poll(left, TimeUnit.NANOSECONDS);
                if (change != null && wanted.test(change)) {
                    return true;
                }
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void close() {
        db.close();
        databases.close();
    }

    @Test
    void aRecordMovedOrDeletedAfterItsEntryWasReadIsPassedOverAndThePageStillFills() {
        once(() -> {
            other.write("t", "k30", Map.of("n", 100)); // out of the range
            other.write("t", "k28", Map.of("n", 2)); // still in it, but further down than this page
            assertThat(other.delete("t", "k29")).isTrue();
        });

        QueryResult page = db.find("t", Query.range("/n", 0, 30).or(Query.eq("/n", 30)).orderBy("/n", false).limit(3));

        assertThat(keys(page)).containsExactly("k27", "k26", "k25");
        assertThat(page.nextCursor()).isPresent();
        assertThat(keys(db.find("t", Query.range("/n", 0, 30).orderBy("/n", false).after(page.nextCursor().get())
                .limit(3)))).containsExactly("k24", "k23", "k22");
    }

    @Test
    void aWalkWithoutAConditionPassesOverARecordChangedAfterItsEntryWasRead() {
        once(() -> {
            other.write("t", "k00", Map.of("n", 50));
            assertThat(other.delete("t", "k01")).isTrue();
        });

        assertThat(keys(db.find("t", Query.all().orderBy("/n", true).limit(2)))).containsExactly("k02", "k03");
        assertThat(keys(db.find("t", Query.all().orderBy("/n", false).limit(2)))).containsExactly("k00", "k39");
    }

    @Test
    void aCandidateChangedAfterItsEntryWasReadIsCheckedAsItIsWhenRead() {
        for (int i = 0; i < 40; i++) {
            db.write("t", String.format("k%02d", i), Map.of("n", i % 4));
        }
        once(() -> {
            other.write("t", "k04", Map.of("n", 1));
            assertThat(other.delete("t", "k08")).isTrue();
        });

        assertThat(keys(db.find("t", Query.eq("/n", 0)))).containsExactly("k00", "k12", "k16", "k20", "k24", "k28",
                "k32", "k36");
        assertThat(db.count("t", Query.eq("/n", 0))).isEqualTo(8);
        assertThat(db.count("t", Query.eq("/n", 1))).isEqualTo(11);
    }

    @Test
    void aRecordThatExpiredAfterItsEntryWasReadIsRemovedByTheReadOfTheRecordsAndNotReturned() {
        db.write("t", "k38", Map.of("n", 38), NOW + 10);
        db.write("t", "k37", Map.of("n", 37), NOW + 1_000);
        once(() -> clock.advance(100));

        assertThat(keys(db.find("t", Query.range("/n", 30, null).orderBy("/n", false).limit(3))))
                .containsExactly("k39", "k37", "k36");
        assertThat(awaitChange(change -> change.kind() == ChangeEvent.Kind.EXPIRED && change.key().equals("k38")
                && change.previousVersion() == 2)).as("the expiry reported").isTrue();
        try (Resp redis = RedisServers.shared().admin()) {
            byte[][] bucket = new KeySpace(prefix).bucket("t", KeySpace.bucketOf("k38"));
            assertThat(redis.call("HEXISTS", new String(bucket[0], StandardCharsets.UTF_8), "k38"))
                    .as("the expired record was removed by the query").isEqualTo(0L);
        }
    }

    /** Makes {@code change} run once, in the next query, between its read of the entries and of the records. */
    private void once(Runnable change) {
        AtomicBoolean done = new AtomicBoolean();
        storage.beforeQueryRecordReadsForTesting(() -> {
            if (done.compareAndSet(false, true)) {
                change.run();
            }
        });
    }

    private static List<String> keys(QueryResult result) {
        return result.records().stream().map(Map.Entry::getKey).toList();
    }
}
