package dev.pikodb.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon thread ({@code pikodb-change-stream}) that runs a {@link ChangeStream}'s rounds: the next
 * round at once after one that left more to read, else after the poll interval; a failed round is
 * logged (at most once a minute) and tried again after the poll interval. Stopping wakes it, lets it
 * read what the streams still hold (for at most the drain timeout), and waits for it to end.
 */
final class ReaderThread {

    private static final long ERROR_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final Logger log = LoggerFactory.getLogger(ChangeStream.class);

    private final IntSupplier rounds;
    private final BooleanSupplier behind;
    private final Duration pollInterval;
    private final Duration drainTimeout;
    private final String where;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private volatile boolean stopping;
    private Thread thread;
    private long lastErrorLog;
    private boolean erredBefore;

    /**
     * @param rounds runs one round, returns the entries it read
     * @param behind whether the last round left more to read at once
     * @param pollInterval the wait after a round that did not
     * @param drainTimeout how long stopping reads on
     * @param where the database, for the log
     */
    ReaderThread(IntSupplier rounds, BooleanSupplier behind, Duration pollInterval, Duration drainTimeout,
            String where) {
        this.rounds = rounds;
        this.behind = behind;
        this.pollInterval = pollInterval;
        this.drainTimeout = drainTimeout;
        this.where = where;
    }

    void start() {
        thread = new Thread(this::run, "pikodb-change-stream");
        thread.setDaemon(true);
        thread.start();
    }

    /** Reads what the streams hold now (at most the drain timeout), then stops the thread. */
    void stop() {
        Thread running = thread;
        if (running == null) {
            return;
        }
        lock.lock();
        try {
            stopping = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            running.join(drainTimeout.toMillis() * 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (running.isAlive()) {
            log.warn("The change stream reader of {} did not stop within {}; changes still in the streams are not"
                    + " delivered to this instance", where, drainTimeout.multipliedBy(2));
            running.interrupt();
        }
        thread = null;
    }

    private void run() {
        try {
            follow();
        } catch (Error e) {
            log.error("The change stream reader of {} stopped: {}; this instance's listeners receive no more changes",
                    where, e.toString(), e);
            throw e;
        }
    }

    private void follow() {
        while (!stopping) {
            int read;
            try {
                read = rounds.getAsInt();
            } catch (RuntimeException e) {
                logError(e);
                read = 0;
            }
            if (read == 0 || !behind.getAsBoolean()) {
                pause();
            }
        }
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        try {
            while (rounds.getAsInt() > 0 && System.nanoTime() < deadline) {
                // reads on until the streams hold nothing more for this instance
            }
        } catch (RuntimeException e) {
            log.warn("The change stream reader of {} could not read the last changes before closing: {}", where,
                    e.toString());
        }
    }

    private void pause() {
        lock.lock();
        try {
            if (!stopping) {
                wake.await(pollInterval.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            stopping = true;
        } finally {
            lock.unlock();
        }
    }

    private void logError(RuntimeException e) {
        long now = System.nanoTime();
        if (!erredBefore || now - lastErrorLog >= ERROR_LOG_INTERVAL_NANOS) {
            erredBefore = true;
            lastErrorLog = now;
            log.warn("Reading the change streams of {} failed ({}); reading goes on from the same positions when the"
                    + " server answers again. Logged at most once a minute.", where, e.toString());
        }
    }
}
