package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Thread interrupts (a cancelled task, {@code Future.cancel(true)}) affect at most the interrupted
 * caller's own call, never the table: journals are written on the callers' threads, through file
 * channels that an interrupt would close for everyone.
 */
class InterruptTest {

    @TempDir
    Path dir;

    private PikoDB open(boolean durable) {
        PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(dir).durableWrites(durable).build());
        db.start();
        return db;
    }

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void callsFromAnInterruptedThreadCompleteAndKeepTheFlag(boolean durable) {
        try (PikoDB db = open(durable)) {
            db.write("t", "a", 1);
            db.write("gone", "g", 1);

            // A lone durable writer leads its own group commit: its force runs on the interrupted thread.
            Thread.currentThread().interrupt();
            long version = db.write("t", "a", 2);
            assertThat(Thread.interrupted()).as("the interrupt flag is kept").isTrue();
            assertThat(version).isEqualTo(2L);

            Thread.currentThread().interrupt();
            assertThat(db.write("t", "b", "new table file", null)).isEqualTo(1L);
            Thread.currentThread().interrupt();
            assertThat(db.compareAndWrite("t", "a", 2, 3)).isTrue();
            Thread.currentThread().interrupt();
            assertThat(db.delete("t", "b")).isTrue();
            Thread.currentThread().interrupt();
            assertThat(db.write("fresh", "f", 1)).as("creating a journal").isEqualTo(1L);
            Thread.currentThread().interrupt();
            db.flush();
            Thread.currentThread().interrupt();
            assertThat(db.deleteTable("gone")).isTrue();
            assertThat(Thread.interrupted()).isTrue();

            assertThat(db.failedTables()).isEmpty();
            assertThat(db.write("t", "c", 1)).as("a write from an uninterrupted thread").isEqualTo(1L);
            Thread.currentThread().interrupt();
            db.write("t", "d", 1);
            Thread.currentThread().interrupt();
            db.close();
            assertThat(Thread.interrupted()).isTrue();
        }
        try (PikoDB db = open(false)) {
            assertThat(db.get("t")).containsExactlyInAnyOrderElementsOf(
                    List.of(Map.entry("a", 3), Map.entry("c", 1), Map.entry("d", 1)));
            assertThat(db.get("fresh", "f")).isEqualTo(1);
            assertThat(db.listTables()).containsExactlyInAnyOrder("t", "fresh");
        }
    }

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void writersInterruptedAtRandomNeverFailTheTable(boolean durable) throws InterruptedException {
        int threads = 4;
        int writesPerThread = durable ? 150 : 1_000;
        Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
        List<Throwable> unexpected = new ArrayList<>();
        AtomicInteger failedCalls = new AtomicInteger();
        try (PikoDB db = open(durable)) {
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                writers.add(new Thread(() -> {
                    for (int i = 0; i < writesPerThread; i++) {
                        String key = "w" + id + "-" + (i % 50);
                        try {
                            db.write("t", key, i);
                            acknowledged.put(key, i);
                        } catch (PikoDBException e) {
                            failedCalls.incrementAndGet();
                            synchronized (unexpected) {
                                unexpected.add(e);
                            }
                        }
                        Thread.interrupted();
                    }
                }, "writer-" + t));
            }
            AtomicBoolean done = new AtomicBoolean();
            Thread interrupter = new Thread(() -> {
                while (!done.get()) {
                    writers.get(ThreadLocalRandom.current().nextInt(threads)).interrupt();
                    LockSupport.parkNanos(20_000);
                }
            }, "interrupter");
            writers.forEach(Thread::start);
            interrupter.start();
            for (Thread writer : writers) {
                writer.join(TimeUnit.MINUTES.toMillis(2));
                assertThat(writer.isAlive()).as("%s finished", writer.getName()).isFalse();
            }
            done.set(true);
            interrupter.join();

            assertThat(unexpected).as("calls that failed").isEmpty();
            assertThat(db.failedTables()).isEmpty();
            acknowledged.forEach((key, value) -> assertThat(db.get("t", key)).as(key).isEqualTo(value));
            assertThat(db.write("t", "after", 1)).isEqualTo(1L);
        }
        try (PikoDB db = open(false)) {
            assertThat(db.quarantinedFiles()).isEmpty();
            acknowledged.forEach((key, value) -> assertThat(db.get("t", key)).as(key).isEqualTo(value));
            assertThat(db.getTableSize("t")).isEqualTo(acknowledged.size() + 1);
        }
    }
}
