package dev.pikodb;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits, boundedly, for what the store does on its own threads (a background compaction, say):
 * polls a condition until it holds or 30 seconds have passed. The caller asserts the condition after
 * the wait, so a condition that never holds fails the test instead of hanging it.
 */
public final class Eventually {

    private static final long TIMEOUT_SECONDS = 30;

    private Eventually() {
    }

    /**
     * Returns once {@code condition} holds, or once the time is up.
     *
     * @param condition what to wait for
     */
    public static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
