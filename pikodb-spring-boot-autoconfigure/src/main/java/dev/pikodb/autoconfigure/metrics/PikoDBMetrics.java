package dev.pikodb.autoconfigure.metrics;

import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBStatistics;
import dev.pikodb.TableSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micrometer meters for a {@link PikoDB}. Every value is read from {@link PikoDB#statistics()} and
 * {@link PikoDB#tableSummaries()} when a registry asks for it; nothing is recorded on the write path.
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>Name</th><th>Type</th><th>Base unit</th><th>Tags</th></tr>
 * <tr><td>{@code pikodb.tables}</td><td>gauge</td><td>tables</td><td></td></tr>
 * <tr><td>{@code pikodb.records}</td><td>gauge</td><td>records</td><td>{@code table}</td></tr>
 * <tr><td>{@code pikodb.disk.usage}</td><td>gauge</td><td>bytes</td><td>{@code table}</td></tr>
 * <tr><td>{@code pikodb.reads}</td><td>function counter</td><td>operations</td><td></td></tr>
 * <tr><td>{@code pikodb.writes}</td><td>function counter</td><td>operations</td><td></td></tr>
 * <tr><td>{@code pikodb.deletes}</td><td>function counter</td><td>operations</td><td></td></tr>
 * <tr><td>{@code pikodb.write.failures}</td><td>function counter</td><td>operations</td><td></td></tr>
 * <tr><td>{@code pikodb.expired.removed}</td><td>function counter</td><td>records</td><td></td></tr>
 * <tr><td>{@code pikodb.journal.written}</td><td>function counter</td><td>bytes</td><td></td></tr>
 * <tr><td>{@code pikodb.write}</td><td>function timer</td><td>time</td><td></td></tr>
 * <tr><td>{@code pikodb.compactions}</td><td>function timer</td><td>time</td><td></td></tr>
 * </table>
 *
 * <p>The per-table gauges ({@code pikodb.records}, {@code pikodb.disk.usage}) follow the tables that
 * exist: they are brought up to date when bound, every {@code tableRefreshInterval} on a daemon
 * thread named {@code pikodb-metrics}, and on {@link #refreshTableMeters()}. Their values are always
 * read live. {@link #close()} stops the refresh.
 */
public class PikoDBMetrics implements MeterBinder, AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(PikoDBMetrics.class);

    private static final String TABLE_TAG = "table";

    private final PikoDB pikoDB;

    private final Iterable<Tag> tags;

    private final Duration tableRefreshInterval;

    private final List<TableGauges> tableGauges = new CopyOnWriteArrayList<>();

    private final Object monitor = new Object();

    private ScheduledExecutorService refresher;

    private boolean closed;

    /**
     * Creates meters for a store with no extra tags, refreshing the per-table gauges every 30 seconds.
     *
     * @param pikoDB the store
     */
    public PikoDBMetrics(PikoDB pikoDB) {
        this(pikoDB, Collections.emptyList(), Duration.ofSeconds(30));
    }

    /**
     * Creates meters for a store.
     *
     * @param pikoDB the store
     * @param tags tags added to every meter
     * @param tableRefreshInterval how often the per-table gauges follow tables created or deleted;
     *     positive
     */
    public PikoDBMetrics(PikoDB pikoDB, Iterable<Tag> tags, Duration tableRefreshInterval) {
        this.pikoDB = Objects.requireNonNull(pikoDB, "pikoDB must not be null");
        this.tags = Objects.requireNonNull(tags, "tags must not be null");
        Objects.requireNonNull(tableRefreshInterval, "tableRefreshInterval must not be null");
        if (tableRefreshInterval.isNegative() || tableRefreshInterval.isZero()) {
            throw new IllegalArgumentException("tableRefreshInterval must be positive, got " + tableRefreshInterval);
        }
        this.tableRefreshInterval = tableRefreshInterval;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("pikodb.tables", this.pikoDB, PikoDBMetrics::tableCount)
            .tags(this.tags)
            .description("The number of tables in the database")
            .baseUnit("tables")
            .register(registry);
        counter(registry, "pikodb.reads", "The number of reads served (point, whole-table and record reads)",
                "operations", PikoDBStatistics::reads);
        counter(registry, "pikodb.writes", "The number of successful writes", "operations",
                PikoDBStatistics::writes);
        counter(registry, "pikodb.deletes", "The number of deletes that removed a live key", "operations",
                PikoDBStatistics::deletes);
        counter(registry, "pikodb.write.failures",
                "The number of writes and deletes that failed because they could not be persisted", "operations",
                PikoDBStatistics::failedWrites);
        counter(registry, "pikodb.expired.removed",
                "The number of expired records removed, on read or by cleanup", "records",
                PikoDBStatistics::expiredRemoved);
        counter(registry, "pikodb.journal.written", "The number of bytes appended to table journals",
                BaseUnits.BYTES, PikoDBStatistics::journalBytesWritten);
        FunctionTimer
            .builder("pikodb.write", this.pikoDB, (db) -> db.statistics().writes(),
                    (db) -> db.statistics().writeTimeNanos(), TimeUnit.NANOSECONDS)
            .tags(this.tags)
            .description("Time spent in successful writes, including persisting them")
            .register(registry);
        FunctionTimer
            .builder("pikodb.compactions", this.pikoDB, (db) -> db.statistics().compactions(),
                    (db) -> db.statistics().compactionTimeNanos(), TimeUnit.NANOSECONDS)
            .tags(this.tags)
            .description("Time spent rewriting table files from memory (compactions)")
            .register(registry);
        MultiGauge records = MultiGauge.builder("pikodb.records")
            .tags(this.tags)
            .description("The number of records held in a table, including expired records not yet removed")
            .baseUnit("records")
            .register(registry);
        MultiGauge diskUsage = MultiGauge.builder("pikodb.disk.usage")
            .tags(this.tags)
            .description("The bytes a table takes on disk, table file and journal together")
            .baseUnit(BaseUnits.BYTES)
            .register(registry);
        TableGauges gauges = new TableGauges(records, diskUsage);
        this.tableGauges.add(gauges);
        gauges.refresh(this.pikoDB);
        startRefresher();
    }

    /**
     * Brings the per-table gauges in line with the tables that exist now: new tables get gauges,
     * deleted tables lose them. Called periodically; safe to call from any thread.
     */
    public void refreshTableMeters() {
        for (TableGauges gauges : this.tableGauges) {
            gauges.refresh(this.pikoDB);
        }
    }

    /** Stops the periodic refresh of the per-table gauges. The meters stay registered. */
    @Override
    public void close() {
        ScheduledExecutorService stopping;
        synchronized (this.monitor) {
            this.closed = true;
            stopping = this.refresher;
            this.refresher = null;
        }
        if (stopping != null) {
            stopping.shutdownNow();
        }
    }

    private void startRefresher() {
        synchronized (this.monitor) {
            if (this.refresher != null || this.closed) {
                return;
            }
            this.refresher = Executors.newSingleThreadScheduledExecutor((runnable) -> {
                Thread thread = new Thread(runnable, "pikodb-metrics");
                thread.setDaemon(true);
                return thread;
            });
            long nanos = this.tableRefreshInterval.toNanos();
            this.refresher.scheduleWithFixedDelay(this::refreshQuietly, nanos, nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void refreshQuietly() {
        try {
            refreshTableMeters();
        }
        catch (RuntimeException ex) {
            logger.warn("Refreshing the per-table PikoDB meters failed; retrying in {}", this.tableRefreshInterval,
                    ex);
        }
    }

    private void counter(MeterRegistry registry, String name, String description, String baseUnit,
            ToLongFunction<PikoDBStatistics> statistic) {
        FunctionCounter.builder(name, this.pikoDB, (db) -> statistic.applyAsLong(db.statistics()))
            .tags(this.tags)
            .description(description)
            .baseUnit(baseUnit)
            .register(registry);
    }

    private static double tableCount(PikoDB db) {
        List<TableSummary> summaries = summaries(db);
        return (summaries != null) ? summaries.size() : Double.NaN;
    }

    private static List<TableSummary> summaries(PikoDB db) {
        if (!db.isOpen()) {
            return null;
        }
        try {
            return db.tableSummaries();
        }
        catch (IllegalStateException ex) {
            // closed concurrently
            return null;
        }
    }

    private static double tableFigure(PikoDB db, String table, ToDoubleFunction<TableSummary> figure) {
        if (!db.isOpen()) {
            return Double.NaN;
        }
        try {
            Optional<TableSummary> summary = db.tableSummary(table);
            return summary.map(figure::applyAsDouble).orElse(Double.NaN);
        }
        catch (IllegalStateException ex) {
            return Double.NaN;
        }
    }

    /** The per-table gauges bound to one registry. */
    private static final class TableGauges {

        private final MultiGauge records;

        private final MultiGauge diskUsage;

        TableGauges(MultiGauge records, MultiGauge diskUsage) {
            this.records = records;
            this.diskUsage = diskUsage;
        }

        synchronized void refresh(PikoDB db) {
            List<TableSummary> summaries = summaries(db);
            if (summaries == null) {
                return;
            }
            List<MultiGauge.Row<?>> recordRows = new ArrayList<>(summaries.size());
            List<MultiGauge.Row<?>> diskRows = new ArrayList<>(summaries.size());
            for (TableSummary summary : summaries) {
                String table = summary.name();
                Tags tableTags = Tags.of(TABLE_TAG, table);
                recordRows.add(MultiGauge.Row.of(tableTags, db, (d) -> tableFigure(d, table, TableSummary::records)));
                diskRows.add(MultiGauge.Row.of(tableTags, db, (d) -> tableFigure(d, table, TableSummary::bytesOnDisk)));
            }
            this.records.register(recordRows, true);
            this.diskUsage.register(diskRows, true);
        }
    }
}
