package dev.pikodb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * What {@link LockWaits} records, decided by the order of events rather than by how long anything
 * takes: the waiting thread is released only once it is parked on the lock, and the thresholds are
 * zero (every wait counts) or an hour (no wait in a unit test reaches it).
 */
class LockWaitsTest {

    @Test
    void recordsAWaitForALockHeldByAnotherThreadAndOnlyForTheWaitingThread() throws Exception {
        try (LockWaits waits = new LockWaits(Duration.ZERO)) {
            Instant from = Instant.now();
            long waiter = waitForALock();
            Instant to = Instant.now();
            waits.stop();

            assertThat(waits.of(waiter, from, to)).as("waits of the thread that waited for the lock").isNotEmpty();
            assertThat(waits.of(Thread.currentThread().getId(), from, to))
                    .as("waits of the thread that held the lock and slept (a park without a lock is no lock wait)")
                    .isEmpty();
            assertThat(waits.of(waiter, to.plusSeconds(60), to.plusSeconds(120))).as("waits after the span").isEmpty();
        }
    }

    @Test
    void waitsShorterThanTheThresholdAreLeftOut() throws Exception {
        try (LockWaits waits = new LockWaits(Duration.ofHours(1))) {
            Instant from = Instant.now();
            long waiter = waitForALock();
            Instant to = Instant.now();
            waits.stop();

            assertThat(waits.of(waiter, from, to)).isEmpty();
        }
    }

    /**
     * Holds a lock until another thread is parked waiting for it, then releases it.
     *
     * @return the id of the thread that waited
     */
    private static long waitForALock() throws InterruptedException {
        ReentrantLock lock = new ReentrantLock();
        lock.lock();
        Thread thread = new Thread(() -> {
            lock.lock();
            lock.unlock();
        }, "lock-waiter");
        try {
            thread.start();
            while (!lock.hasQueuedThread(thread) || thread.getState() != Thread.State.WAITING) {
                // a park without a blocker object: a sleep, which LockWaits must not count as a lock wait
                LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
            }
        } finally {
            lock.unlock();
        }
        thread.join();
        return thread.getId();
    }
}
