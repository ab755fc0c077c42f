package dev.pikodb.benchmarks;

import java.util.Arrays;

/**
 * The measured repetitions of one workload on one store.
 *
 * @param workload the workload's row name
 * @param store the store's label
 * @param unit what the samples measure
 * @param samples one value per measured repetition
 */
public record Result(String workload, String store, Unit unit, double[] samples) {

    /** What a result measures, and which direction is better. */
    public enum Unit {
        /** Operations per second; higher is better. */
        OPS_PER_SECOND("ops/s", true),
        /** Elapsed milliseconds; lower is better. */
        MILLISECONDS("ms", false),
        /** Bytes per record; lower is better. */
        BYTES_PER_RECORD("B/rec", false),
        /** Elapsed microseconds (a latency); lower is better. */
        MICROSECONDS("us", false),
        /** Megabytes (10^6 bytes) of a file processed per second; higher is better. */
        MEGABYTES_PER_SECOND("MB/s", true),
        /** Open file descriptors of the process; fewer is better. */
        OPEN_FILES("fds", false),
        /** Attempts per successful operation; fewer is better. */
        ATTEMPTS("att/op", false);

        private final String symbol;
        private final boolean higherIsBetter;

        Unit(String symbol, boolean higherIsBetter) {
            this.symbol = symbol;
            this.higherIsBetter = higherIsBetter;
        }

        /** @return the unit as printed */
        public String symbol() {
            return symbol;
        }

        /** @return whether a larger value is better */
        public boolean higherIsBetter() {
            return higherIsBetter;
        }
    }

    /** @return the median sample (mean of the middle two for an even count) */
    public double median() {
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** @return the smallest sample */
    public double min() {
        return Arrays.stream(samples).min().orElse(Double.NaN);
    }

    /** @return the largest sample */
    public double max() {
        return Arrays.stream(samples).max().orElse(Double.NaN);
    }

    /**
     * How much better PikoDB's result is than this one: PikoDB's throughput over this throughput, or
     * this time (or size) over PikoDB's; above 1 means PikoDB is better.
     *
     * @param pikodb PikoDB's result for the same workload
     * @return the ratio of medians
     */
    public double pikodbAdvantage(Result pikodb) {
        return unit.higherIsBetter() ? pikodb.median() / median() : median() / pikodb.median();
    }
}
