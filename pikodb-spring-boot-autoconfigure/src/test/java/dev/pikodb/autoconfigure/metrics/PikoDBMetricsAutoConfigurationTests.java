package dev.pikodb.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBStatistics;
import dev.pikodb.TableSummary;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class PikoDBMetricsAutoConfigurationTests {

    @TempDir
    Path directory;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class, PikoDBMetricsAutoConfiguration.class,
                MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class));

    private ApplicationContextRunner inDirectory() {
        return this.runner.withPropertyValues("pikodb.database-directory=" + this.directory);
    }

    @Test
    void bindsMetersReadFromTheStore() {
        inDirectory().run((context) -> {
            assertThat(context).hasSingleBean(PikoDBMetrics.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            PikoDB pikoDB = context.getBean(PikoDB.class);
            pikoDB.write("users", "alice", Map.of("name", "Alice"));
            pikoDB.write("users", "alice", Map.of("name", "Alice", "age", 30));
            pikoDB.write("users", "bob", Map.of("name", "Bob"));
            pikoDB.write("orders", "o1", 42);
            pikoDB.get("users", "alice");
            pikoDB.delete("users", "bob");
            pikoDB.write("sessions", "old", "x", System.currentTimeMillis() - 60_000);
            pikoDB.cleanupAllExpired();
            pikoDB.flush();
            context.getBean(PikoDBMetrics.class).refreshTableMeters();

            PikoDBStatistics statistics = pikoDB.statistics();
            assertThat(registry.get("pikodb.tables").gauge().value()).isEqualTo(pikoDB.tableSummaries().size());
            assertThat(registry.get("pikodb.reads").functionCounter().count()).isEqualTo(statistics.reads());
            assertThat(registry.get("pikodb.writes").functionCounter().count()).isEqualTo(5);
            assertThat(registry.get("pikodb.deletes").functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("pikodb.write.failures").functionCounter().count()).isZero();
            assertThat(registry.get("pikodb.expired.removed").functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("pikodb.journal.written").functionCounter().count())
                .isEqualTo(statistics.journalBytesWritten())
                .isPositive();
            FunctionTimer writeTimer = registry.get("pikodb.write").functionTimer();
            assertThat(writeTimer.count()).isEqualTo(5);
            assertThat(writeTimer.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            FunctionTimer compactions = registry.get("pikodb.compactions").functionTimer();
            assertThat(compactions.count()).isEqualTo(pikoDB.statistics().compactions());

            TableSummary users = pikoDB.tableSummary("users").orElseThrow();
            assertThat(registry.get("pikodb.records").tag("table", "users").gauge().value()).isEqualTo(users.records());
            assertThat(registry.get("pikodb.records").tag("table", "orders").gauge().value()).isEqualTo(1);
            assertThat(registry.get("pikodb.disk.usage").tag("table", "users").gauge().value())
                .isEqualTo(users.bytesOnDisk())
                .isPositive();

            // values are live between refreshes
            pikoDB.write("orders", "o2", 43);
            assertThat(registry.get("pikodb.records").tag("table", "orders").gauge().value()).isEqualTo(2);
        });
    }

    @Test
    void followsCodingConventions() {
        inDirectory().run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            context.getBean(PikoDB.class).write("users", "alice", "A");
            context.getBean(PikoDBMetrics.class).refreshTableMeters();
            assertThat(registry.get("pikodb.disk.usage").meter().getId().getBaseUnit()).isEqualTo(BaseUnits.BYTES);
            assertThat(registry.get("pikodb.journal.written").meter().getId().getBaseUnit()).isEqualTo(BaseUnits.BYTES);
            assertThat(registry.get("pikodb.records").meter().getId().getBaseUnit()).isEqualTo("records");
            assertThat(registry.getMeters()).filteredOn((meter) -> meter.getId().getName().startsWith("pikodb."))
                .hasSize(11)
                .allSatisfy((meter) -> assertThat(meter.getId().getDescription()).isNotBlank());
        });
    }

    @Test
    void followsTablesCreatedAndDeleted() {
        inDirectory().withPropertyValues("pikodb.metrics.table-refresh-interval=50ms").run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            PikoDB pikoDB = context.getBean(PikoDB.class);
            assertThat(registry.find("pikodb.records").gauges()).isEmpty();
            pikoDB.write("users", "alice", "A");
            pikoDB.write("orders", "o1", 1);
            await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(registry.find("pikodb.records").gauges()).hasSize(2));
            pikoDB.deleteTable("orders");
            await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(registry.find("pikodb.records").gauges())
                    .extracting((gauge) -> gauge.getId().getTag("table"))
                    .containsExactly("users"));
            assertThat(registry.find("pikodb.disk.usage").gauges()).extracting(Meter::getId)
                .extracting((id) -> id.getTag("table"))
                .containsExactly("users");
        });
    }

    @Test
    void reportsNoTableFiguresOnceTheStoreIsClosed() {
        inDirectory().run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            PikoDB pikoDB = context.getBean(PikoDB.class);
            pikoDB.write("users", "alice", "A");
            context.getBean(PikoDBMetrics.class).refreshTableMeters();
            pikoDB.close();
            assertThat(registry.get("pikodb.tables").gauge().value()).isNaN();
            assertThat(registry.get("pikodb.records").tag("table", "users").gauge().value()).isNaN();
            assertThat(registry.get("pikodb.writes").functionCounter().count()).isEqualTo(1);
        });
    }

    @Test
    void backsOffWithoutMicrometer() {
        inDirectory().withClassLoader(new FilteredClassLoader("io.micrometer"))
            .run((context) -> assertThat(context).hasNotFailed()
                .hasSingleBean(PikoDB.class)
                .doesNotHaveBean(PikoDBMetrics.class));
    }

    @Test
    void backsOffWithoutAMeterRegistry() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class, PikoDBMetricsAutoConfiguration.class))
            .withPropertyValues("pikodb.database-directory=" + this.directory)
            .run((context) -> assertThat(context).hasSingleBean(PikoDB.class).doesNotHaveBean(PikoDBMetrics.class));
    }

    @Test
    void backsOffWhenPikoDBIsDisabled() {
        inDirectory().withPropertyValues("pikodb.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(PikoDBMetrics.class));
    }

    @Test
    void failsOnANonPositiveRefreshInterval() {
        inDirectory().withPropertyValues("pikodb.metrics.table-refresh-interval=0s")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .hasMessageContaining("pikodb.metrics.table-refresh-interval"));
    }

    @Test
    void stopsRefreshingWhenTheContextCloses() {
        inDirectory().withPropertyValues("pikodb.metrics.table-refresh-interval=20ms")
            .run((context) -> await().atMost(Duration.ofSeconds(10)).until(() -> metricsThreadAlive()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !metricsThreadAlive());
    }

    private static boolean metricsThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch((thread) -> thread.getName().equals("pikodb-metrics"));
    }
}
