package dev.pikodb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.benchmarks.workload.QueryWorkload;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class W13RepetitionsTest {

    @TempDir
    Path root;

    @Test
    void w13MeasuresItsRangeOverwritesAndStartRowsAtLeastFiveTimesEvenInASingleRepetitionRun() {
        BenchConfig config = smokeRunOfW13();
        Report report = new Report();
        QueryWorkload workload = new QueryWorkload(config);

        new OperationalRuns(config, new Profiles(), report, root).run();

        assertThat(config.repetitions()).isEqualTo(1);
        assertThat(report.find(workload.eqName(), "PikoDB").orElseThrow().samples()).hasSize(1);
        assertThat(report.find(workload.rangeName(), "PikoDB").orElseThrow().samples()).hasSize(5);
        assertThat(report.find(workload.writeName(), OperationalRuns.W13_INDEXED).orElseThrow().samples()).hasSize(5);
        assertThat(report.find(workload.startName(), OperationalRuns.W13_INDEXED).orElseThrow().samples()).hasSize(5);
        assertThat(report.find(workload.readyName(), OperationalRuns.W13_PLAIN).orElseThrow().samples()).hasSize(5);
    }

    /** The smoke mode's configuration (1 repetition), running W13 only. */
    private static BenchConfig smokeRunOfW13() {
        System.setProperty("bench.mode", "smoke");
        System.setProperty("bench.only", "W13");
        try {
            return BenchConfig.fromSystemProperties();
        } finally {
            System.clearProperty("bench.mode");
            System.clearProperty("bench.only");
        }
    }
}
