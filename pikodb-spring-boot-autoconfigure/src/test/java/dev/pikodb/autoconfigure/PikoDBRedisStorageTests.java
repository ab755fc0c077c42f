package dev.pikodb.autoconfigure;

import static dev.pikodb.autoconfigure.PikoDBAutoConfigurationTests.findConfigurationException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBOutcomeUnknownException;
import dev.pikodb.redis.RedisStorage;
import dev.pikodb.redis.testing.RedisServer;
import dev.pikodb.redis.testing.RedisServers;
import dev.pikodb.redis.testing.Resp;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code pikodb.storage=redis}: the auto-configured store over a real redis-server, configured from
 * Spring Boot's own {@code spring.data.redis.*} settings.
 */
@ExtendWith(OutputCaptureExtension.class)
class PikoDBRedisStorageTests {

    @TempDir
    Path directory;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, PikoDBAutoConfiguration.class));

    private ApplicationContextRunner onSharedServer(String prefix) {
        return this.runner.withPropertyValues("pikodb.storage=redis", "pikodb.cleanup.enabled=false",
                "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + RedisServers.shared().port(),
                "pikodb.redis.key-prefix=" + prefix);
    }

    @Test
    void buildsTheStoreOverRedisFromSpringDataRedisSettings() {
        String prefix = RedisServers.uniquePrefix("boot");
        onSharedServer(prefix).run((context) -> {
            assertThat(context).hasSingleBean(PikoDB.class);
            PikoDB pikoDB = context.getBean(PikoDB.class);
            assertThat(pikoDB.isOpen()).isTrue();
            assertThat(pikoDB.databaseDirectory()).isNull();
            assertThat(pikoDB.options().storage()).isInstanceOf(RedisStorage.class);
            assertThat(pikoDB.storageDescription())
                .isEqualTo("redis://127.0.0.1:" + RedisServers.shared().port() + " prefix " + prefix);
            assertThat(pikoDB.storageHealth()).containsEntry("ping", "PONG").containsEntry("mode", "standalone");
            assertThat(pikoDB.write("notes", "n1", Map.of("text", "hello"))).isEqualTo(1);
        });
    }

    @Test
    void closingTheStoreIsLoggedWithoutClaimingAFlush(CapturedOutput output) {
        String prefix = RedisServers.uniquePrefix("closing");
        onSharedServer(prefix)
            .withConfiguration(AutoConfigurations.of(PikoDBSchedulingAutoConfiguration.class)) // logs the close
            .run((context) -> context.getBean(PikoDB.class).write("notes", "n1", "x"));
        String closed = output.getOut().lines().filter((line) -> line.contains("Closed PikoDB 'pikodb'")).findFirst()
            .orElseThrow(() -> new AssertionError("no close line in:\n" + output));
        assertThat(closed).containsPattern("Closed PikoDB 'pikodb' \\(redis://127\\.0\\.0\\.1:\\d+ prefix "
                + java.util.regex.Pattern.quote(prefix) + "\\) in \\d+ ms$").doesNotContain("flushed");
    }

    @Test
    void twoApplicationsWithOnePrefixShareTheData() {
        String prefix = RedisServers.uniquePrefix("shared");
        onSharedServer(prefix).run((first) -> onSharedServer(prefix).run((second) -> {
            PikoDB one = first.getBean(PikoDB.class);
            PikoDB two = second.getBean(PikoDB.class);
            assertThat(one.write("notes", "n1", "from one")).isEqualTo(1);
            assertThat(two.get("notes", "n1")).isEqualTo("from one");
            assertThat(two.write("notes", "n1", "from two")).isEqualTo(2);
            assertThat(one.getRecord("notes", "n1")).get().satisfies((record) -> {
                assertThat(record.version()).isEqualTo(2);
                assertThat(record.value()).isEqualTo("from two");
            });
        }));
        onSharedServer(RedisServers.uniquePrefix("other"))
            .run((context) -> assertThat(context.getBean(PikoDB.class).listTables()).isEmpty());
    }

    @Test
    void springDataRedisTimeoutAndClientNameApplyUnlessPikodbRedisSettingsAreSet() {
        String prefix = RedisServers.uniquePrefix("bootTimeout");
        ApplicationContextRunner boot = onSharedServer(prefix).withPropertyValues("spring.data.redis.timeout=500ms",
                "spring.data.redis.client-name=orders-app");
        boot.run((context) -> {
            PikoDB pikoDB = context.getBean(PikoDB.class);
            pikoDB.write("t", "k", 1);
            try (Resp admin = RedisServers.shared().admin()) {
                assertThat(admin.text("CLIENT", "LIST")).contains("name=orders-app");
            }
            assertThat(timedOutWrite(pikoDB)).contains("500 millisecond");
        });
        boot.withPropertyValues("pikodb.redis.command-timeout=1s").run((context) -> {
            assertThat(timedOutWrite(context.getBean(PikoDB.class))).contains("1 second");
        });
    }

    /**
     * The message of a write that times out while the server holds writes. The pause lasts far longer
     * than the test (the UNPAUSE below ends it), so however late a loaded machine sends the write, the
     * pause cannot end before the write's timeout.
     */
    private static String timedOutWrite(PikoDB pikoDB) {
        try (Resp admin = RedisServers.shared().admin()) {
            admin.call("CLIENT", "PAUSE", "600000", "WRITE");
            try {
                pikoDB.write("t", "k", 2);
                throw new AssertionError("the write should have timed out");
            }
            catch (PikoDBOutcomeUnknownException ex) {
                return ex.getMessage();
            }
            finally {
                admin.call("CLIENT", "UNPAUSE");
            }
        }
    }

    @Test
    void usesCredentialsAndDatabaseFromSpringDataRedis() {
        String password = "s3cr:t@/%";
        RedisServer server = RedisServers.start();
        try {
            try (Resp admin = server.admin()) {
                admin.call("CONFIG", "SET", "requirepass", password);
            }
            ApplicationContextRunner secured = this.runner.withPropertyValues("pikodb.storage=redis",
                    "pikodb.cleanup.enabled=false", "spring.data.redis.port=" + server.port(),
                    "spring.data.redis.database=3");
            secured.withPropertyValues("spring.data.redis.password=" + password).run((context) -> {
                PikoDB pikoDB = context.getBean(PikoDB.class);
                assertThat(pikoDB.storageDescription()).contains(":" + server.port() + "/3 prefix pikodb")
                    .doesNotContain(password);
                pikoDB.write("t", "k", "v");
            });
            try (Resp admin = server.admin()) {
                admin.call("AUTH", password);
                admin.call("SELECT", "3");
                assertThat((java.util.List<?>) admin.call("KEYS", "{pikodb:t:*}:r")).isNotEmpty();
            }
            secured.withPropertyValues("spring.data.redis.password=wrong").run((context) -> {
                assertThat(context).hasFailed();
                PikoDBConfigurationException failure = findConfigurationException(context.getStartupFailure());
                assertThat(failure.getProperty()).isEqualTo("spring.data.redis");
                assertThat(failure.getAction()).contains("password");
            });
        }
        finally {
            server.stop();
        }
    }

    @Test
    void connectsToAClusterWithTopologyRefreshFromClusterNodes() {
        String nodes = String.join(",", RedisServers.sharedCluster().seedUris()).replace("redis://", "");
        this.runner
            .withPropertyValues("pikodb.storage=redis", "pikodb.cleanup.enabled=false",
                    "spring.data.redis.cluster.nodes=" + nodes,
                    "pikodb.redis.key-prefix=" + RedisServers.uniquePrefix("cluster"))
            .run((context) -> {
                PikoDB pikoDB = context.getBean(PikoDB.class);
                assertThat(pikoDB.storageDescription()).startsWith("redis-cluster ");
                assertThat(pikoDB.storageHealth()).containsEntry("mode", "cluster")
                    .containsEntry("clusterState", "ok");
                for (int i = 0; i < 10; i++) {
                    pikoDB.write("table" + i, "k", i);
                }
                assertThat(pikoDB.listTables()).hasSize(10);
            });
    }

    @Test
    void findsTheMasterThroughASentinel() {
        RedisServer master = RedisServers.start();
        RedisServer sentinel = RedisServers.startSentinel("orders", master);
        try {
            this.runner
                .withPropertyValues("pikodb.storage=redis", "pikodb.cleanup.enabled=false",
                        "spring.data.redis.sentinel.master=orders",
                        "spring.data.redis.sentinel.nodes=127.0.0.1:" + sentinel.port(),
                        "spring.data.redis.database=1")
                .run((context) -> {
                    PikoDB pikoDB = context.getBean(PikoDB.class);
                    assertThat(pikoDB.storageDescription())
                        .isEqualTo("redis-sentinel://127.0.0.1:" + sentinel.port() + "/1 master orders prefix pikodb");
                    pikoDB.write("t", "k", "v");
                });
            try (Resp admin = master.admin()) {
                admin.call("SELECT", "1");
                assertThat((java.util.List<?>) admin.call("KEYS", "{pikodb:t:*}:r")).isNotEmpty();
            }
        }
        finally {
            sentinel.stop();
            master.stop();
        }
    }

    @Test
    void usesConnectionDetailsTheApplicationDefines() {
        int port = RedisServers.shared().port();
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class))
            .withPropertyValues("pikodb.storage=redis", "pikodb.cleanup.enabled=false")
            .withBean(DataRedisConnectionDetails.class, () -> new DataRedisConnectionDetails() {
                @Override
                public Standalone getStandalone() {
                    return Standalone.of("127.0.0.1", port, 5);
                }
            })
            .run((context) -> assertThat(context.getBean(PikoDB.class).storageDescription())
                .isEqualTo("redis://127.0.0.1:" + port + "/5 prefix pikodb"));
    }

    @Test
    void failsWithoutConnectionDetails() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class))
            .withPropertyValues("pikodb.storage=redis")
            .run((context) -> assertFailure(context, "pikodb.storage", "DataRedisConnectionDetails"));
    }

    @Test
    void failsNamingPikodbRedisWhenItIsMissing() {
        onSharedServer("missing").withClassLoader(new FilteredClassLoader(RedisStorage.class))
            .run((context) -> assertFailure(context, "pikodb.storage", "dev.pikodb:pikodb-redis"));
    }

    @Test
    void failsNamingSpringDataRedisWhenItIsMissing() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class))
            .withPropertyValues("pikodb.storage=redis")
            .withClassLoader(new FilteredClassLoader(DataRedisConnectionDetails.class))
            .run((context) -> assertFailure(context, "pikodb.storage", "spring-boot-starter-data-redis"));
    }

    @Test
    void aDirectoryTogetherWithRedisIsAConfigurationError() {
        onSharedServer("both").withPropertyValues("pikodb.database-directory=" + this.directory)
            .run((context) -> {
                PikoDBConfigurationException failure = assertFailure(context, "pikodb.database-directory",
                        "pikodb.storage=redis");
                assertThat(failure.getAction()).contains("Remove pikodb.database-directory")
                    .contains("pikodb.storage=directory");
            });
    }

    @Test
    void anEmptyDirectoryCountsAsUnsetSoAProfileCanSwitchToRedis() {
        onSharedServer(RedisServers.uniquePrefix("profile")).withPropertyValues("pikodb.database-directory=")
            .run((context) -> assertThat(context.getBean(PikoDB.class).databaseDirectory()).isNull());
        this.runner.withPropertyValues("pikodb.database-directory=")
            .run((context) -> assertFailure(context, "pikodb.database-directory", "no database directory is set"));
    }

    @Test
    void directoryStorageNeedsNoRedisAndIsTheDefault() {
        this.runner.withPropertyValues("pikodb.database-directory=" + this.directory, "pikodb.cleanup.enabled=false")
            .run((context) -> {
                PikoDB pikoDB = context.getBean(PikoDB.class);
                assertThat(pikoDB.databaseDirectory()).isEqualTo(this.directory);
                assertThat(pikoDB.storageHealth()).isEmpty();
            });
    }

    @Test
    void waitForReplicasMakesChangesWaitForThem() {
        onSharedServer(RedisServers.uniquePrefix("wait"))
            .withPropertyValues("pikodb.redis.wait-for-replicas=1", "pikodb.redis.wait-for-replicas-timeout=100ms")
            .run((context) -> {
                PikoDB pikoDB = context.getBean(PikoDB.class);
                assertThatThrownBy(() -> pikoDB.write("t", "k", "v"))
                    .isInstanceOf(PikoDBOutcomeUnknownException.class);
            });
    }

    @Test
    void invalidRedisPropertiesNameTheProperty() {
        onSharedServer("bad").withPropertyValues("pikodb.redis.key-prefix={x}")
            .run((context) -> assertFailure(context, "pikodb.redis.key-prefix", "{x}"));
        onSharedServer("bad")
            .withPropertyValues("pikodb.redis.wait-for-replicas=1", "pikodb.redis.wait-for-replicas-timeout=10s")
            .run((context) -> assertFailure(context, "pikodb.redis.wait-for-replicas-timeout", "commandTimeout"));
    }

    @Test
    void anUnreachableServerIsReportedAgainstSpringDataRedis() {
        RedisServer server = RedisServers.start();
        int port = server.port();
        server.stop();
        this.runner.withPropertyValues("pikodb.storage=redis", "spring.data.redis.port=" + port,
                "pikodb.redis.connect-timeout=1s")
            .run((context) -> assertFailure(context, "spring.data.redis", "localhost:" + port));
    }

    @Test
    void backsOffForTheApplicationsOwnStore() {
        onSharedServer("own").withUserConfiguration(OwnStore.class).run((context) -> {
            assertThat(context).hasSingleBean(PikoDB.class);
            assertThat(context.getBean(PikoDB.class).databaseDirectory()).isNotNull();
        });
    }

    private static PikoDBConfigurationException assertFailure(AssertableApplicationContext context, String property,
            String text) {
        assertThat(context).hasFailed();
        PikoDBConfigurationException failure = findConfigurationException(context.getStartupFailure());
        assertThat(failure).as("configuration failure in %s", context.getStartupFailure()).isNotNull();
        assertThat(failure.getProperty()).isEqualTo(property);
        assertThat(failure.getMessage() + " " + failure.getAction()).contains(text);
        return failure;
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnStore {

        @Bean(destroyMethod = "close")
        PikoDB ownStore(@org.springframework.beans.factory.annotation.Value("${java.io.tmpdir}") Path tmp) {
            PikoDB pikoDB = new PikoDB(dev.pikodb.DatabaseOptions.builder()
                .databaseDirectory(tmp.resolve("pikodb-own-" + System.nanoTime())).build());
            pikoDB.start();
            return pikoDB;
        }
    }
}
