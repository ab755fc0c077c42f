package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import dev.pikodb.ForwardingFileIO;
import dev.pikodb.TestHooks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
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

    private final BlockingForce io = new BlockingForce();

    @BeforeEach
    void open() {
        db = new PikoDB(TestHooks.withFileIO(DatabaseOptions.builder().databaseDirectory(dir).durableWrites(true), io)
                .build());
        db.start();
    }

    /** Holds the next force of a journal until released, so a write stays pending for as long as a test needs. */
    private static final class BlockingForce extends ForwardingFileIO {
        private volatile CountDownLatch entered;
        private volatile CountDownLatch release;

        void armNextForce() {
            entered = new CountDownLatch(1);
            release = new CountDownLatch(1);
        }

        @Override
        protected Handle wrap(Path path, Handle handle) {
            if (!path.getFileName().toString().endsWith(".journal")) {
                return handle;
            }
            return new ForwardingHandle(handle) {
                @Override
                public void force() throws IOException {
                    CountDownLatch armedEntered = entered;
                    CountDownLatch armedRelease = release;
                    if (armedEntered != null && armedEntered.getCount() > 0) {
                        armedEntered.countDown();
                        try {
                            armedRelease.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    super.force();
                }
            };
        }
    }

    /**
     * Runs {@code pendingWrite} on a thread whose force is held, so that its write stays appended but
     * not yet forced; then runs {@code conditional} on another thread and returns what it answered
     * together with a read taken when it answered, or once it is seen waiting for the held force
     * (before the force is let go).
     */
    private <T> Decision<T> decideWhileAWriteIsPending(Runnable pendingWrite, Callable<T> conditional)
            throws Exception {
        io.armNextForce();
        Future<?> writer = pool.submit(pendingWrite);
        assertThat(io.entered.await(30, TimeUnit.SECONDS)).as("the pending write reached its force").isTrue();
        Optional<DatabaseRecord> before = db.getRecord("t", "k");
        FutureTask<T> task = new FutureTask<>(conditional);
        Thread caller = new Thread(task, "conditional-caller");
        caller.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!task.isDone() && caller.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        boolean answeredWhilePending = task.isDone();
        Optional<DatabaseRecord> afterAnswer = db.getRecord("t", "k");
        io.release.countDown();
        writer.get(30, TimeUnit.SECONDS);
        T answer = task.get(30, TimeUnit.SECONDS);
        return new Decision<>(before, answer, answeredWhilePending ? afterAnswer : db.getRecord("t", "k"));
    }

    private record Decision<T>(Optional<DatabaseRecord> before, T answer, Optional<DatabaseRecord> after) {
    }

    @Test
    void compareAndWriteWaitsForAPendingWriteThatWouldChangeItsAnswer() throws Exception {
        db.write("t", "k", "v1");
        Decision<Boolean> decision = decideWhileAWriteIsPending(() -> db.write("t", "k", "v2"),
                () -> db.compareAndWrite("t", "k", 1, "conditional"));
        assertThat(decision.before().orElseThrow().version()).isEqualTo(1L);
        assertThat(decision.answer()).as("version 2 is committed before it").isFalse();
        assertThat(decision.after().orElseThrow().version()).as("a read after the answer").isEqualTo(2L);
    }

    @Test
    void deleteWaitsForAPendingDeleteThatWouldChangeItsAnswer() throws Exception {
        db.write("t", "k", "v1");
        Decision<Boolean> decision = decideWhileAWriteIsPending(() -> db.delete("t", "k"),
                () -> db.delete("t", "k"));
        assertThat(decision.before()).isPresent();
        assertThat(decision.answer()).as("the other delete is committed before it").isFalse();
        assertThat(decision.after()).as("a read after the answer").isEmpty();
    }

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        db.close();
    }

    /** Runs {@code body} while another thread keeps writing the key; returns what the body returns. */
    private <T> T whileAnotherThreadWrites(Callable<T> body) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Future<?> writer = pool.submit(() -> {
            for (long n = 0; !stop.get(); n++) {
                db.write("t", "k", "writer-" + n);
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
        });
        assertThat(violations).as("compareAndWrite answers decided against writes no read could see").isEmpty();
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
