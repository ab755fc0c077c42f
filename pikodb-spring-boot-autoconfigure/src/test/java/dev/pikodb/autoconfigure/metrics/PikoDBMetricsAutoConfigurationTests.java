package dev.pikodb.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBStatistics;
import dev.pikodb.TableSummary;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import dev.pikodb.autoconfigure.PikoDBSchedulingAutoConfiguration;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class PikoDBMetricsAutoConfigurationTests {

    @TempDir
    Path directory;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class, PikoDBSchedulingAutoConfiguration.class,
                PikoDBMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class));

    private ApplicationContextRunner inDirectory() {
        return this.runner.withPropertyValues("pikodb.database-directory=" + this.directory);
    }

    @Test
    void bindsMetersReadFromTheStore() {
        inDirectory().run((context) -> {
            assertThat(context).hasSingleBean(PikoDBMeterBinder.class).hasBean("pikodbMeterBinder");
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
            context.getBean(PikoDBMeterBinder.class).refreshTableMeters();

            PikoDBStatistics statistics = pikoDB.statistics();
            assertThat(registry.get("pikodb.tables").tag("store", "pikodb").gauge().value())
                .isEqualTo(pikoDB.tableSummaries().size());
            assertThat(registry.get("pikodb.reads").functionCounter().count()).isEqualTo(statistics.reads());
            FunctionTimer writes = registry.get("pikodb.writes").tag("result", "success").functionTimer();
            assertThat(writes.count()).isEqualTo(5);
            assertThat(writes.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            assertThat(registry.get("pikodb.writes").tag("result", "failure").functionTimer().count()).isZero();
            assertThat(registry.get("pikodb.deletes").functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("pikodb.expirations").functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("pikodb.journal.written").functionCounter().count())
                .isEqualTo(statistics.journalBytesWritten())
                .isPositive();
            FunctionTimer compactions = registry.get("pikodb.compactions").functionTimer();
            assertThat(compactions.count()).isEqualTo(pikoDB.statistics().compactions());

            TableSummary users = pikoDB.tableSummary("users").orElseThrow();
            assertThat(registry.get("pikodb.table.records").tag("table", "users").gauge().value())
                .isEqualTo(users.records());
            assertThat(registry.get("pikodb.table.records").tag("table", "orders").gauge().value()).isEqualTo(1);
            assertThat(registry.get("pikodb.table.disk.usage").tag("table", "users").gauge().value())
                .isEqualTo(users.bytesOnDisk())
                .isPositive();

            // values are live between refreshes
            pikoDB.write("orders", "o2", 43);
            assertThat(registry.get("pikodb.table.records").tag("table", "orders").gauge().value()).isEqualTo(2);
        });
    }

    @Test
    void followsNamingConventions() {
        inDirectory().run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            context.getBean(PikoDB.class).write("users", "alice", "A");
            context.getBean(PikoDBMeterBinder.class).refreshTableMeters();
            assertThat(registry.get("pikodb.disk.usage").meter().getId().getBaseUnit()).isEqualTo(BaseUnits.BYTES);
            assertThat(registry.get("pikodb.table.disk.usage").meter().getId().getBaseUnit())
                .isEqualTo(BaseUnits.BYTES);
            assertThat(registry.get("pikodb.journal.written").meter().getId().getBaseUnit()).isEqualTo(BaseUnits.BYTES);
            assertThat(registry.get("pikodb.records").meter().getId().getBaseUnit()).isEqualTo("records");
            assertThat(registry.getMeters()).filteredOn((meter) -> meter.getId().getName().startsWith("pikodb."))
                .allSatisfy((meter) -> {
                    assertThat(meter.getId().getDescription()).isNotBlank();
                    assertThat(meter.getId().getTag("store")).isEqualTo("pikodb");
                })
                .extracting((meter) -> meter.getId().getName())
                .containsExactlyInAnyOrder("pikodb.tables", "pikodb.records", "pikodb.disk.usage", "pikodb.reads",
                        "pikodb.writes", "pikodb.writes", "pikodb.deletes", "pikodb.expirations",
                        "pikodb.journal.written", "pikodb.compactions", "pikodb.events.dropped",
                        "pikodb.table.records", "pikodb.table.disk.usage");
            assertThat(registry.find("pikodb.write").meters()).as("no separate write timer").isEmpty();
        });
    }

    @Test
    void changesDroppedForASlowListenerAreCounted() {
        inDirectory().withPropertyValues("pikodb.events.queue-capacity=3").run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            PikoDB pikoDB = context.getBean(PikoDB.class);
            java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            pikoDB.subscribe((event) -> {
                blocked.countDown();
                try {
                    release.await();
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                pikoDB.write("t", "k0", 0);
                assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
                for (int i = 1; i <= 10; i++) {
                    pikoDB.write("t", "k" + i, i);
                }
                FunctionCounter dropped = registry.get("pikodb.events.dropped").functionCounter();
                assertThat(dropped.count()).as("k0 held by the listener, k1..k3 queued").isEqualTo(7);
                assertThat(dropped.getId().getBaseUnit()).isEqualTo("events");
            }
            finally {
                release.countDown();
            }
        });
    }

    @Test
    void totalsAreExactWithoutWaitingForARefresh() {
        inDirectory().withPropertyValues("pikodb.metrics.table-refresh-interval=1h").run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            PikoDB pikoDB = context.getBean(PikoDB.class);
            pikoDB.write("users", "alice", "A");
            pikoDB.write("sessions", "s1", "x", System.currentTimeMillis() + 60_000);
            pikoDB.write("sessions", "s2", "y", System.currentTimeMillis() - 60_000);
            // tables created after binding have no per-table meter until the next refresh ...
            assertThat(registry.find("pikodb.table.records").gauges()).isEmpty();
            // ... but the totals count them at once
            assertThat(registry.get("pikodb.records").gauge().value()).isEqualTo(3);
            assertThat(registry.get("pikodb.tables").gauge().value()).isEqualTo(2);
            pikoDB.cleanupAllExpired();
            assertThat(registry.get("pikodb.records").gauge().value()).isEqualTo(2);
            assertThat(registry.get("pikodb.disk.usage").gauge().value())
                .isEqualTo(pikoDB.tableSummaries().stream().mapToLong(TableSummary::bytesOnDisk).sum());
        });
    }

    @Test
    void perTableMetersAreCappedAndTheLimitIsLoggedOnce(CapturedOutput output) {
        inDirectory().withPropertyValues("pikodb.metrics.table-meters.max-tables=2").run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            PikoDB pikoDB = context.getBean(PikoDB.class);
            for (String table : new String[] { "a", "b", "c", "d", "e" }) {
                pikoDB.write(table, "k", 1);
            }
            PikoDBMeterBinder binder = context.getBean(PikoDBMeterBinder.class);
            binder.refreshTableMeters();
            binder.refreshTableMeters();
            assertThat(registry.find("pikodb.table.records").gauges()).extracting((gauge) -> gauge.getId().getTag("table"))
                .containsExactlyInAnyOrder("a", "b");
            assertThat(registry.find("pikodb.table.disk.usage").gauges()).hasSize(2);
            assertThat(registry.get("pikodb.records").gauge().value()).isEqualTo(5);
            // a freed slot goes to a table without meters; a table keeps its meters
            pikoDB.deleteTable("a");
            binder.refreshTableMeters();
            assertThat(registry.find("pikodb.table.records").gauges()).extracting((gauge) -> gauge.getId().getTag("table"))
                .containsExactlyInAnyOrder("b", "c");
        });
        assertThat(output.toString().split("per-table meters are limited to 2 tables", -1)).hasSize(2);
        assertThat(output).contains("pikodb.metrics.table-meters.max-tables");
    }

    @Test
    void perTableMetersCanBeTurnedOff() {
        inDirectory().withPropertyValues("pikodb.metrics.table-meters.enabled=false").run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            PikoDB pikoDB = context.getBean(PikoDB.class);
            pikoDB.write("users", "alice", "A");
            context.getBean(PikoDBMeterBinder.class).refreshTableMeters();
            assertThat(registry.find("pikodb.table.records").meters()).isEmpty();
            assertThat(registry.find("pikodb.table.disk.usage").meters()).isEmpty();
            assertThat(registry.get("pikodb.records").gauge().value()).isEqualTo(1);
            assertThat(context.getBean(PikoDBMeterBinder.class).isRunning()).as("nothing to refresh").isFalse();
        });
    }

    @Test
    void refreshKeepsTheMetersOfExistingTablesRegistered() {
        inDirectory().run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            PikoDB pikoDB = context.getBean(PikoDB.class);
            pikoDB.write("users", "alice", "A");
            PikoDBMeterBinder binder = context.getBean(PikoDBMeterBinder.class);
            binder.refreshTableMeters();
            Gauge users = registry.get("pikodb.table.records").tag("table", "users").gauge();
            pikoDB.write("orders", "o1", 1);
            binder.refreshTableMeters();
            binder.refreshTableMeters();
            assertThat(registry.get("pikodb.table.records").tag("table", "users").gauge()).isSameAs(users);
            assertThat(registry.getMeters()).contains(users);
        });
    }

    @Test
    void followsTablesCreatedAndDeleted() {
        inDirectory().withPropertyValues("pikodb.metrics.table-refresh-interval=50ms").run((context) -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            PikoDB pikoDB = context.getBean(PikoDB.class);
            assertThat(registry.find("pikodb.table.records").gauges()).isEmpty();
            pikoDB.write("users", "alice", "A");
            pikoDB.write("orders", "o1", 1);
            await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(registry.find("pikodb.table.records").gauges()).hasSize(2));
            pikoDB.deleteTable("orders");
            await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(registry.find("pikodb.table.records").gauges())
                    .extracting((gauge) -> gauge.getId().getTag("table"))
                    .containsExactly("users"));
            assertThat(registry.find("pikodb.table.disk.usage").gauges()).extracting(Meter::getId)
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
            context.getBean(PikoDBMeterBinder.class).refreshTableMeters();
            pikoDB.close();
            assertThat(registry.get("pikodb.tables").gauge().value()).isNaN();
            assertThat(registry.get("pikodb.records").gauge().value()).isNaN();
            assertThat(registry.get("pikodb.table.records").tag("table", "users").gauge().value()).isNaN();
            assertThat(registry.get("pikodb.writes").tag("result", "success").functionTimer().count()).isEqualTo(1);
        });
    }

    @Test
    void backsOffWithoutMicrometer() {
        inDirectory().withClassLoader(new FilteredClassLoader("io.micrometer"))
            .run((context) -> assertThat(context).hasNotFailed()
                .hasSingleBean(PikoDB.class)
                .doesNotHaveBean(PikoDBMeterBinder.class));
    }

    @Test
    void backsOffWithoutAMeterRegistry() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class,
                    PikoDBSchedulingAutoConfiguration.class, PikoDBMetricsAutoConfiguration.class))
            .withPropertyValues("pikodb.database-directory=" + this.directory)
            .run((context) -> assertThat(context).hasSingleBean(PikoDB.class).doesNotHaveBean(PikoDBMeterBinder.class));
    }

    @Test
    void backsOffWhenThereIsNoStore() {
        inDirectory().withPropertyValues("pikodb.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(PikoDBMeterBinder.class));
    }

    @Test
    void failsOnANonPositiveRefreshInterval() {
        inDirectory().withPropertyValues("pikodb.metrics.table-refresh-interval=0s")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .hasMessageContaining("pikodb.metrics.table-refresh-interval"));
    }

    @Test
    void failsOnANegativeTableLimit() {
        inDirectory().withPropertyValues("pikodb.metrics.table-meters.max-tables=-1")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .hasMessageContaining("pikodb.metrics.table-meters.max-tables"));
    }

    @Test
    void stopsRefreshingWhenTheContextStops() {
        inDirectory().withPropertyValues("pikodb.metrics.table-refresh-interval=20ms").run((context) -> {
            PikoDBMeterBinder binder = context.getBean(PikoDBMeterBinder.class);
            assertThat(binder.isRunning()).isTrue();
            context.stop();
            assertThat(binder.isRunning()).isFalse();
        });
    }
}
