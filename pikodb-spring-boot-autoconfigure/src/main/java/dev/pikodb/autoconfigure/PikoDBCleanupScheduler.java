package dev.pikodb.autoconfigure;

import dev.pikodb.PikoDB;
import dev.pikodb.spi.StorageEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

/**
 * Removes the expired records of every table of every {@link PikoDB} store at a fixed delay, on a
 * {@link TaskScheduler} (see {@link PikoDBScheduler}). A store shared by several instances (on Redis)
 * is cleaned up by one of them per interval: each run first claims it
 * ({@link StorageEngine#claimScheduledCleanup}, a lease in the database), and skips it when another
 * instance holds the claim.
 *
 * <p>It starts with the application context and stops when the context stops, before the stores are
 * closed. Stopping cancels the schedule; a run in progress is allowed to finish, and the context waits
 * for it at most {@code spring.lifecycle.timeout-per-shutdown-phase} (30 seconds by default). A failing
 * run is logged at WARN and the schedule goes on.
 */
public class PikoDBCleanupScheduler implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(PikoDBCleanupScheduler.class);

    private final Map<String, PikoDB> stores;

    private final TaskScheduler scheduler;

    private final Duration interval;

    private final Object monitor = new Object();

    private @Nullable ScheduledFuture<?> schedule;

    private boolean runInProgress;

    private boolean stopped;

    private @Nullable Runnable stopCallback;

    /**
     * Creates a scheduler; nothing runs until {@link #start()}.
     *
     * @param stores the stores to clean up, by bean name
     * @param scheduler where the runs are scheduled
     * @param interval the delay between the end of one run and the start of the next; positive
     */
    public PikoDBCleanupScheduler(Map<String, PikoDB> stores, TaskScheduler scheduler, Duration interval) {
        this.stores = new LinkedHashMap<>(Objects.requireNonNull(stores, "stores must not be null"));
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
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

    /**
     * The names of the stores cleaned up.
     *
     * @return the bean names, in registration order
     */
    public Set<String> getStoreNames() {
        return Collections.unmodifiableSet(this.stores.keySet());
    }

    @Override
    public void start() {
        synchronized (this.monitor) {
            if (this.schedule != null) {
                return;
            }
            this.stopped = false;
            this.schedule = this.scheduler.scheduleWithFixedDelay(this::runCleanup, Instant.now().plus(this.interval),
                    this.interval);
            logger.debug("Scheduled cleanup of expired PikoDB records in {} every {}", this.stores.keySet(),
                    this.interval);
        }
    }

    @Override
    public void stop() {
        stop(() -> {
        });
    }

    /**
     * Cancels the schedule and calls back at once, or when the run in progress ends; the application
     * context waits for the callback at most {@code spring.lifecycle.timeout-per-shutdown-phase}.
     *
     * @param callback told when no run is in progress any more
     */
    @Override
    public void stop(Runnable callback) {
        boolean callNow;
        synchronized (this.monitor) {
            this.stopped = true;
            if (this.schedule != null) {
                this.schedule.cancel(false);
                this.schedule = null;
            }
            callNow = !this.runInProgress;
            if (!callNow) {
                logger.info("Waiting for the PikoDB cleanup run in progress to finish");
                this.stopCallback = callback;
            }
        }
        if (callNow) {
            callback.run();
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (this.monitor) {
            return this.schedule != null;
        }
    }

    void runCleanup() {
        synchronized (this.monitor) {
            if (this.stopped) {
                return;
            }
            this.runInProgress = true;
        }
        try {
            this.stores.forEach(this::cleanup);
        }
        finally {
            Runnable callback;
            synchronized (this.monitor) {
                this.runInProgress = false;
                callback = this.stopCallback;
                this.stopCallback = null;
            }
            if (callback != null) {
                callback.run();
            }
        }
    }

    private void cleanup(String name, PikoDB pikoDB) {
        if (!pikoDB.isOpen()) {
            logger.debug("Skipping cleanup of expired records in PikoDB '{}': it is not open", name);
            return;
        }
        try {
            StorageEngine engine = pikoDB.options().storage();
            if (engine != null && !engine.claimScheduledCleanup(this.interval)) {
                logger.debug("Skipping cleanup of expired records in PikoDB '{}': another instance sharing it"
                        + " runs it this interval", name);
                return;
            }
            int removed = pikoDB.cleanupAllExpired();
            if (removed > 0) {
                logger.debug("Removed {} expired records from PikoDB '{}'", removed, name);
            }
        }
        catch (RuntimeException ex) {
            logger.warn("Scheduled cleanup of expired records in PikoDB '{}' ({}) failed; it runs again in {}", name,
                    pikoDB.storageDescription(), this.interval, ex);
        }
    }
}
