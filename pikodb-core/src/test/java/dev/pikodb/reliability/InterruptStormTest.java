package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writers interrupted in a loop while background compactions set their table's journal aside: the
 * writers go on appending to the retired journal through its open file while the compaction renames
 * it, and an interrupt closes that file under them. Not one write may fail, the table must stay in
 * service, and every acknowledged write must be there after reopening.
 */
class InterruptStormTest {

    private static final int WRITERS = 4;
    private static final int COMPACTIONS = 3;
    private static final int KEYS_PER_WRITER = 20;
    private static final int VALUE_BYTES = 8 * 1024;

    @TempDir
    Path dir;

    private PikoDB open(boolean durable) {
        PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(dir).durableWrites(durable).build());
        db.start();
        return db;
    }

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void interruptsDuringSeveralCompactionsFailNoWrite(boolean durable) throws InterruptedException {
        // A compaction per MiB of journal, about 128 writes: the writers stop once enough have run.
        int maxWritesPerWriter = 2_000;
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        long compactions;
        try (PikoDB db = open(durable)) {
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int id = w;
                writers.add(new Thread(() -> {
                    for (int i = 0; i < maxWritesPerWriter && db.statistics().compactions() < COMPACTIONS; i++) {
                        String key = "w" + id + "-" + i % KEYS_PER_WRITER;
                        String value = value(id, i);
                        try {
                            db.write("t", key, value);
                            acknowledged.put(key, value);
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                        Thread.interrupted();
                    }
                }, "writer-" + w));
            }
            AtomicBoolean done = new AtomicBoolean();
            Thread interrupter = new Thread(() -> {
                int next = 0;
                while (!done.get()) {
                    writers.get(next++ % WRITERS).interrupt();
                    Thread.yield();
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

            assertThat(failures).as("writes that failed").isEmpty();
            assertThat(db.failedTables()).isEmpty();
            compactions = db.statistics().compactions();
        }
        assertThat(compactions).as("compactions during the storm").isGreaterThanOrEqualTo(COMPACTIONS);
        try (PikoDB db = open(false)) {
            assertThat(db.quarantinedFiles()).isEmpty();
            assertThat(db.getTableSize("t")).isEqualTo(acknowledged.size());
            acknowledged.forEach((key, value) -> assertThat(db.get("t", key, String.class)).as(key).isEqualTo(value));
        }
    }

    private static String value(int writer, int i) {
        char[] filler = new char[VALUE_BYTES];
        Arrays.fill(filler, (char) ('a' + (writer * 7 + i) % 26));
        return writer + ":" + i + ":" + new String(filler);
    }
}
