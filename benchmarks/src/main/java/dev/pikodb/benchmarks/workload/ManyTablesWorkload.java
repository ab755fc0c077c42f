package dev.pikodb.benchmarks.workload;

import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Directories;
import dev.pikodb.benchmarks.ManyTablesChild;
import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.Report;
import dev.pikodb.benchmarks.Result;
import dev.pikodb.benchmarks.Sampler;
import dev.pikodb.benchmarks.store.StoreKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * W9: many small tables. Each repetition, per store: write {@code tables × records} records one at a
 * time (default mode), close, reopen; then a child JVM writes the same records into a fresh directory,
 * acknowledges, and is killed with {@code destroyForcibly} (SIGKILL) before the store is reopened over
 * what it left. Each reopening is timed until the store is open (PikoDB's {@code start()}, SQLite's
 * open and decoding of every row), until the first record is read, and until every record is read
 * and decoded (see {@link ManyTables.Reopened}). Open file descriptors are counted while writing, in this JVM and in the child. PikoDB
 * and SQLite (one SQL table keyed by {@code (tbl, key)}) take turns in the same rounds.
 */
public final class ManyTablesWorkload {

    private static final Logger LOG = LoggerFactory.getLogger(ManyTablesWorkload.class);
    private static final StoreKind[] KINDS = {StoreKind.PIKODB, StoreKind.SQLITE};

    /** The phases of one repetition, in the order of the report's rows. */
    public enum Phase {
        /** Writing every record. */
        WRITE("write", Result.Unit.MILLISECONDS),
        /** Closing cleanly. */
        CLOSE("close", Result.Unit.MILLISECONDS),
        /** Opening and loading after the clean close (PikoDB: {@code start()}; SQLite: decoding every row too). */
        REOPEN("reopen", Result.Unit.MILLISECONDS),
        /** The same opening, until every record has been read and decoded, for both stores. */
        REOPEN_DECODED("reopen+decode all", Result.Unit.MILLISECONDS),
        /** The same opening, until the first record has been read and decoded. */
        REOPEN_FIRST_READ("reopen, first read", Result.Unit.MILLISECONDS),
        /** Opening and loading what the killed child left. */
        REOPEN_AFTER_KILL("reopen after kill -9", Result.Unit.MILLISECONDS),
        /** The same opening after the kill, until every record has been read and decoded. */
        REOPEN_AFTER_KILL_DECODED("reopen after kill -9+decode all", Result.Unit.MILLISECONDS),
        /** The same opening after the kill, until the first record has been read and decoded. */
        REOPEN_AFTER_KILL_FIRST_READ("reopen after kill -9, first read", Result.Unit.MILLISECONDS),
        /** The most file descriptors the store held while writing, in this JVM. */
        OPEN_FILES("open files while writing", Result.Unit.OPEN_FILES),
        /** File descriptors the killed child held after its writes, above its own baseline. */
        CHILD_OPEN_FILES("open files, child at kill", Result.Unit.OPEN_FILES);

        private final String label;
        private final Result.Unit unit;

        Phase(String label, Result.Unit unit) {
            this.label = label;
            this.unit = unit;
        }
    }

    private final BenchConfig config;
    private final Profiles profiles;
    private final Report report;
    private int directories;

    /**
     * Creates the workload.
     *
     * @param config the run's configuration
     * @param profiles the values to write
     * @param report where the results go
     */
    public ManyTablesWorkload(BenchConfig config, Profiles profiles, Report report) {
        this.config = config;
        this.profiles = profiles;
        this.report = report;
    }

    /**
     * Row name of one phase of W9.
     *
     * @param tables number of tables
     * @param phase the phase
     * @return the row name
     */
    public static String name(int tables, Phase phase) {
        return String.format(Locale.ROOT, "W9 %,d tables x 10, %s", tables, phase.label);
    }

    /**
     * Measures W9 for one number of tables: PikoDB and SQLite in turns, repetition by repetition.
     *
     * @param root the directory to create the stores in
     * @param tables the number of tables
     */
    public void run(Path root, int tables) {
        int records = config.sizes().recordsPerTable();
        // 100,000 tables is a long run per repetition: measure it once
        Sampler sampler = tables >= 100_000 ? new Sampler(0, 1) : new Sampler(0, config.full() ? 3 : 1);
        Map<StoreKind, Map<Phase, List<Double>>> values = new LinkedHashMap<>();
        Map<StoreKind, DoubleSupplier> runs = new LinkedHashMap<>();
        for (StoreKind kind : KINDS) {
            Map<Phase, List<Double>> phases = new LinkedHashMap<>();
            for (Phase phase : Phase.values()) {
                phases.put(phase, new ArrayList<>());
            }
            values.put(kind, phases);
            runs.put(kind, () -> {
                repetition(kind, root, tables, records, phases);
                return 0;
            });
        }
        LOG.info("Measuring side by side: W9 with {} tables x {} records", tables, records);
        Sampler.Outcome<StoreKind> outcome = sampler.compare(runs);
        outcome.failures().forEach((kind, error) -> report.failed(name(tables, Phase.WRITE), kind.label(false), error));
        for (Phase phase : Phase.values()) {
            for (StoreKind kind : outcome.samples().keySet()) {
                List<Double> measured = values.get(kind).get(phase);
                report.add(new Result(name(tables, phase), kind.label(false), phase.unit,
                        measured.stream().mapToDouble(Double::doubleValue).toArray()));
            }
        }
    }

