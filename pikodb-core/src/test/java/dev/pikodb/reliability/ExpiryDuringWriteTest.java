package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.DatabaseRecord;
import dev.pikodb.ForwardingFileIO;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import dev.pikodb.TestHooks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write decides, against the clock it reads, whether the key's record is live (its version counts
 * from it); a read whose clock has passed that record's expiration must not answer "absent" while
 * such a write is still on its way to being visible. Otherwise the write's version says it came
 * before the expiration, and the read, which came after the expiration, misses it: no order of the
 * operations explains both answers.
 *
 * <p>Each case holds a write of {@code k} over a record expiring at {@link #EXPIRES_AT}, decided at
 * {@link #T0}, in its journal append (default and durable mode) or in its force (durable mode),
 * moves the clock past the expiration, starts the reads, lets the write go on once they wait (or
 * have answered), and checks the answers against the only order the write's version allows.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExpiryDuringWriteTest {

    private static final long T0 = 1_732_400_000_000L;
    private static final long EXPIRES_AT = T0 + 1;
    private static final long LATER = T0 + 2;

    @TempDir
    Path dir;

    @Test
    void aReadAfterTheExpirationSeesAWriteDecidedBeforeItInDefaultMode() throws InterruptedException {
        checkReadsAfterTheExpiration(false, Step.APPEND);
    }

    @Test
    void aReadAfterTheExpirationSeesAWriteDecidedBeforeItInDurableMode() throws InterruptedException {
        checkReadsAfterTheExpiration(true, Step.APPEND);
    }

    @Test
    void aReadAfterTheExpirationSeesADurableWriteWaitingForItsForce() throws InterruptedException {
        checkReadsAfterTheExpiration(true, Step.FORCE);
    }

    private void checkReadsAfterTheExpiration(boolean durable, Step held) throws InterruptedException {
        MutableClock clock = new MutableClock(T0);
        HeldJournalStep io = new HeldJournalStep(held);
        try (PikoDB db = new PikoDB(TestHooks.withFileIO(DatabaseOptions.builder().databaseDirectory(dir)
                .durableWrites(durable).clock(clock), io).build())) {
            db.start();
            assertThat(db.write("t", "k", "first", EXPIRES_AT)).isEqualTo(1);

            AtomicLong version = new AtomicLong();
            Thread writer = new Thread(() -> version.set(db.write("t", "k", "second")), "writer");
            io.hold(writer);
            writer.start();
            io.entered.await();
            clock.set(LATER);

            AtomicReference<Object> value = new AtomicReference<>();
            AtomicReference<Optional<DatabaseRecord>> record = new AtomicReference<>();
            AtomicReference<Integer> size = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                value.set(db.get("t", "k"));
                record.set(db.getRecord("t", "k"));
                size.set(db.getTableSize("t"));
            }, "reader");
            reader.start();
            awaitWaitingOrDone(reader);
            io.release.countDown();
            writer.join();
            reader.join();

            assertThat(version.get()).as("version of the write decided at T0, when the first record was live")
                    .isEqualTo(2);
            assertThat(value.get()).as("get(k) after the expiration, concurrent with that write").isEqualTo("second");
            assertThat(record.get()).as("getRecord(k) after the expiration").hasValueSatisfying(r -> {
                assertThat(r.version()).isEqualTo(2);
                assertThat(r.expiration()).isNull();
            });
            assertThat(size.get()).as("getTableSize after the expiration").isEqualTo(1);
        }
    }

    /** Returns once the thread has finished or is parked (waiting for a lock or a force). */
    private static void awaitWaitingOrDone(Thread thread) {
        while (thread.getState() != Thread.State.TERMINATED
                && !(thread.getState() == Thread.State.WAITING && LockSupport.getBlocker(thread) != null)) {
            Thread.onSpinWait();
        }
    }

    private enum Step {
        APPEND, FORCE
    }

    /** Holds one thread in its next journal append or force until released. */
    private static final class HeldJournalStep extends ForwardingFileIO {
        private final Step step;
        private volatile Thread held;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        HeldJournalStep(Step step) {
            this.step = step;
        }

        void hold(Thread thread) {
            held = thread;
        }

        private void holdHere(Step reached) throws IOException {
            if (reached != step || Thread.currentThread() != held) {
                return;
            }
            held = null;
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while held in the journal's " + reached, e);
            }
        }

        @Override
        protected Handle wrap(Path path, Handle handle) {
            if (!path.getFileName().toString().endsWith(".journal")) {
                return handle;
            }
            return new ForwardingHandle(handle) {
                @Override
                public void append(ByteBuffer source) throws IOException {
                    holdHere(Step.APPEND);
                    super.append(source);
                }

                @Override
                public void force() throws IOException {
                    holdHere(Step.FORCE);
                    super.force();
                }
            };
        }
    }
}
