package dev.pikodb.internal.directory.records;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A table size is the number of live keys at one instant, even while writes land during the count.
 * The count first removes the records expired at its clock reading, then takes how many records the
 * map holds: a write and a delete landing between those steps, or a write landing before the removal
 * and a delete after it, would give an answer of no instant.
 *
 * <p>The table holds {@code a, c, d} and {@code x}, which has expired. The count is stopped while it
 * removes {@code x}; meanwhile another thread writes {@code b} and deletes {@code d}. The table holds
 * {@code a, c, d}, then {@code a, b, c, d}, then {@code a, b, c}: the only sizes an order allows are 3
 * and 4.
 */
@Timeout(60)
class TableSizeDuringWritesTest extends TableSizeTestSupport {

    @ParameterizedTest(name = "durable writes: {0}")
    @ValueSource(booleans = {false, true})
    void aSizeCountsTheKeysOfOneInstantWhileAWriteAndADeleteLandDuringTheCount(boolean durable) throws Exception {
        try (PikoDB db = open(durable)) {
            db.write("t", "a", 1);
            db.write("t", "c", 3);
            db.write("t", "d", 4);
            db.write("t", "x", 0, clock.millis() + 10);
            clock.advance(11);

            CountDownLatch paused = new CountDownLatch(1);
            CountDownLatch resume = new CountDownLatch(1);
            AtomicInteger size = new AtomicInteger(-1);
            Thread counting = new Thread(() -> size.set(db.getTableSize("t")), "table size");
            Records.countVisited = key -> {
                if (Thread.currentThread() == counting && key.equals("x")) {
                    paused.countDown();
                    awaitUninterruptibly(resume);
                }
            };
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    db.write("t", "b", 2);
                    db.delete("t", "d");
                } catch (Throwable e) {
                    writerFailure.set(e);
                }
            }, "writer");

            counting.start();
            paused.await();
            writer.start();
            // The writes either land while the count is stopped, or wait for the count to end.
            while (writer.getState() != Thread.State.WAITING && writer.getState() != Thread.State.TERMINATED) {
                Thread.onSpinWait();
            }
            resume.countDown();
            counting.join();
            writer.join();

            assertThat(writerFailure.get()).isNull();
            assertThat(size.get()).as("size counted while 'b' was written and 'd' deleted").isIn(3, 4);
            assertThat(db.get("t", "x")).isNull();
            assertThat(db.getTableSize("t")).isEqualTo(3);
            assertThat(db.get("t", "b")).isEqualTo(2);
            assertThat(db.get("t", "d")).isNull();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
