package dev.pikodb.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the results of a run and prints them as one table, workload by store, with PikoDB's
 * advantage over each peer (above 1 means PikoDB is better).
 */
public final class Report {

    private static final Logger LOG = LoggerFactory.getLogger(Report.class);
    private static final String ROW = "%-48s %-24s %16s %27s %9s%n";

    private final Map<String, List<Result>> byWorkload = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private final List<LatencyRow> latencies = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /**
     * Adds a result and logs its median.
     *
     * @param result the result
     */
    public synchronized void add(Result result) {
        byWorkload.computeIfAbsent(result.workload(), w -> new ArrayList<>()).add(result);
        LOG.info("{} | {}: median {} {}", result.workload(), result.store(), format(result.median(), result.unit()),
                result.unit().symbol());
    }

    /**
     * Adds a latency distribution and logs its tail.
     *
     * @param row the distribution
     */
    public synchronized void addLatency(LatencyRow row) {
        latencies.add(row);
        LOG.info("{} | {}: p99.99 {} us, max {} us, {} over 50 ms; {}", row.workload(), row.store(),
                String.format(Locale.ROOT, "%,.0f", row.p9999()), String.format(Locale.ROOT, "%,.0f", row.max()),
                row.over50ms(), row.gc());
    }

    /**
     * Looks up a latency distribution.
     *
     * @param workload the workload's row name
     * @param store the store's label
     * @return the distribution, if it was measured
     */
    public synchronized Optional<LatencyRow> findLatency(String workload, String store) {
        return latencies.stream()
                .filter(row -> row.workload().equals(workload) && row.store().equals(store))
                .findFirst();
    }

    /**
     * Adds a line printed under the tables, e.g. what a workload observed besides its figures.
     *
     * @param note the line
     */
    public synchronized void note(String note) {
        notes.add(note);
        LOG.info("{}", note);
    }

    /** @return the lines added with {@link #note}, in order */
    public synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    /**
     * Records that a workload could not be measured on a store.
     *
     * @param workload the workload
     * @param store the store
     * @param error what went wrong
     */
    public synchronized void failed(String workload, String store, RuntimeException error) {
        failures.add(workload + " on " + store + ": " + error);
        LOG.error("{} failed on {}", workload, store, error);
    }

    /** @return whether a workload could not be measured on some store */
    public synchronized boolean hasFailures() {
        return !failures.isEmpty();
    }

    /**
     * Looks up a result.
     *
     * @param workload the workload's row name
     * @param store the store's label
     * @return the result, if it was measured
     */
    public synchronized Optional<Result> find(String workload, String store) {
        return byWorkload.getOrDefault(workload, List.of()).stream()
                .filter(result -> result.store().equals(store))
                .findFirst();
    }

    /**
     * Prints the table: every workload's PikoDB row first, its peers below it with the ratio.
     *
     * @param out where to print
     */
    public synchronized void printTable(PrintStream out) {
        out.printf(ROW, "Workload", "Store", "Median", "Range (min-max)", "PikoDB x");
        out.println("-".repeat(128));
        List<Map.Entry<String, List<Result>>> rows = new ArrayList<>(byWorkload.entrySet());
        // rows without a PikoDB result (the machine's limits) go last
        rows.sort(Comparator.comparing(row -> row.getValue().stream().noneMatch(Report::isPikodb)));
        for (Map.Entry<String, List<Result>> row : rows) {
            List<Result> results = new ArrayList<>(row.getValue());
            Result pikodb = results.stream().filter(Report::isPikodb).findFirst().orElse(null);
            if (pikodb != null) {
                results.remove(pikodb);
                results.add(0, pikodb);
            }
            boolean first = true;
            for (Result result : results) {
                String ratio = pikodb == null || result == pikodb || !result.unit().equals(pikodb.unit())
                        ? "" : String.format(Locale.ROOT, "%.2fx", result.pikodbAdvantage(pikodb));
                String unit = result.unit().symbol();
                out.printf(ROW, first ? row.getKey() : "", result.store(),
                        format(result.median(), result.unit()) + " " + unit,
                        format(result.min(), result.unit()) + " - " + format(result.max(), result.unit()),
                        ratio);
                first = false;
            }
        }
        if (!latencies.isEmpty()) {
            out.println();
            out.println(LatencyRow.HEADER);
            out.println("-".repeat(156));
            String previous = null;
            for (LatencyRow row : latencies) {
                out.println(row.format(!row.workload().equals(previous)));
                previous = row.workload();
            }
        }
        if (!notes.isEmpty()) {
            out.println();
            notes.forEach(out::println);
        }
        for (String failure : failures) {
            out.println("NOT MEASURED: " + failure);
        }
    }

    private static boolean isPikodb(Result result) {
        return result.store().startsWith("PikoDB");
    }

    /**
     * Formats a value for its unit: whole numbers with separators, milliseconds with one decimal.
     *
     * @param value the value
     * @param unit its unit
     * @return the text
     */
    public static String format(double value, Result.Unit unit) {
        if (unit == Result.Unit.MILLISECONDS || unit == Result.Unit.MICROSECONDS
                || unit == Result.Unit.MEGABYTES_PER_SECOND) {
            return String.format(Locale.ROOT, "%,.1f", value);
        }
        if (unit == Result.Unit.ATTEMPTS) {
            return String.format(Locale.ROOT, "%,.2f", value);
        }
        return String.format(Locale.ROOT, "%,.0f", value);
    }
}
