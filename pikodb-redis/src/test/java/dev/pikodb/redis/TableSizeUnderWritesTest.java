package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import dev.pikodb.redis.testing.RedisServers;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code getTableSize} guarantees on Redis while other calls change the table. It sums the counts
 * of the table's buckets, each taken atomically by one script, the scripts sent at once, so under
 * concurrent changes it is not the size at one instant (the linearizability check leaves it out). It is
 * still bounded by the changes: never fewer records than were stored and not removed before the count
 * began, never more than were stored by calls begun before it ended; and, since each bucket's count only
 * moves one way while the changes do, successive counts of one caller move the same way.
 */
class TableSizeUnderWritesTest {

    private static final int RECORDS = 2_000;

    private final Databases databases = new Databases();

    @AfterEach
    void close() {
        databases.close();
    }

    @Test
    void whileRecordsAreAddedEachCountLiesBetweenTheWritesAcknowledgedAndThoseBegunAndNoCountFallsBack()
            throws InterruptedException {
        String prefix = RedisServers.uniquePrefix("size-adds");
        PikoDB writer = databases.standalone(prefix, null);
        PikoDB counter = databases.standalone(prefix, null);

        int counts = countWhileChanging(counter, 1, i -> writer.write("t", "k" + i, i));

        assertThat(counter.getTableSize("t")).isEqualTo(RECORDS);
        assertThat(counts).as("counts made while the writer ran").isGreaterThan(1);
    }

    @Test
    void whileRecordsAreDeletedEachCountLiesBetweenTheDeletionsBegunAndThoseAcknowledgedAndNoCountRises()
            throws InterruptedException {
        String prefix = RedisServers.uniquePrefix("size-deletes");
        PikoDB writer = databases.standalone(prefix, null);
        PikoDB counter = databases.standalone(prefix, null);
        for (int i = 0; i < RECORDS; i++) {
            writer.write("t", "k" + i, i);
        }

        int counts = countWhileChanging(counter, -1, i -> writer.delete("t", "k" + i));

        assertThat(counter.getTableSize("t")).isZero();
        assertThat(counts).as("counts made while the deleter ran").isGreaterThan(1);
    }

    /**
     * Makes {@link #RECORDS} changes on another thread, each moving table "t"'s size by {@code step}
     * (+1: adds a record, -1: deletes one), and counts the table until they are done. Each count must lie
     * between the size that the changes acknowledged before it began make sure of and the size that the
     * changes begun before it ended make possible, and move from the one before only in the changes'
     * direction. Returns how many counts were made.
     */
    private static int countWhileChanging(PikoDB counter, int step, IntConsumer change) throws InterruptedException {
        int start = counter.getTableSize("t");
        AtomicInteger begun = new AtomicInteger();
        AtomicInteger acknowledged = new AtomicInteger();
        Thread changes = new Thread(() -> {
            for (int i = 0; i < RECORDS; i++) {
                begun.incrementAndGet();
                change.accept(i);
                acknowledged.incrementAndGet();
            }
        }, "size-changes");
        changes.start();
        int counts = 0;
        int previous = start;
        while (changes.isAlive() || counts == 0) {
            int sure = start + step * acknowledged.get();
            int size = counter.getTableSize("t");
            int possible = start + step * begun.get();
            assertThat(size).as("count %d", counts).isBetween(Math.min(sure, possible), Math.max(sure, possible));
            assertThat(step * (size - previous)).as("count %d against the one before (%d)", counts, previous)
                    .isNotNegative();
            previous = size;
            counts++;
        }
        changes.join();
        return counts;
    }
}
