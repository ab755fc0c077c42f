package dev.pikodb.benchmarks.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.Report;
import dev.pikodb.benchmarks.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcWorkloadTest {

    @TempDir
    Path root;

    @AfterEach
    void clearProperties() {
        System.clearProperty("bench.mode");
    }

    @Test
    void w16ReportsPausesAndTheLongestWriteUnderThisJvmsCollectorAndLeavesNoFiles() throws Exception {
        System.setProperty("bench.mode", "smoke");
        BenchConfig config = BenchConfig.fromSystemProperties();
        Report report = new Report();

        new GcWorkload(config, new Profiles(), report).run(root);

        String store = GcWorkload.storeLabel();
        assertThat(GcWorkload.pausesName(config)).isEqualTo("W18 GC pauses, 5,000 writes, 5,000-rec");
        assertThat(store).startsWith("PikoDB, ").contains("Java " + Runtime.version().feature());
        Result pauses = report.find(GcWorkload.pausesName(config), store).orElseThrow();
        assertThat(pauses.samples()).hasSize(1);
        assertThat(pauses.median()).isNotNegative();
        Result longestWrite = report.find(GcWorkload.LONGEST_WRITE, store).orElseThrow();
        assertThat(longestWrite.median()).isPositive();
        assertThat(report.find(GcWorkload.LONGEST_PAUSE, store)).isPresent();
        try (var left = Files.list(root)) {
            assertThat(left).isEmpty();
        }
    }
}
