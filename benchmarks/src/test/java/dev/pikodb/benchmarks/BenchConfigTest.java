package dev.pikodb.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BenchConfigTest {

    @AfterEach
    void clearProperties() {
        System.clearProperty("bench.only");
        System.clearProperty("bench.mode");
    }

    @Test
    void aPrefixSelectsWholeWorkloadNumbersOnly() {
        System.setProperty("bench.only", "W1, w9");
        BenchConfig config = BenchConfig.fromSystemProperties();

        assertThat(config.includes("W1 write, 1,000-rec table")).isTrue();
        assertThat(config.includes("W9 10,000 tables x 10, write")).isTrue();
        assertThat(config.includes("W10 load 100,000-rec table file")).isFalse();
        assertThat(config.includes("W11 4 threads 90% get/10% write, 100,000-rec")).isFalse();
        assertThat(config.includes("W2 durable write, 1,000-rec table")).isFalse();
    }

    @Test
    void aTwoDigitPrefixAndAWordPrefixSelectTheirRows() {
        System.setProperty("bench.only", "W12,Limit");
        BenchConfig config = BenchConfig.fromSystemProperties();

        assertThat(config.includes("W12 attempts per increment")).isTrue();
        assertThat(config.includes("Limit: Jackson tokenizing the table file")).isTrue();
        assertThat(config.includes("W1 write, 1,000-rec table")).isFalse();
    }

    @Test
    void withoutAPrefixEverythingRuns() {
        BenchConfig config = BenchConfig.fromSystemProperties();

        assertThat(config.includes("W10 load 100,000-rec table file")).isTrue();
        assertThat(config.mode()).isEqualTo("quick");
        assertThat(config.full()).isFalse();
    }

    @Test
    void fullModeAddsTheLargeSizes() {
        System.setProperty("bench.mode", "full");
        BenchConfig.Sizes sizes = BenchConfig.fromSystemProperties().sizes();

        assertThat(sizes.latencyTables()).containsExactly(100_000, 1_000_000);
        assertThat(sizes.tableCounts()).containsExactly(10_000, 100_000);
        assertThat(sizes.loadRecords()).isEqualTo(1_000_000);
    }

    @Test
    void anUnknownModeIsNamedWithTheChoices() {
        System.setProperty("bench.mode", "fast");

        assertThatThrownBy(BenchConfig::fromSystemProperties)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fast'")
                .hasMessageContaining("-Dbench.mode=quick");
    }
}
