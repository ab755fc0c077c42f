package dev.pikodb.benchmarks;

import dev.pikodb.benchmarks.repository.RepositoryWorkload;
import dev.pikodb.benchmarks.session.SessionWorkload;
import dev.pikodb.benchmarks.store.StoreKind;
import dev.pikodb.benchmarks.workload.CompareAndWriteWorkload;
import dev.pikodb.benchmarks.workload.GcWorkload;
import dev.pikodb.benchmarks.workload.LatencyWorkload;
import dev.pikodb.benchmarks.workload.LoadingWorkload;
import dev.pikodb.benchmarks.workload.ManyTablesWorkload;
import dev.pikodb.benchmarks.workload.ObservationWorkload;
import dev.pikodb.benchmarks.workload.QueryWorkload;
import dev.pikodb.PikoDB;
import java.sql.Connection;
import java.util.List;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workloads that open stores of their own rather than the shared, pre-filled ones: W8 (write
 * latency), W9 (many tables), W10 (loading against the parser), W12 (read and compare-and-write), W13
 * (queries), W14 (Spring Data repositories on Redis against Spring Data Redis's), W15 (writes observed with a registry that has no handlers), W16 and W17 (HTTP sessions
 * against Spring Session's stores, embedded and on Redis) and W18 (garbage collection under a writer).
 * Each keeps the harness's rule: the stores compared take turns in the same rounds.
 */
final class OperationalRuns {

    /** W13's label of PikoDB with the 3 indexes. */
    static final String W13_INDEXED = "PikoDB 3 indexes";
    /** W13's label of PikoDB without indexes. */
    static final String W13_PLAIN = "PikoDB no index";
    /** W13's label of PikoDB answering find(eq) by reading the whole table. */
    static final String W13_SCAN = "PikoDB whole-table scan";
    /** W13's heap row. */
    static final String HEAP_PER_ENTRY = "W13 heap per index entry (B/entry)";

    /**
     * The least number of repetitions of W13's range, overwrites, start and until-ready rows: the median of a
     * quick run's three moves as soon as two of them are slow, which a loaded machine often makes.
     */
    private static final int SETTLED_REPETITIONS = 5;

    /**
     * The least number of warm-up rounds of those rows: on a loaded machine the compiler threads had
     * not finished with the load path after one round (the first measured start took the thread CPU
     * of a warm-up one, 150 ms against 39-45 ms for the others).
     */
    private static final int SETTLED_WARMUPS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(OperationalRuns.class);

    private final BenchConfig config;
    private final Profiles profiles;
    private final Report report;
    private final Path root;

    OperationalRuns(BenchConfig config, Profiles profiles, Report report, Path root) {
        this.config = config;
        this.profiles = profiles;
        this.report = report;
        this.root = root;
    }

    /** Runs whichever of W8, W9, W10, W12, W13, W14, W15, W16, W17 and W18 {@code bench.only} selects. */
    void run() {
        if (config.includes("W8")) {
            LatencyWorkload latency = new LatencyWorkload(config, profiles, report);
            for (int tableSize : config.sizes().latencyTables()) {
                latency.run(root, tableSize);
            }
        }
        if (config.includes("W9")) {
            ManyTablesWorkload manyTables = new ManyTablesWorkload(config, profiles, report);
            for (int tables : config.sizes().tableCounts()) {
                manyTables.run(root, tables);
            }
        }
        if (config.includesAny("W10", LoadingWorkload.PARSE_ONLY)) {
            runLoading();
        }
        if (config.includes("W12")) {
            runCompareAndWrite();
        }
        if (config.includes("W13")) {
            runQueries();
        }
        if (config.includes("W14")) {
            new RepositoryWorkload(config, report).run();
        }
        if (config.includes("W15")) {
            new ObservationWorkload(config, profiles, report).run(root);
        }
        if (config.includesAny("W16", "W17")) {
            new SessionWorkload(config, report).run(root);
        }
        if (config.includes("W18")) {
            new GcWorkload(config, profiles, report).run(root);
        }
    }

    /** W13: queries from indexes against SQLite's indexed JSON, and what the indexes cost. */
    private void runQueries() {
        QueryWorkload workload = new QueryWorkload(config);
        Path indexedDirectory = root.resolve("w13-indexed");
        Path plainDirectory = root.resolve("w13-plain");
        Path startPlainDirectory = root.resolve("w13-start-plain");
        Path sqliteDirectory = root.resolve("w13-sqlite");
        Path heapDirectory = root.resolve("w13-heap");
        String pikodb = StoreKind.PIKODB.label(false);
        String sqlite = StoreKind.SQLITE.label(false);
        Sampler sampler = new Sampler(config.warmups(), config.repetitions());
        PikoDB indexed = null;
        PikoDB plain = null;
        Connection connection = null;
        try {
            LOG.info("Writing the W13 tables");
            indexed = workload.openPikoDB(indexedDirectory, true);
            workload.fill(indexed);
            connection = workload.openSqlite(sqliteDirectory);
            new Round(config, report)
                    .add(new Round.Cell(workload.eqName(), pikodb, Result.Unit.MICROSECONDS), workload.eqName(),
                            workload.pikodbEq(indexed))
                    .add(new Round.Cell(workload.eqName(), sqlite, Result.Unit.MICROSECONDS), workload.eqName(),
                            workload.sqliteEq(connection))
                    .add(new Round.Cell(workload.eqName(), W13_SCAN, Result.Unit.MICROSECONDS), workload.eqName(),
                            workload.pikodbScanEq(indexed))
                    .measure(sampler);
            measureSettled(workload.rangeName(), Result.Unit.MICROSECONDS, pikodb, workload.pikodbRange(indexed),
                    sqlite, workload.sqliteRange(connection));
            plain = workload.openPikoDB(plainDirectory, false);
            workload.fill(plain);
            measureSettled(workload.writeName(), Result.Unit.OPS_PER_SECOND, W13_INDEXED, workload.overwrites(indexed),
                    W13_PLAIN, workload.overwrites(plain));
            indexed.close();
            indexed = null;
            // Closed before the starts, so that their heap holds no other store.
            plain.close();
            plain = null;
            QueryWorkload.copyWithoutIndexes(indexedDirectory, startPlainDirectory);
            measureSettled(workload.startName(), Result.Unit.MILLISECONDS,
                    W13_INDEXED, QueryWorkload.start(indexedDirectory),
                    W13_PLAIN, QueryWorkload.start(startPlainDirectory));
            measureSettled(workload.readyName(), Result.Unit.MILLISECONDS,
                    W13_INDEXED, workload.startUntilReady(indexedDirectory, true),
                    W13_PLAIN, workload.startUntilReady(startPlainDirectory, false));
            if (config.includes(HEAP_PER_ENTRY)) {
                double bytes = workload.heapPerIndexEntry(heapDirectory);
                report.add(new Result(HEAP_PER_ENTRY, pikodb, Result.Unit.BYTES_PER_RECORD, new double[] {bytes}));
            }
            LOG.debug("Sink: {}", workload.sink());
        } catch (RuntimeException e) {
            report.failed("W13", pikodb, e);
        } finally {
            for (PikoDB db : new PikoDB[] {indexed, plain}) {
                if (db != null) {
                    db.close();
                }
            }
            if (connection != null) {
                try {
                    connection.close();
                } catch (java.sql.SQLException e) {
                    LOG.debug("Closing SQLite failed", e);
                }
            }
            for (Path directory : List.of(indexedDirectory, plainDirectory, startPlainDirectory, sqliteDirectory,
                    heapDirectory)) {
                Directories.delete(directory);
            }
        }
    }

    /**
     * Measures one W13 row of two participants in turns, each repetition on a collected heap
     * ({@link CollectedHeap}) and logged with {@code -Dbench.trace=true} ({@link RepetitionTrace}), at
     * least {@link #SETTLED_REPETITIONS} times after at least {@link #SETTLED_WARMUPS} warm-up rounds.
     */
    private void measureSettled(String row, Result.Unit unit, String first, DoubleSupplier firstRepetition,
                                String second, DoubleSupplier secondRepetition) {
        Round.Cell firstCell = new Round.Cell(row, first, unit);
        Round.Cell secondCell = new Round.Cell(row, second, unit);
        new Round(config, report)
                .add(firstCell, row, CollectedHeap.before(RepetitionTrace.of(firstCell, firstRepetition)))
                .add(secondCell, row, CollectedHeap.before(RepetitionTrace.of(secondCell, secondRepetition)))
                .measure(new Sampler(Math.max(SETTLED_WARMUPS, config.warmups()),
                        Math.max(SETTLED_REPETITIONS, config.repetitions())));
    }

    private void runLoading() {
        LoadingWorkload loading = new LoadingWorkload(config, profiles);
        Path directory = root.resolve("load-pikodb");
        try {
            LOG.info("Writing the {}-record table of the load workload", config.sizes().loadRecords());
            Path file;
            try {
                file = loading.prepare(directory);
            } catch (RuntimeException e) {
                report.failed(LoadingWorkload.name(config.sizes().loadRecords()), StoreKind.PIKODB.label(false), e);
                return;
            }
            String name = LoadingWorkload.name(config.sizes().loadRecords());
            report.note(String.format(Locale.ROOT, "W10 table file: %,d records, %,d bytes (%.0f B/record)",
                    config.sizes().loadRecords(), Directories.size(directory),
                    Directories.size(directory) / (double) config.sizes().loadRecords()));
            new Round(config, report)
                    .add(name, Result.Unit.MEGABYTES_PER_SECOND, false, Map.of(StoreKind.PIKODB, file),
                            (kind, image) -> loading.start(image))
                    .add(new Round.Cell(LoadingWorkload.PARSE_ONLY, "machine", Result.Unit.MEGABYTES_PER_SECOND),
                            name, loading.parseOnly(file))
                    .measure(new Sampler(config.warmups(), config.repetitions()));
            LOG.debug("Sink: {}", loading.sink());
        } finally {
            Directories.delete(directory);
        }
    }

    private void runCompareAndWrite() {
        CompareAndWriteWorkload cas = new CompareAndWriteWorkload(config);
        Map<StoreKind, Path> stores = new EnumMap<>(StoreKind.class);
        stores.put(StoreKind.PIKODB, root);
        stores.put(StoreKind.SQLITE, root);
        new Round(config, report)
                .add(cas.name(), Result.Unit.OPS_PER_SECOND, true, stores, cas::repetition)
                .measure(new Sampler(config.warmups(), config.repetitions()));
        for (StoreKind kind : stores.keySet()) {
            if (report.find(cas.name(), kind.label(true)).isPresent()) {
                report.add(new Result(cas.attemptsName(), kind.label(true), Result.Unit.ATTEMPTS,
                        cas.attemptsPerIncrement(kind)));
            }
        }
    }
}
