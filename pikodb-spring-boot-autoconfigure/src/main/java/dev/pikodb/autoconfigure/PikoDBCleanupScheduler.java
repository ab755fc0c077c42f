package dev.pikodb.autoconfigure;

import dev.pikodb.PikoDB;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Removes the expired records of every table of a {@link PikoDB} at a fixed delay, on a single daemon
 * thread named {@code pikodb-cleanup} that this object owns.
 *
 * <p>It starts with the application context and stops when the context stops, before the store is
 * closed; a run in progress is allowed to finish. A failing run is logged at WARN and the schedule
 * goes on.
 */
public class PikoDBCleanupScheduler implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(PikoDBCleanupScheduler.class);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final PikoDB pikoDB;

    private final Duration interval;

    private final Object monitor = new Object();

    private ScheduledExecutorService executor;

    /**
     * Creates a scheduler; nothing runs until {@link #start()}.
     *
     * @param pikoDB the store to clean up
     * @param interval the delay between the end of one run and the start of the next; positive
     */
    public PikoDBCleanupScheduler(PikoDB pikoDB, Duration interval) {
        this.pikoDB = Objects.requireNonNull(pikoDB, "pikoDB must not be null");
        Objects.requireNonNull(interval, "interval must not be null");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("Cleanup interval must be positive, got " + interval);
        }
        this.interval = interval;
    }

    /**
     * The delay between two runs.
     *
     * @return the interval
     */
    public Duration getInterval() {
        return this.interval;
    }

    @Override
    public void start() {
        synchronized (this.monitor) {
            if (this.executor != null) {
                return;
            }
            this.executor = Executors.newSingleThreadScheduledExecutor(daemonThreadFactory());
            long nanos = this.interval.toNanos();
            this.executor.scheduleWithFixedDelay(this::runCleanup, nanos, nanos, TimeUnit.NANOSECONDS);
            logger.debug("Scheduled cleanup of expired PikoDB records every {}", this.interval);
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService stopping;
        synchronized (this.monitor) {
            stopping = this.executor;
            this.executor = null;
        }
        if (stopping == null) {
            return;
        }
        stopping.shutdown();
        try {
            if (!stopping.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                logger.warn("PikoDB cleanup did not finish within {}; interrupting it", STOP_TIMEOUT);
                stopping.shutdownNow();
            }
        }
        catch (InterruptedException ex) {
            stopping.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (this.monitor) {
            return this.executor != null;
        }
    }

    void runCleanup() {
        if (!this.pikoDB.isOpen()) {
            logger.debug("Skipping cleanup of expired records: {} is not open", this.pikoDB);
            return;
        }
        try {
            int removed = this.pikoDB.cleanupAllExpired();
            if (removed > 0) {
                logger.debug("Removed {} expired PikoDB records", removed);
            }
        }
        catch (RuntimeException ex) {
            logger.warn("Scheduled cleanup of expired records in {} failed; it runs again in {}", this.pikoDB,
                    this.interval, ex);
        }
    }

    private static ThreadFactory daemonThreadFactory() {
        return (runnable) -> {
            Thread thread = new Thread(runnable, "pikodb-cleanup");
            thread.setDaemon(true);
            return thread;
        };
    }
}
