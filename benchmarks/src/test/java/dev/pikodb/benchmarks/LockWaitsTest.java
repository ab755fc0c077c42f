package dev.pikodb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

class LockWaitsTest {

    @Test
    void recordsAWaitForALockHeldByAnotherThreadAndOnlyForTheWaitingThread() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        Instant from = Instant.now();
        long waiter;
        try (LockWaits waits = new LockWaits(Duration.ofMillis(10))) {
            lock.lock();
            Thread thread = new Thread(() -> {
                lock.lock();
                lock.unlock();
            });
            try {
                thread.start();
                while (!lock.hasQueuedThread(thread)) {
                    Thread.onSpinWait();
                }
                // Held 50 ms after the other thread queued: it waits at least that long.
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            } finally {
                lock.unlock();
            }
            thread.join();
            waiter = thread.getId();
            waits.stop();
            Instant to = Instant.now();
            assertThat(waits.of(waiter, from, to)).hasSize(1).allSatisfy(wait ->
                    assertThat(wait.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(40)));
            assertThat(waits.of(Thread.currentThread().getId(), from, to)).isEmpty();
            assertThat(waits.of(waiter, to, to.plusSeconds(1))).isEmpty();
        }
    }
}