    private void repetition(StoreKind kind, Path root, int tables, int records, Map<Phase, List<Double>> phases) {
        long expected = (long) tables * records;
        Path directory = root.resolve("many-" + kind.name().toLowerCase(Locale.ROOT) + "-" + directories++);
        ManyTables.Writer writer = null;
        try {
            long baseline = ManyTables.openFiles("self");
            long mostOpen = baseline;
            writer = ManyTables.open(kind, directory);
            long start = System.nanoTime();
            for (int t = 0; t < tables; t++) {
                for (int r = 0; r < records; r++) {
                    writer.write(t, r, profiles);
                }
                if (t % 1_000 == 999) {
                    mostOpen = Math.max(mostOpen, ManyTables.openFiles("self"));
                }
            }
            phases.get(Phase.WRITE).add(Sampler.millisSince(start));
            phases.get(Phase.OPEN_FILES).add((double) Math.max(0, Math.max(mostOpen,
                    ManyTables.openFiles("self")) - baseline));
            start = System.nanoTime();
            ManyTables.Writer open = writer;
            writer = null;
            open.close();
            phases.get(Phase.CLOSE).add(Sampler.millisSince(start));
            timedReopen(kind, directory, expected, phases, Phase.REOPEN, Phase.REOPEN_DECODED,
                    Phase.REOPEN_FIRST_READ);
        } finally {
            closeQuietly(writer);
            Directories.delete(directory);
        }
        Path crashed = root.resolve("many-killed-" + kind.name().toLowerCase(Locale.ROOT) + "-" + directories++);
        try {
            phases.get(Phase.CHILD_OPEN_FILES).add((double) writeInChildAndKill(kind, crashed, tables, records));
            timedReopen(kind, crashed, expected, phases, Phase.REOPEN_AFTER_KILL, Phase.REOPEN_AFTER_KILL_DECODED,
                    Phase.REOPEN_AFTER_KILL_FIRST_READ);
        } finally {
            Directories.delete(crashed);
        }
    }

    /** Closes a writer left open by a failed repetition; the failure itself is what gets reported. */
    private static void closeQuietly(ManyTables.Writer writer) {
        if (writer != null) {
            try {
                writer.close();
            } catch (RuntimeException e) {
                LOG.warn("Could not close the store after a failed repetition: {}", e.toString());
            }
        }
    }

    private static void timedReopen(StoreKind kind, Path directory, long expected, Map<Phase, List<Double>> phases,
            Phase opened, Phase decoded, Phase firstRead) {
        ManyTables.Reopened reopened = ManyTables.reopen(kind, directory);
        if (reopened.records() != expected) {
            throw new IllegalStateException(kind.label(false) + " reopened " + reopened.records() + " records from "
                    + directory + ", expected " + expected);
        }
        phases.get(opened).add(reopened.openedNanos() / 1e6);
        phases.get(decoded).add(reopened.decodedNanos() / 1e6);
        phases.get(firstRead).add(reopened.firstReadNanos() / 1e6);
    }

    /**
     * Runs {@link ManyTablesChild}, waits for its acknowledgement, counts its open files and kills it.
     *
     * @return the child's open file descriptors at the kill, above its count before it opened the store
     */
    private static long writeInChildAndKill(StoreKind kind, Path directory, int tables, int records) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                ManyTablesChild.class.getName(), kind.name(), directory.toString(), Integer.toString(tables),
                Integer.toString(records))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process child;
        try {
            child = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the child JVM " + java, e);
        }
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith(ManyTablesChild.READY)) {
                LOG.debug("child: {}", line);
            }
            if (line == null) {
                throw new IllegalStateException("The child JVM writing " + kind.label(false) + " into " + directory
                        + " ended without acknowledging its writes (exit code " + child.waitFor() + ")");
            }
            long atKill = ManyTables.openFiles(Long.toString(child.pid()));
            long before = Long.parseLong(line.split(" ")[1]);
            child.destroyForcibly();
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The child JVM " + child.pid() + " did not die after SIGKILL");
            }
            return Math.max(0, atKill - before);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the child JVM's output", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the child JVM", e);
        } finally {
            child.destroyForcibly();
        }
    }
}
