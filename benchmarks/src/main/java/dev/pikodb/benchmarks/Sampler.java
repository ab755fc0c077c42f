package dev.pikodb.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Runs the measurements of several stores (and of the machine limits they are held against)
 * repetition by repetition, taking turns and rotating who goes first, so that every participant sees
 * the same machine conditions. On a shared machine, ratios of figures measured side by side like
 * this are far steadier than the figures themselves.
 */
public final class Sampler {

    private final int warmups;
    private final int repetitions;

    /**
     * Creates a sampler.
     *
     * @param warmups unmeasured rounds
     * @param repetitions measured rounds
     */
    public Sampler(int warmups, int repetitions) {
        this.warmups = warmups;
        this.repetitions = repetitions;
    }

    /**
     * What came out of a comparison.
     *
     * @param samples each participant's measured values, in the order given
     * @param failures the participants whose measurement threw
     * @param <K> what identifies a participant
     */
    public record Outcome<K>(Map<K, double[]> samples, Map<K, RuntimeException> failures) {
    }

    /**
     * Runs every participant's measurement {@code warmups + repetitions} times, in turns. One whose
     * measurement throws is dropped from the remaining rounds and reported as failed.
     *
     * @param runs one repetition per participant (a store, or a machine limit), each measuring itself
     * @param <K> what identifies a participant
     * @return the measured values of the repetitions after the warm-ups
     */
    public <K> Outcome<K> compare(Map<K, DoubleSupplier> runs) {
        List<K> labels = new ArrayList<>(runs.keySet());
        Map<K, double[]> samples = new LinkedHashMap<>();
        labels.forEach(label -> samples.put(label, new double[repetitions]));
        Map<K, RuntimeException> failures = new LinkedHashMap<>();
        for (int round = 0; round < warmups + repetitions; round++) {
            for (int turn = 0; turn < labels.size(); turn++) {
                K label = labels.get((round + turn) % labels.size());
                if (failures.containsKey(label)) {
                    continue;
                }
                try {
                    double value = runs.get(label).getAsDouble();
                    if (round >= warmups) {
                        samples.get(label)[round - warmups] = value;
                    }
                } catch (RuntimeException e) {
                    failures.put(label, e);
                }
            }
        }
        failures.keySet().forEach(samples::remove);
        return new Outcome<>(samples, failures);
    }

    /**
     * Throughput of a timed section.
     *
     * @param operations operations done
     * @param startNanos {@link System#nanoTime()} before the first
     * @return operations per second
     */
    public static double perSecond(long operations, long startNanos) {
        return operations * 1e9 / Math.max(1, System.nanoTime() - startNanos);
    }

    /**
     * Duration of a timed section.
     *
     * @param startNanos {@link System#nanoTime()} at its start
     * @return elapsed milliseconds
     */
    public static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }
}
