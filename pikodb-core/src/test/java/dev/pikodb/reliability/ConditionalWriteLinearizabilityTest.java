package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With durable writes, {@code compareAndWrite} and {@code delete} decide against the state reads
 * return, never against a write that is appended but not yet forced (which no read can see yet, and
 * whose force may still fail): a conditional call that answers "changed" is followed by reads that
 * show the change, and a read-then-compareAndWrite retry loop needs a handful of attempts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConditionalWriteLinearizabilityTest {

    private static final Logger log = LoggerFactory.getLogger(ConditionalWriteLinearizabilityTest.class);

    @TempDir
    Path dir;

    private PikoDB db;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void open() {
        db = new PikoDB(DatabaseOptions.builder().databaseDirectory(dir).durableWrites(true).build());
        db.start();
    }

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        db.close();
    }

    /** Runs {@code body} while another thread keeps writing the key; returns what the body returns. */
    private <T> T whileAnotherThreadWrites(Callable<T> body, boolean alsoDeletes) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Future<?> writer = pool.submit(() -> {
            for (long n = 0; !stop.get(); n++) {
                db.write("t", "k", "writer-" + n);
                if (alsoDeletes) {
                    db.delete("t", "k");
                }
            }
            return null;
        });
        try {
            return body.call();
        } finally {
            stop.set(true);
            writer.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void compareAndWriteThatFailsIsFollowedByReadsOfANewerVersion() throws Exception {
        db.write("t", "k", "first");
        List<String> violations = whileAnotherThreadWrites(() -> {
            List<String> found = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                DatabaseRecord before = db.getRecord("t", "k").orElseThrow();
                boolean written = db.compareAndWrite("t", "k", before.version(), "checker-" + i);
                DatabaseRecord after = db.getRecord("t", "k").orElseThrow();
                if (!written && after.equals(before)) {
                    found.add("attempt " + i + ": read version " + before.version()
                            + ", compareAndWrite with it returned false, read it again unchanged");
                }
            }
            return found;
        }, false);
        assertThat(violations).as("compareAndWrite answers decided against writes no read could see").isEmpty();
    }

    @Test
    void deleteThatFindsNothingIsFollowedByReadsThatFindNothingOfBefore() throws Exception {
        db.write("t", "k", "first");
        List<String> violations = whileAnotherThreadWrites(() -> {
            List<String> found = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Optional<DatabaseRecord> before = db.getRecord("t", "k");
                boolean deleted = db.delete("t", "k");
                Optional<DatabaseRecord> after = db.getRecord("t", "k");
                if (!deleted && before.isPresent() && after.equals(before)) {
                    found.add("attempt " + i + ": read " + before.get().value() + ", delete returned false, read it"
                            + " again unchanged");
                }
            }
            return found;
        }, true);
        assertThat(violations).as("delete answers decided against writes no read could see").isEmpty();
    }

    @Test
    void readThenCompareAndWriteIncrementsNeedAHandfulOfAttempts() throws Exception {
        int threads = 4;
        int increments = 100;
        db.write("t", "counter", 0);
        AtomicLong attempts = new AtomicLong();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                for (int done = 0; done < increments; ) {
                    DatabaseRecord current = db.getRecord("t", "counter").orElseThrow();
                    attempts.incrementAndGet();
                    if (db.compareAndWrite("t", "counter", current.version(), (Integer) current.value() + 1)) {
                        done++;
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get(100, TimeUnit.SECONDS);
        }
        int successes = threads * increments;
        double perSuccess = (double) attempts.get() / successes;
        log.info("{} durable threads, {} read-then-compareAndWrite increments each: {} attempts, {} per success",
                threads, increments, attempts.get(), String.format("%.2f", perSuccess));
        assertThat(db.get("t", "counter")).as("no increment lost").isEqualTo(successes);
        assertThat(db.getRecord("t", "counter").orElseThrow().version()).isEqualTo(successes + 1L);
        // A failed attempt always follows a success of another thread that its next read sees, so at
        // most threads attempts per success: this bound holds whatever the scheduling.
        assertThat(perSuccess).as("attempts per success").isLessThan(20);
    }
}
