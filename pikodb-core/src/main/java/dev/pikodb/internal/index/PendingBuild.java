package dev.pikodb.internal.index;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One build of a table's pending indexes ({@link TableIndexes#buildPending}): claimed by exactly one
 * thread, which runs it; every other thread that needs the indexes waits until it has finished,
 * built or failed.
 */
final class PendingBuild {

    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    /** Why the build failed; null while it has not, or when it succeeded. */
    volatile Throwable failure;

    /** Makes the calling thread the one that runs the build: true once, false for every later call. */
    boolean claim() {
        return claimed.compareAndSet(false, true);
    }

    /** Called by the thread that ran the build, when it has ended (built or failed). */
    void finish() {
        finished.countDown();
    }

    boolean isDone() {
        return finished.getCount() == 0;
    }

    /**
     * Waits until the build has ended. A build always ends (its thread installs or fails), so an
     * interrupt does not cut the wait short; the thread's interrupt flag is kept.
     */
    void await() {
        boolean interrupted = false;
        while (true) {
            try {
                finished.await();
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
