package dev.pikodb.benchmarks;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Shows that the cost of a write does not grow with its table: the time of 1,000 sequential writes
 * (overwrites spread over the table) into a 100-record table and into a 100,000-record table,
 * measured in turns in one run, in both durability modes.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests -Pbench -Dbench.main=dev.pikodb.benchmarks.WriteCostProbe
 * </pre>
 */
public final class WriteCostProbe {

    private static final int WRITES = 1_000;
    private static final int REPETITIONS = 7;

    private WriteCostProbe() {
    }

    /**
     * Runs the probe and prints its table.
     *
     * @param args unused
     * @throws IOException when a temporary directory cannot be made
     */
    public static void main(String[] args) throws IOException {
        Path work = Files.createDirectories(Path.of(System.getProperty("bench.workDir", "target/bench-work")));
        Profiles profiles = new Profiles();
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "%,d sequential writes into a table of N records (%d repetitions, in turns; ms)%n",
                WRITES, REPETITIONS);
        out.printf(Locale.ROOT, "%-10s %12s %16s %12s %16s %8s%n", "mode", "N=100 median", "range",
                "N=100,000 med", "range", "ratio");
        for (boolean durable : new boolean[] {false, true}) {
            Path small = prefill(work.resolve("small-" + durable), 100, profiles);
            Path large = prefill(work.resolve("large-" + durable), 100_000, profiles);
            double[] smallMillis = new double[REPETITIONS + 1];
            double[] largeMillis = new double[REPETITIONS + 1];
            for (int repetition = 0; repetition <= REPETITIONS; repetition++) {
                // Repetition 0 warms up; the order alternates so both tables meet the same conditions.
                boolean smallFirst = repetition % 2 == 0;
                double first = time(smallFirst ? small : large, smallFirst ? 100 : 100_000, durable, profiles);
                double second = time(smallFirst ? large : small, smallFirst ? 100_000 : 100, durable, profiles);
                smallMillis[repetition] = smallFirst ? first : second;
                largeMillis[repetition] = smallFirst ? second : first;
            }
            double[] s = Arrays.copyOfRange(smallMillis, 1, REPETITIONS + 1);
            double[] l = Arrays.copyOfRange(largeMillis, 1, REPETITIONS + 1);
            Arrays.sort(s);
            Arrays.sort(l);
            out.printf(Locale.ROOT, "%-10s %12.1f %16s %12.1f %16s %7.2fx%n", durable ? "durable" : "default",
                    s[REPETITIONS / 2], String.format(Locale.ROOT, "%.1f-%.1f", s[0], s[REPETITIONS - 1]),
                    l[REPETITIONS / 2], String.format(Locale.ROOT, "%.1f-%.1f", l[0], l[REPETITIONS - 1]),
                    l[REPETITIONS / 2] / s[REPETITIONS / 2]);
            Directories.delete(small);
            Directories.delete(large);
        }
        out.println("ratio = large-table time / small-table time (1.00x: a write costs the same in both)");
    }

    private static Path prefill(Path directory, int records, Profiles profiles) {
        try (PikoDB db = new PikoDB(directory)) {
            db.start();
            for (int i = 0; i < records; i++) {
                db.write("users", Profiles.key(i), profiles.value(i));
            }
        }
        return directory;
    }

    private static double time(Path directory, int records, boolean durable, Profiles profiles) {
        try (PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).durableWrites(durable).build())) {
            db.start();
            long started = System.nanoTime();
            for (int i = 0; i < WRITES; i++) {
                db.write("users", Profiles.key((int) ((i * 7919L) % records)), profiles.value(i));
            }
            return (System.nanoTime() - started) / 1e6;
        }
    }
}
