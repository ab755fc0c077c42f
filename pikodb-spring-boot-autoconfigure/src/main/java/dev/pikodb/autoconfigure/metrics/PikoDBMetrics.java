package dev.pikodb.autoconfigure.metrics;

import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBStatistics;
import dev.pikodb.TableSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micrometer meters for one {@link PikoDB}. Every value is read from {@link PikoDB#statistics()} and
 * {@link PikoDB#tableSummaries()} when a registry asks for it; nothing is recorded on the write path.
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>Name</th><th>Type</th><th>Base unit</th><th>Extra tags</th></tr>
 * <tr><td>{@code pikodb.tables}</td><td>gauge</td><td>tables</td><td></td></tr>
 * <tr><td>{@code pikodb.records}</td><td>gauge</td><td>records</td><td></td></tr>
 * <tr><td>{@code pikodb.disk.usage}</td><td>gauge</td><td>bytes</td><td></td></tr>
 * <tr><td>{@code pikodb.reads}</td><td>function counter</td><td>operations</td><td></td></tr>
 * <tr><td>{@code pikodb.writes}</td><td>function timer</td><td>time</td><td>{@code result}
 * ({@code success}, {@code failure})</td></tr>
 * <tr><td>{@code pikodb.deletes}</td><td>function counter</td><td>operations</td><td></td></tr>
 * <tr><td>{@code pikodb.expirations}</td><td>function counter</td><td>records</td><td></td></tr>
 * <tr><td>{@code pikodb.journal.written}</td><td>function counter</td><td>bytes</td><td></td></tr>
 * <tr><td>{@code pikodb.compactions}</td><td>function timer</td><td>time</td><td></td></tr>
 * <tr><td>{@code pikodb.events.dropped}</td><td>function counter</td><td>events</td><td></td></tr>
 * <tr><td>{@code pikodb.table.records}</td><td>gauge</td><td>records</td><td>{@code table}</td></tr>
 * <tr><td>{@code pikodb.table.disk.usage}</td><td>gauge</td><td>bytes</td><td>{@code table}</td></tr>
 * </table>
 *
 * <p>The store-wide meters are always exact and need no refresh. The per-table gauges exist for at most
 * {@code maxTableMeters} tables (none when it is 0): they are created for new tables and removed for
 * deleted ones when bound and on every {@link #refreshTableMeters()}; a table keeps its gauges from one
 * refresh to the next (they are never removed and registered again), and their values are always read
 * live.
 */
public class PikoDBMetrics implements MeterBinder {

    private static final Logger logger = LoggerFactory.getLogger(PikoDBMetrics.class);

    static final String TABLE_TAG = "table";

    private final PikoDB pikoDB;

    private final Tags tags;

    private final int maxTableMeters;

    private final List<TableMeters> tableMeters = new CopyOnWriteArrayList<>();

    /**
     * Creates meters for a store with no extra tags and per-table gauges for up to 100 tables.
     *
     * @param pikoDB the store
     */
    public PikoDBMetrics(PikoDB pikoDB) {
        this(pikoDB, Tags.empty(), 100);
    }

    /**
     * Creates meters for a store.
     *
     * @param pikoDB the store
     * @param tags tags added to every meter, for example the store's bean name
     * @param maxTableMeters the most tables that get per-table gauges; 0 for none
     */
    public PikoDBMetrics(PikoDB pikoDB, Iterable<Tag> tags, int maxTableMeters) {
        this.pikoDB = Objects.requireNonNull(pikoDB, "pikoDB must not be null");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags must not be null"));
        if (maxTableMeters < 0) {
            throw new IllegalArgumentException("maxTableMeters must not be negative, got " + maxTableMeters);
        }
        this.maxTableMeters = maxTableMeters;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "pikodb.tables", "The number of tables in the store", "tables", List::size);
        gauge(registry, "pikodb.records",
                "The number of records held in every table of the store, including expired records not yet removed",
                "records", (summaries) -> summaries.stream().mapToLong(TableSummary::records).sum());
        gauge(registry, "pikodb.disk.usage", "The bytes the store's tables take on disk, table files and journals",
                BaseUnits.BYTES, (summaries) -> summaries.stream().mapToLong(TableSummary::bytesOnDisk).sum());
        counter(registry, "pikodb.reads", "The number of reads served (point, whole-table and record reads)",
                "operations", PikoDBStatistics::reads);
        FunctionTimer
            .builder("pikodb.writes", this.pikoDB, (db) -> db.statistics().writes(),
                    (db) -> db.statistics().writeTimeNanos(), TimeUnit.NANOSECONDS)
            .tags(this.tags)
            .tag("result", "success")
            .description("Writes: successful ones with the time spent persisting them; failed writes and deletes"
                    + " (result=failure) are counted, their time is not measured")
            .register(registry);
        FunctionTimer
            .builder("pikodb.writes", this.pikoDB, (db) -> db.statistics().failedWrites(), (db) -> 0,
                    TimeUnit.NANOSECONDS)
            .tags(this.tags)
            .tag("result", "failure")
            .description("Writes: successful ones with the time spent persisting them; failed writes and deletes"
                    + " (result=failure) are counted, their time is not measured")
            .register(registry);
        counter(registry, "pikodb.deletes", "The number of deletes that removed a live key", "operations",
                PikoDBStatistics::deletes);
        counter(registry, "pikodb.expirations", "The number of expired records removed, on read or by cleanup",
                "records", PikoDBStatistics::expiredRemoved);
        counter(registry, "pikodb.journal.written", "The number of bytes appended to table journals",
                BaseUnits.BYTES, PikoDBStatistics::journalBytesWritten);
        FunctionTimer
            .builder("pikodb.compactions", this.pikoDB, (db) -> db.statistics().compactions(),
                    (db) -> db.statistics().compactionTimeNanos(), TimeUnit.NANOSECONDS)
            .tags(this.tags)
            .description("Time spent rewriting table files from memory (compactions)")
            .register(registry);
        counter(registry, "pikodb.events.dropped",
                "The number of changes not delivered to change listeners because they did not keep up and the"
                        + " queue was full; listeners received a MISSED event in their place",
                "events", PikoDBStatistics::droppedChangeEvents);
        if (this.maxTableMeters > 0) {
            TableMeters meters = new TableMeters(registry);
            this.tableMeters.add(meters);
            meters.refresh();
        }
    }

    /**
     * Brings the per-table gauges in line with the tables that exist now: new tables get gauges (up to
     * the limit), deleted tables lose them, every other gauge stays registered as it is. Safe to call
     * from any thread.
     */
    public void refreshTableMeters() {
        for (TableMeters meters : this.tableMeters) {
            meters.refresh();
        }
    }

    private void gauge(MeterRegistry registry, String name, String description, String baseUnit,
            ToDoubleFunction<List<TableSummary>> figure) {
        Gauge.builder(name, this.pikoDB, (db) -> {
            List<TableSummary> summaries = summaries(db);
            return (summaries != null) ? figure.applyAsDouble(summaries) : Double.NaN;
        }).tags(this.tags).description(description).baseUnit(baseUnit).register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, String baseUnit,
            ToLongFunction<PikoDBStatistics> statistic) {
        FunctionCounter.builder(name, this.pikoDB, (db) -> statistic.applyAsLong(db.statistics()))
            .tags(this.tags)
            .description(description)
            .baseUnit(baseUnit)
            .register(registry);
    }

    private static @Nullable List<TableSummary> summaries(PikoDB db) {
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
    private final class TableMeters {

        private final MeterRegistry registry;

        private final Map<String, List<Meter>> byTable = new LinkedHashMap<>();

        private boolean limitReported;

        TableMeters(MeterRegistry registry) {
            this.registry = registry;
        }

        synchronized void refresh() {
            List<TableSummary> summaries = summaries(PikoDBMetrics.this.pikoDB);
            if (summaries == null) {
                return;
            }
            Set<String> tables = new HashSet<>(summaries.size() * 2);
            for (TableSummary summary : summaries) {
                tables.add(summary.name());
            }
            this.byTable.entrySet().removeIf((entry) -> {
                if (tables.contains(entry.getKey())) {
                    return false;
                }
                entry.getValue().forEach(this.registry::remove);
                return true;
            });
            int unmetered = 0;
            for (TableSummary summary : summaries) {
                if (this.byTable.containsKey(summary.name())) {
                    continue;
                }
                if (this.byTable.size() >= PikoDBMetrics.this.maxTableMeters) {
                    unmetered++;
                    continue;
                }
                this.byTable.put(summary.name(), register(summary.name()));
            }
            if (unmetered > 0 && !this.limitReported) {
                this.limitReported = true;
                logger.warn("PikoDB ({}) has {} tables; per-table meters are limited to {} tables"
                        + " (pikodb.metrics.table-meters.max-tables), so {} tables have none."
                        + " The pikodb.records and pikodb.disk.usage totals count every table.",
                        PikoDBMetrics.this.pikoDB.storageDescription(), summaries.size(),
                        PikoDBMetrics.this.maxTableMeters, unmetered);
            }
        }

        private List<Meter> register(String table) {
            PikoDB db = PikoDBMetrics.this.pikoDB;
            Tags tableTags = PikoDBMetrics.this.tags.and(TABLE_TAG, table);
            Gauge records = Gauge.builder("pikodb.table.records", db, (d) -> tableFigure(d, table, TableSummary::records))
                .tags(tableTags)
                .description("The number of records held in a table, including expired records not yet removed")
                .baseUnit("records")
                .register(this.registry);
            Gauge diskUsage = Gauge
                .builder("pikodb.table.disk.usage", db, (d) -> tableFigure(d, table, TableSummary::bytesOnDisk))
                .tags(tableTags)
                .description("The bytes a table takes on disk, table file and journal together")
                .baseUnit(BaseUnits.BYTES)
                .register(this.registry);
            return List.of(records, diskUsage);
        }
    }
}
