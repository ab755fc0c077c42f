package dev.pikodb.autoconfigure.metrics;

import dev.pikodb.PikoDB;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

/**
 * Binds {@link PikoDBMetrics} for every {@link PikoDB} bean, each tagged {@code store=<bean name>}, and
 * refreshes their per-table gauges on a {@link TaskScheduler} while the application context runs.
 */
public class PikoDBMeterBinder implements MeterBinder, SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(PikoDBMeterBinder.class);

    /** The tag that names the store (its bean name) on every meter. */
    public static final String STORE_TAG = "store";

    private final List<PikoDBMetrics> metrics = new ArrayList<>();

    private final boolean tableMeters;

    private final TaskScheduler scheduler;

    private final Duration refreshInterval;

    private final Object monitor = new Object();

    private @Nullable ScheduledFuture<?> refresh;

    /**
     * Creates the meters of every store.
     *
     * @param stores the stores, by bean name
     * @param maxTableMeters the most tables per store with per-table gauges; 0 for none
     * @param scheduler where the refresh of the per-table gauges runs
     * @param refreshInterval how often the per-table gauges follow tables created or deleted; positive
     */
    public PikoDBMeterBinder(Map<String, PikoDB> stores, int maxTableMeters, TaskScheduler scheduler,
            Duration refreshInterval) {
        stores.forEach((name, pikoDB) -> this.metrics.add(new PikoDBMetrics(pikoDB, Tags.of(STORE_TAG, name),
                maxTableMeters)));
        this.tableMeters = maxTableMeters > 0;
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
        Objects.requireNonNull(refreshInterval, "refreshInterval must not be null");
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException("refreshInterval must be positive, got " + refreshInterval);
        }
        this.refreshInterval = refreshInterval;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (PikoDBMetrics storeMetrics : this.metrics) {
            storeMetrics.bindTo(registry);
        }
    }

    /** Brings the per-table gauges of every store in line with the tables that exist now. */
    public void refreshTableMeters() {
        for (PikoDBMetrics storeMetrics : this.metrics) {
            storeMetrics.refreshTableMeters();
        }
    }

    @Override
    public void start() {
        synchronized (this.monitor) {
            if (this.refresh != null || !this.tableMeters) {
                return;
            }
            this.refresh = this.scheduler.scheduleWithFixedDelay(this::refreshQuietly,
                    Instant.now().plus(this.refreshInterval), this.refreshInterval);
        }
    }

    @Override
    public void stop() {
        synchronized (this.monitor) {
            if (this.refresh != null) {
                this.refresh.cancel(false);
                this.refresh = null;
            }
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (this.monitor) {
            return this.refresh != null;
        }
    }

    private void refreshQuietly() {
        try {
            refreshTableMeters();
        }
        catch (RuntimeException ex) {
            logger.warn("Refreshing the per-table PikoDB meters failed; retrying in {}", this.refreshInterval, ex);
        }
    }
}
