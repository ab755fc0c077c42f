package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import dev.pikodb.redis.testing.RedisServers;
import java.util.concurrent.atomic.AtomicInteger;
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
        AtomicInteger begun = new AtomicInteger();
        AtomicInteger acknowledged = new AtomicInteger();
        Thread writes = new Thread(() -> {
            for (int i = 0; i < RECORDS; i++) {
                begun.incrementAndGet();
                writer.write("t", "k" + i, i);
                acknowledged.incrementAndGet();
            }
        }, "size-writer");
        writes.start();
        int counts = 0;
        int previous = 0;
        while (writes.isAlive() || counts == 0) {
            int atLeast = acknowledged.get();
            int size = counter.getTableSize("t");
            int atMost = begun.get();
            assertThat(size).as("count %d", counts).isBetween(atLeast, atMost).isGreaterThanOrEqualTo(previous);
            previous = size;
            counts++;
        }
        writes.join();
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
        AtomicInteger begun = new AtomicInteger();
        AtomicInteger acknowledged = new AtomicInteger();
        Thread deletes = new Thread(() -> {
            for (int i = 0; i < RECORDS; i++) {
                begun.incrementAndGet();
                writer.delete("t", "k" + i);
                acknowledged.incrementAndGet();
            }
        }, "size-deleter");
        deletes.start();
        int counts = 0;
        int previous = RECORDS;
        while (deletes.isAlive() || counts == 0) {
            int atMost = RECORDS - acknowledged.get();
            int size = counter.getTableSize("t");
            int atLeast = RECORDS - begun.get();
            assertThat(size).as("count %d", counts).isBetween(atLeast, atMost).isLessThanOrEqualTo(previous);
            previous = size;
            counts++;
        }
        deletes.join();
        assertThat(counter.getTableSize("t")).isZero();
        assertThat(counts).as("counts made while the deleter ran").isGreaterThan(1);
    }
}
