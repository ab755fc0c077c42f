package dev.pikodb.internal.directory.records;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A table size is the number of live keys at one instant, even while writes land during its walk
 * over the records. The walk over the records' map is not a snapshot: a write of a key in a part of
 * the map the walk has passed and a delete of a key in a part it has not reached yet, both landing
 * while it is half way, would make it miss both, an answer that no order of the operations explains.
 *
 * <p>The single-character keys {@code a} to {@code d} fall in consecutive parts of the map in that
 * order. The walk is stopped after it has visited {@code a} (and the map's iterator has moved on to
 * {@code c}); meanwhile another thread writes {@code b} and deletes {@code d}. The table holds
 * {@code a, c, d}, then {@code a, b, c, d}, then {@code a, b, c}: the only sizes an order allows are 3
 * and 4; a walk that let the writes land would count {@code a} and {@code c} only.
 */
@Timeout(60)
class TableSizeDuringWritesTest {

    @TempDir
    Path dir;

    @AfterEach
    void removeHook() {
        Records.countVisited = null;
    }

    @ParameterizedTest(name = "durable writes: {0}")
    @ValueSource(booleans = {false, true})
    void aSizeCountsTheKeysOfOneInstantWhileAWriteAndADeleteLandDuringItsWalk(boolean durable) throws Exception {
        try (PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(dir).durableWrites(durable).build())) {
            db.start();
            db.write("t", "a", 1);
            db.write("t", "c", 3);
            db.write("t", "d", 4);

            CountDownLatch paused = new CountDownLatch(1);
            CountDownLatch resume = new CountDownLatch(1);
            AtomicInteger size = new AtomicInteger(-1);
            Thread counting = new Thread(() -> size.set(db.getTableSize("t")), "table size");
            Records.countVisited = key -> {
                if (Thread.currentThread() == counting && key.equals("a")) {
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
            // The writes either land while the walk is stopped, or wait for the count to end.
            while (writer.getState() != Thread.State.WAITING && writer.getState() != Thread.State.TERMINATED) {
                Thread.onSpinWait();
            }
            resume.countDown();
            counting.join();
            writer.join();

            assertThat(writerFailure.get()).isNull();
            assertThat(size.get()).as("size counted while 'b' was written and 'd' deleted").isIn(3, 4);
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
