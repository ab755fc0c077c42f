package dev.pikodb.benchmarks;

import dev.pikodb.benchmarks.store.StoreKind;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cells of the report that are measured side by side, repetition by repetition (see
 * {@link Sampler}): typically one workload on every store, plus the machine limit it is held against,
 * so that the ratios the targets use come from the same moments.
 */
public final class Round {

    private static final Logger LOG = LoggerFactory.getLogger(Round.class);

    /**
     * One cell of the report.
     *
     * @param workload the row name
     * @param store the store's label
     * @param unit what is measured
     */
    public record Cell(String workload, String store, Result.Unit unit) {
    }

    private final BenchConfig config;
    private final Report report;
    private final Map<Cell, DoubleSupplier> runs = new LinkedHashMap<>();

    /**
     * Starts an empty round.
     *
     * @param config the run's configuration, whose {@code bench.only} decides which cells are kept
     * @param report where results and failures go
     */
    public Round(BenchConfig config, Report report) {
        this.config = config;
        this.report = report;
    }

    /**
     * Adds a workload on every given store.
     *
     * @param workload the row name
     * @param unit what is measured
     * @param durable the mode the stores are open in (labels them)
     * @param subjects the stores, or what each store's repetition is built from
     * @param repetition builds one store's repetition
     * @param <T> the type of the subjects
     * @return this round
     */
    public <T> Round add(String workload, Result.Unit unit, boolean durable, Map<StoreKind, T> subjects,
                         BiFunction<StoreKind, T, DoubleSupplier> repetition) {
        if (config.includes(workload)) {
            subjects.forEach((kind, subject) -> {
                try {
                    runs.put(new Cell(workload, kind.label(durable), unit), repetition.apply(kind, subject));
                } catch (RuntimeException e) {
                    report.failed(workload, kind.label(durable), e);
                }
            });
        }
        return this;
    }

    /**
     * Adds a single cell, kept when {@code bench.only} includes its own workload or {@code host}.
     *
     * @param cell the cell
     * @param host the workload the cell accompanies
     * @param repetition one repetition
     * @return this round
     */
    public Round add(Cell cell, String host, DoubleSupplier repetition) {
        if (config.includes(cell.workload()) || config.includes(host)) {
            runs.put(cell, repetition);
        }
        return this;
    }

    /**
     * Measures every cell with the given sampler and records the results.
     *
     * @param sampler warm-ups and repetitions
     */
    public void measure(Sampler sampler) {
        if (runs.isEmpty()) {
            return;
        }
        LOG.info("Measuring side by side: {}", runs.keySet().stream().map(Cell::workload).distinct().toList());
        Sampler.Outcome<Cell> outcome = sampler.compare(runs);
        outcome.samples().forEach((cell, samples) ->
                report.add(new Result(cell.workload(), cell.store(), cell.unit(), samples)));
        outcome.failures().forEach((cell, error) -> report.failed(cell.workload(), cell.store(), error));
    }
}
