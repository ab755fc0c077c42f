package dev.pikodb.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pikodb.PikoDB;
import dev.pikodb.TableSummary;
import dev.pikodb.autoconfigure.endpoint.PikoDBEndpoint;
import dev.pikodb.autoconfigure.endpoint.PikoDBEndpointAutoConfiguration;
import dev.pikodb.autoconfigure.health.PikoDBHealthContributorAutoConfiguration;
import dev.pikodb.autoconfigure.metrics.PikoDBMeterBinder;
import dev.pikodb.autoconfigure.metrics.PikoDBMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Several {@link PikoDB} beans, handled the way Spring Boot handles several DataSources: each is cleaned
 * up, has a health contributor under its bean name, meters tagged with its bean name, and a place in
 * the endpoint.
 */
class PikoDBMultipleStoresTests {

    @TempDir
    static Path directory;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class, PikoDBSchedulingAutoConfiguration.class,
                PikoDBCleanupAutoConfiguration.class, PikoDBHealthContributorAutoConfiguration.class,
                PikoDBMetricsAutoConfiguration.class, PikoDBEndpointAutoConfiguration.class,
                MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class))
        .withPropertyValues("management.endpoints.web.exposure.include=pikodb", "pikodb.cleanup.interval=50ms");

    @Test
    void everyStoreIsServedWhenTheApplicationDefinesTwo() {
        this.runner.withUserConfiguration(TwoStores.class).run((context) -> {
            assertThat(context).hasNotFailed().doesNotHaveBean("pikodb");
            PikoDB orders = context.getBean("ordersStore", PikoDB.class);
            PikoDB archive = context.getBean("archiveStore", PikoDB.class);
            assertServed(context, orders, archive);
        });
    }

    @Test
    void disablingTheAutoConfiguredStoreKeepsServingTheApplicationStores() {
        this.runner.withUserConfiguration(TwoStores.class)
            .withPropertyValues("pikodb.enabled=false", "pikodb.database-directory=" + directory.resolve("unused"))
            .run((context) -> {
                assertThat(context).hasNotFailed().doesNotHaveBean("pikodb");
                assertServed(context, context.getBean("ordersStore", PikoDB.class),
                        context.getBean("archiveStore", PikoDB.class));
            });
        assertThat(directory.resolve("unused")).doesNotExist();
    }

    @Test
    void aSingleApplicationStoreGetsAPlainIndicator() {
        this.runner.withBean("onlyStore", PikoDB.class, () -> started(directory.resolve("only")))
            .run((context) -> {
                assertThat(context.getBean("pikodbHealthContributor")).isInstanceOf(HealthIndicator.class);
                assertThat(context.getBean(PikoDBEndpoint.class).stores().stores()).containsOnlyKeys("onlyStore");
            });
    }

    private static void assertServed(AssertableApplicationContext context, PikoDB orders, PikoDB archive) {
        long past = System.currentTimeMillis() - 60_000;
        orders.write("carts", "expired", "x", past);
        orders.write("carts", "live", "y");
        archive.write("old", "expired", "x", past);
        archive.write("old", "a", 1);
        archive.write("old", "b", 2);

        // scheduled cleanup of each store
        assertThat(context.getBean(PikoDBCleanupScheduler.class).getStoreNames())
            .containsExactlyInAnyOrder("ordersStore", "archiveStore");
        await().atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(orders.statistics().expiredRemoved() + archive.statistics().expiredRemoved())
                .isEqualTo(2));

        // a composite health contributor keyed by bean name
        HealthContributor contributor = context.getBean("pikodbHealthContributor", HealthContributor.class);
        assertThat(contributor).isInstanceOf(CompositeHealthContributor.class);
        CompositeHealthContributor composite = (CompositeHealthContributor) contributor;
        assertThat(composite.stream().map((entry) -> entry.name())).containsExactlyInAnyOrder("ordersStore",
                "archiveStore");
        HealthIndicator archiveHealth = (HealthIndicator) composite.getContributor("archiveStore");
        assertThat(archiveHealth.health().getStatus()).isEqualTo(Status.UP);
        assertThat(archiveHealth.health().getDetails()).containsEntry("records", 2L)
            .containsEntry("directory", archive.databaseDirectory().toAbsolutePath().toString());

        // meters tagged with the bean name
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        context.getBean(PikoDBMeterBinder.class).refreshTableMeters();
        assertThat(registry.get("pikodb.records").tag("store", "archiveStore").gauge().value()).isEqualTo(2);
        assertThat(registry.get("pikodb.records").tag("store", "ordersStore").gauge().value()).isEqualTo(1);
        assertThat(registry.get("pikodb.table.records").tag("store", "archiveStore").tag("table", "old").gauge().value())
            .isEqualTo(2);
        assertThat(registry.find("pikodb.tables").gauges()).hasSize(2);

        // an endpoint listing each store
        PikoDBEndpoint endpoint = context.getBean(PikoDBEndpoint.class);
        assertThat(endpoint.stores().stores()).containsOnlyKeys("ordersStore", "archiveStore");
        assertThat(endpoint.stores().stores().get("archiveStore").records()).isEqualTo(2);
        assertThat(endpoint.table("ordersStore", "carts").records()).isEqualTo(1);
        assertThat(endpoint.store("archiveStore", null, null).tables()).extracting(PikoDBEndpoint.TableDescriptor::name)
            .containsExactly("old");
        assertThat(endpoint.cleanup().removed()).containsOnlyKeys("ordersStore", "archiveStore");
        assertThat(archive.tableSummaries()).extracting(TableSummary::records).containsExactly(2);
    }

    static PikoDB started(Path path) {
        PikoDB pikoDB = new PikoDB(path);
        pikoDB.start();
        return pikoDB;
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoStores {

        @Bean
        PikoDB ordersStore() {
            return started(directory.resolve("orders-" + System.nanoTime()));
        }

        @Bean
        PikoDB archiveStore() {
            return started(directory.resolve("archive-" + System.nanoTime()));
        }
    }
}
