package dev.pikodb.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.endpoint.PikoDBEndpoint;
import dev.pikodb.autoconfigure.endpoint.PikoDBEndpointAutoConfiguration;
import dev.pikodb.autoconfigure.health.PikoDBHealthContributorAutoConfiguration;
import dev.pikodb.autoconfigure.metrics.PikoDBMetricsAutoConfiguration;
import dev.pikodb.redis.testing.RedisServer;
import dev.pikodb.redis.testing.RedisServers;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Health, meters and the endpoint of a store over a real Redis server and a real Redis Cluster. */
class PikoDBRedisActuatorTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, PikoDBAutoConfiguration.class,
                PikoDBSchedulingAutoConfiguration.class, PikoDBHealthContributorAutoConfiguration.class,
                PikoDBMetricsAutoConfiguration.class, PikoDBEndpointAutoConfiguration.class,
                MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class))
        .withPropertyValues("pikodb.storage=redis", "pikodb.cleanup.enabled=false",
                "management.endpoints.web.exposure.include=pikodb");

    private ApplicationContextRunner on(RedisServer server, String prefix) {
        return this.runner.withPropertyValues("spring.data.redis.host=127.0.0.1",
                "spring.data.redis.port=" + server.port(), "pikodb.redis.key-prefix=" + prefix);
    }

    @Test
    void healthMetricsAndEndpointDescribeARedisStore() {
        String prefix = RedisServers.uniquePrefix("actuator");
        RedisServer server = RedisServers.shared();
        on(server, prefix).run((context) -> {
            PikoDB pikoDB = context.getBean(PikoDB.class);
            pikoDB.write("users", "alice", Map.of("name", "Alice"));
            pikoDB.write("users", "bob", Map.of("name", "Bob"));
            pikoDB.write("orders", "o1", 1);

            Health health = health(context);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails())
                .containsEntry("storage", "redis://127.0.0.1:" + server.port() + " prefix " + prefix)
                .containsEntry("mode", "standalone")
                .containsEntry("ping", "PONG")
                .containsEntry("tables", 2)
                .containsEntry("maxmemoryPolicy", "noeviction")
                .containsKey("evictedKeys")
                .doesNotContainKeys("records", "directory", "freeDiskSpace", "diskSpaceThreshold", "clusterState",
                        "error", "warning");

            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("pikodb.tables").tag("store", "pikodb").gauge().value()).isEqualTo(2);
            assertThat(registry.get("pikodb.records").tag("store", "pikodb").gauge().value()).isEqualTo(3);

            PikoDBEndpoint.StoreDescriptor store = context.getBean(PikoDBEndpoint.class).stores().stores().get("pikodb");
            assertThat(store.storage()).isEqualTo(pikoDB.storageDescription());
            assertThat(store.directory()).isNull();
            assertThat(store.tables()).isEqualTo(2);
            assertThat(store.records()).isEqualTo(3);
        });
    }

    @Test
    void healthIsDownWhenRedisStopsAnswering() {
        RedisServer server = RedisServers.start();
        try {
            on(server, "down").withPropertyValues("pikodb.redis.command-timeout=1s").run((context) -> {
                assertThat(health(context).getStatus()).isEqualTo(Status.UP);
                server.stop();
                Health health = health(context);
                assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                assertThat(health.getDetails()).containsKey("storage").doesNotContainKey("freeDiskSpace");
                assertThat((String) health.getDetails().get("error")).contains("127.0.0.1:" + server.port());
            });
        }
        finally {
            server.stop();
        }
    }

    @Test
    void healthReportsTheClusterState() {
        String nodes = String.join(",", RedisServers.sharedCluster().seedUris()).replace("redis://", "");
        this.runner
            .withPropertyValues("spring.data.redis.cluster.nodes=" + nodes,
                    "pikodb.redis.key-prefix=" + RedisServers.uniquePrefix("clusterHealth"))
            .run((context) -> {
                Health health = health(context);
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails()).containsEntry("mode", "cluster")
                    .containsEntry("clusterState", "ok")
                    .containsEntry("ping", "PONG");
                assertThat((String) health.getDetails().get("storage")).startsWith("redis-cluster ");
            });
    }

    @Test
    void theHealthCheckSendsAsManyCommandsForFortyTablesAsForOne() {
        String prefix = RedisServers.uniquePrefix("healthCost");
        RedisServer server = RedisServers.start();
        try {
            on(server, prefix).run((context) -> {
                PikoDB pikoDB = context.getBean(PikoDB.class);
                pikoDB.write("t0", "k", 1);
                long forOne = commandsDuring(server, () -> assertThat(health(context).getStatus()).isEqualTo(Status.UP));
                for (int t = 1; t < 40; t++) {
                    pikoDB.write("t" + t, "k", 1);
                }
                long forForty = commandsDuring(server, () -> assertThat(health(context).getStatus()).isEqualTo(Status.UP));
                assertThat(forForty).as("commands of one health check with 40 tables").isEqualTo(forOne);
            });
        }
        finally {
            server.stop();
        }
    }

    /** Commands the server processed during an action (less the INFO calls that count them). */
    private static long commandsDuring(RedisServer server, Runnable action) {
        long before = processed(server);
        action.run();
        return processed(server) - before - 1;
    }

    private static long processed(RedisServer server) {
        try (dev.pikodb.redis.testing.Resp admin = server.admin()) {
            java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("total_commands_processed:(\\d+)")
                .matcher(admin.text("INFO", "stats"));
            assertThat(matcher.find()).isTrue();
            return Long.parseLong(matcher.group(1));
        }
    }

    private static Health health(AssertableApplicationContext context) {
        return context.getBean("pikodbHealthContributor", HealthIndicator.class).health();
    }
}
