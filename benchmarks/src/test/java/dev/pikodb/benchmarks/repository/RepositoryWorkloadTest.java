package dev.pikodb.benchmarks.repository;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Report;
import dev.pikodb.benchmarks.session.SessionWorkload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RepositoryWorkloadTest {

    @AfterEach
    void clearProperties() {
        System.clearProperty("bench.mode");
        System.clearProperty("bench.only");
    }

    @Test
    void withoutAServerW14MeasuresNothingAndSaysHowToNameOne() {
        System.setProperty("bench.mode", "smoke");
        System.setProperty("bench.only", "W14");
        System.clearProperty(SessionWorkload.REDIS_PROPERTY);
        BenchConfig config = BenchConfig.fromSystemProperties();
        Report report = new Report();

        new RepositoryWorkload(config, report).run();

        assertThat(report.find(RepositoryWorkload.findName(config), RepositoryPeers.PIKODB_ON_REDIS)).isEmpty();
        assertThat(report.find(RepositoryWorkload.saveName(config), RepositoryPeers.SPRING_DATA_REDIS)).isEmpty();
        assertThat(report.notes()).singleElement().asString()
                .startsWith("W14 (Spring Data repositories on Redis) not measured")
                .contains("-Dbench.redis=redis://127.0.0.1:6379");
        assertThat(report.hasFailures()).isFalse();
    }

    @Test
    void theRowsNameTheirSizes() {
        System.setProperty("bench.mode", "quick");
        BenchConfig config = BenchConfig.fromSystemProperties();

        assertThat(RepositoryWorkload.findName(config)).isEqualTo("W14 findByOwner 10 of 100,000 on Redis (us)");
        assertThat(RepositoryWorkload.newestName(config))
                .isEqualTo("W14 top 10 by created of 100,000 on Redis (ms)");
        assertThat(RepositoryWorkload.saveName(config)).isEqualTo("W14 save 3 indexed props, 100,000 on Redis");
        assertThat(config.includes(RepositoryWorkload.findName(config))).isTrue();
    }
}
