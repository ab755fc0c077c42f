package dev.pikodb.redis;

import dev.pikodb.PikoDBException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Runs one command, and runs it again while it did not run: while the client rejects it because its
 * connection is down and reconnecting (never sent), or while the server refuses it with
 * {@code TRYAGAIN} because its slot is migrating and its keys are half moved (refused before running).
 * Sending such a command again cannot apply anything twice. Gives up after the command timeout, so
 * that a caller waits about as long as for a command that was sent.
 */
final class Reconnecting {

    private Reconnecting() {
    }

    static <T> T command(Duration budget, Supplier<T> command) {
        long deadline = System.nanoTime() + budget.toNanos();
        long pauseMillis = 1;
        while (true) {
            try {
                return command.get();
            } catch (RuntimeException e) {
                if (!(Failures.neverSent(e) || Failures.tryAgain(e)) || System.nanoTime() + pauseMillis * 1_000_000 > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PikoDBException("Interrupted while waiting for the connection to Redis to come back", e);
            }
            pauseMillis = Math.min(pauseMillis * 2, 100);
        }
    }
}
