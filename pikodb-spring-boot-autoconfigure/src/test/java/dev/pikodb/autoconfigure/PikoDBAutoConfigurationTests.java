package dev.pikodb.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.autoconfigure.endpoint.PikoDBEndpointAutoConfiguration;
import dev.pikodb.autoconfigure.health.PikoDBHealthContributorAutoConfiguration;
import dev.pikodb.autoconfigure.metrics.PikoDBMetricsAutoConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

class PikoDBAutoConfigurationTests {

    @TempDir
    Path directory;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class, PikoDBSchedulingAutoConfiguration.class,
                PikoDBCleanupAutoConfiguration.class));

    private ApplicationContextRunner inDirectory() {
        return this.runner.withPropertyValues("pikodb.database-directory=" + this.directory);
    }

    @Test
    void createsAStartedStoreWithDefaults() {
        inDirectory().run((context) -> {
            assertThat(context).hasSingleBean(PikoDB.class).hasSingleBean(PikoDBProperties.class);
            PikoDB pikoDB = context.getBean(PikoDB.class);
            assertThat(pikoDB.isOpen()).isTrue();
            assertThat(pikoDB.databaseDirectory()).isEqualTo(this.directory);
            assertThat(pikoDB.options().durableWrites()).isFalse();
            assertThat(pikoDB.options().jsonMapper()).isNull();
            assertThat(pikoDB.listDictionaries()).isEmpty();
            assertThat(pikoDB.write("users", "alice", Map.of("name", "Alice"))).isEqualTo(1);
            assertThat(context).hasSingleBean(PikoDBCleanupScheduler.class);
            assertThat(context.getBean(PikoDBCleanupScheduler.class).getInterval()).isEqualTo(Duration.ofMinutes(1));
            assertThat(context.getBean(PikoDBCleanupScheduler.class).isRunning()).isTrue();
        });
    }

    @Test
    void propertiesHaveDocumentedDefaults() {
        PikoDBProperties properties = new PikoDBProperties();
        assertThat(properties.isEnabled()).isTrue();
        assertThat(properties.getDatabaseDirectory()).isNull();
        assertThat(properties.getStorage()).isEqualTo(PikoDBProperties.Storage.DIRECTORY);
        assertThat(properties.getMaxOpenJournals()).isNull();
        assertThat(properties.getRedis().getKeyPrefix()).isEqualTo("pikodb");
        assertThat(properties.getRedis().getWaitForReplicas()).isZero();
        assertThat(properties.getRedis().getWaitForReplicasTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(properties.getRedis().getConnectTimeout()).isNull();
        assertThat(properties.getRedis().getCommandTimeout()).isNull();
        assertThat(properties.isDurableWrites()).isFalse();
        assertThat(properties.getDictionaries()).isEmpty();
        assertThat(properties.getCleanup().isEnabled()).isTrue();
        assertThat(properties.getCleanup().getInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(properties.getMetrics().getTableRefreshInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.getMetrics().getTableMeters().isEnabled()).isTrue();
        assertThat(properties.getMetrics().getTableMeters().getMaxTables()).isEqualTo(100);
        assertThat(properties.getHealth().getDiskSpaceThreshold()).isEqualTo(DataSize.ofMegabytes(10));
    }

    @Test
    void bindsEveryProperty() {
        inDirectory()
            .withPropertyValues("pikodb.durable-writes=true", "pikodb.dictionaries.sensors.deflate.sensor=s",
                    "pikodb.dictionaries.sensors.deflate.temperature=t", "pikodb.dictionaries.users.inflate.n=name",
                    "pikodb.cleanup.interval=250ms", "pikodb.metrics.table-refresh-interval=5s")
            .run((context) -> {
                PikoDBProperties properties = context.getBean(PikoDBProperties.class);
                assertThat(properties.getCleanup().getInterval()).isEqualTo(Duration.ofMillis(250));
                assertThat(properties.getMetrics().getTableRefreshInterval()).isEqualTo(Duration.ofSeconds(5));
                PikoDB pikoDB = context.getBean(PikoDB.class);
                DatabaseOptions options = pikoDB.options();
                assertThat(options.durableWrites()).isTrue();
                assertThat(options.dictionaries()).containsOnlyKeys("sensors", "users");
                assertThat(options.dictionaries().get("sensors"))
                    .isEqualTo(Dictionary.deflate(Map.of("sensor", "s", "temperature", "t")));
                assertThat(options.dictionaries().get("users").inflateMapping()).isEqualTo(Map.of("n", "name"));
                assertThat(pikoDB.listDictionaries()).containsExactly("sensors", "users");
                assertThat(context.getBean(PikoDBCleanupScheduler.class).getInterval())
                    .isEqualTo(Duration.ofMillis(250));

                pikoDB.write("readings", "r1", Map.of("sensor", "DHT22", "temperature", 23.5), null, "sensors");
                pikoDB.flush();
                String file = Files.readString(this.directory.resolve("readings"), StandardCharsets.UTF_8);
                assertThat(file).contains("\"s\":\"DHT22\"").doesNotContain("temperature");
                assertThat(pikoDB.get("readings", "r1")).isEqualTo(Map.of("sensor", "DHT22", "temperature", 23.5));
            });
    }

    @Test
    void createsAMissingDirectory() {
        Path nested = this.directory.resolve("a/b/data");
        this.runner.withPropertyValues("pikodb.database-directory=" + nested).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(nested).isDirectory();
        });
    }

    @Test
    void backsOffWhenTheApplicationDefinesAPikoDB() {
        Path own = this.directory.resolve("own");
        inDirectory().withBean("ownPikoDB", PikoDB.class, () -> {
            PikoDB pikoDB = new PikoDB(own);
            pikoDB.start();
            return pikoDB;
        }).run((context) -> {
            assertThat(context).hasSingleBean(PikoDB.class).hasBean("ownPikoDB").doesNotHaveBean("pikodb");
            assertThat(context.getBean(PikoDB.class).databaseDirectory()).isEqualTo(own);
            // the scheduled cleanup serves the application's store
            assertThat(context).hasSingleBean(PikoDBCleanupScheduler.class);
        });
    }

    @Test
    void createsNothingWhenDisabled() {
        inDirectory().withPropertyValues("pikodb.enabled=false").run((context) -> {
            assertThat(context).hasNotFailed()
                .doesNotHaveBean(PikoDB.class)
                .doesNotHaveBean(PikoDBProperties.class)
                .doesNotHaveBean(PikoDBCleanupScheduler.class);
            assertThat(this.directory).isEmptyDirectory();
        });
    }

    @Test
    void registersEveryAutoConfiguration() {
        assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
            .contains(PikoDBAutoConfiguration.class.getName(), PikoDBSchedulingAutoConfiguration.class.getName(),
                    PikoDBCleanupAutoConfiguration.class.getName(),
                    PikoDBHealthContributorAutoConfiguration.class.getName(),
                    PikoDBMetricsAutoConfiguration.class.getName(), PikoDBEndpointAutoConfiguration.class.getName());
    }

    @Test
    void worksWithoutActuatorOrMicrometer() {
        inDirectory()
            .withConfiguration(AutoConfigurations.of(PikoDBHealthContributorAutoConfiguration.class,
                    PikoDBMetricsAutoConfiguration.class, PikoDBEndpointAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=*")
            .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate",
                    "org.springframework.boot.health", "org.springframework.boot.micrometer", "io.micrometer"))
            .run((context) -> {
                assertThat(context).hasNotFailed()
                    .hasSingleBean(PikoDB.class)
                    .hasSingleBean(PikoDBCleanupScheduler.class);
                assertThat(context.getBeanDefinitionNames())
                    .noneMatch((name) -> name.toLowerCase(Locale.ROOT).matches(".*(health|metrics|endpoint).*"));
            });
    }

    @Test
    void noCleanupWhenDisabled() {
        inDirectory().withPropertyValues("pikodb.cleanup.enabled=false").run((context) -> {
            assertThat(context).hasSingleBean(PikoDB.class).doesNotHaveBean(PikoDBCleanupScheduler.class);
        });
    }

    @Test
    void disabledCleanupIgnoresItsInterval() {
        inDirectory().withPropertyValues("pikodb.cleanup.enabled=false", "pikodb.cleanup.interval=0s")
            .run((context) -> assertThat(context).hasNotFailed().hasSingleBean(PikoDB.class));
    }

    @Test
    void appliesEveryCustomizerInOrder() {
        inDirectory().withUserConfiguration(CustomizerConfiguration.class).run((context) -> {
            CustomizerConfiguration configuration = context.getBean(CustomizerConfiguration.class);
            assertThat(configuration.applied).containsExactly("first", "second");
            PikoDB pikoDB = context.getBean(PikoDB.class);
            assertThat(pikoDB.options().durableWrites()).isTrue();
            assertThat(pikoDB.listDictionaries()).containsExactly("fromCustomizer");
        });
    }

    @Test
    void storesValuesWithItsOwnMapperWhateverTheApplicationJacksonSettings() throws IOException {
        this.runner.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
            .withPropertyValues("pikodb.database-directory=" + this.directory,
                    "spring.jackson.property-naming-strategy=SNAKE_CASE")
            .run((context) -> {
                JsonMapper applicationMapper = context.getBean(JsonMapper.class);
                assertThat(applicationMapper.writeValueAsString(new Reading("DHT22", 23.5))).contains("sensor_name");
                PikoDB pikoDB = context.getBean(PikoDB.class);
                pikoDB.write("readings", "r1", new Reading("DHT22", 23.5));
                assertThat(pikoDB.get("readings", "r1", Reading.class)).isEqualTo(new Reading("DHT22", 23.5));
            });
        String file = Files.readString(this.directory.resolve("readings"), StandardCharsets.UTF_8);
        assertThat(file).contains("\"sensorName\":\"DHT22\"", "\"temperatureCelsius\":23.5")
            .doesNotContain("sensor_name");
    }

    @Test
    void usesTheApplicationMapperOnlyWhenACustomizerOptsIn() throws IOException {
        this.runner.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
            .withPropertyValues("pikodb.database-directory=" + this.directory,
                    "spring.jackson.property-naming-strategy=SNAKE_CASE")
            .withUserConfiguration(ApplicationMapperConfiguration.class)
            .run((context) -> context.getBean(PikoDB.class).write("readings", "r1", new Reading("DHT22", 23.5)));
        String file = Files.readString(this.directory.resolve("readings"), StandardCharsets.UTF_8);
        assertThat(file).contains("\"sensor_name\":\"DHT22\"").doesNotContain("sensorName");
    }

    @Test
    void keepsDataAcrossARestartAndReleasesTheDirectoryOnShutdown() {
        inDirectory().run((context) -> {
            PikoDB pikoDB = context.getBean(PikoDB.class);
            pikoDB.write("users", "alice", Map.of("name", "Alice"));
            pikoDB.write("users", "alice", Map.of("name", "Alice", "age", 30));

            PikoDB intruder = new PikoDB(this.directory);
            assertThatThrownBy(intruder::start).isInstanceOf(PikoDBException.class);
            intruder.close();
        });
        // the first context released the lock: a plain PikoDB can open the directory
        try (PikoDB plain = new PikoDB(this.directory)) {
            plain.start();
            assertThat(plain.getRecord("users", "alice")).hasValueSatisfying((record) -> {
                assertThat(record.value()).isEqualTo(Map.of("name", "Alice", "age", 30));
                assertThat(record.version()).isEqualTo(2);
            });
        }
        inDirectory().run((context) -> {
            PikoDB pikoDB = context.getBean(PikoDB.class);
            assertThat(pikoDB.get("users", "alice")).isEqualTo(Map.of("name", "Alice", "age", 30));
            assertThat(pikoDB.write("users", "alice", Map.of("name", "Alice", "age", 31))).isEqualTo(3);
        });
    }

    @Test
    void maxOpenJournalsReachesTheOptions() {
        inDirectory().run((context) -> assertThat(context.getBean(PikoDB.class).options().maxOpenJournals())
            .isEqualTo(DatabaseOptions.DEFAULT_MAX_OPEN_JOURNALS));
        inDirectory().withPropertyValues("pikodb.max-open-journals=7")
            .run((context) -> assertThat(context.getBean(PikoDB.class).options().maxOpenJournals()).isEqualTo(7));
        inDirectory().withPropertyValues("pikodb.max-open-journals=0").run((context) -> {
            assertThat(context).hasFailed();
            PikoDBConfigurationException failure = findConfigurationException(context.getStartupFailure());
            assertThat(failure.getProperty()).isEqualTo("pikodb.max-open-journals");
            assertThat(failure.getAction()).contains("at least 1");
        });
    }

    @Test
    void changeEventQueueCapacityReachesTheOptions() {
        inDirectory().run((context) -> assertThat(context.getBean(PikoDB.class).options().changeEventQueueCapacity())
            .isEqualTo(DatabaseOptions.DEFAULT_CHANGE_EVENT_QUEUE_CAPACITY));
        inDirectory().withPropertyValues("pikodb.events.queue-capacity=500")
            .run((context) -> assertThat(context.getBean(PikoDB.class).options().changeEventQueueCapacity())
                .isEqualTo(500));
        inDirectory().withPropertyValues("pikodb.events.queue-capacity=0").run((context) -> {
            assertThat(context).hasFailed();
            PikoDBConfigurationException failure = findConfigurationException(context.getStartupFailure());
            assertThat(failure.getProperty()).isEqualTo("pikodb.events.queue-capacity");
            assertThat(failure.getAction()).contains("at least 1");
        });
    }

    @Test
    void closesTheStoreWhenTheContextCloses() {
        List<PikoDB> created = new ArrayList<>();
        inDirectory().run((context) -> created.add(context.getBean(PikoDB.class)));
        assertThat(created).singleElement().satisfies((pikoDB) -> assertThat(pikoDB.isOpen()).isFalse());
    }

    @Test
    void failsWhenAnotherContextHoldsTheDirectory() {
        inDirectory().run((first) -> inDirectory().run((second) -> {
            assertThat(second).hasFailed();
            assertThat(second.getStartupFailure()).rootCause().isInstanceOf(PikoDBException.class);
            PikoDBConfigurationException failure = findConfigurationException(second.getStartupFailure());
            assertThat(failure.getProperty()).isEqualTo("pikodb.database-directory");
            assertThat(failure.getMessage()).contains(this.directory.toString());
            assertThat(first.getBean(PikoDB.class).isOpen()).isTrue();
        }));
    }

    static PikoDBConfigurationException findConfigurationException(Throwable failure) {
        Throwable candidate = failure;
        while (candidate != null) {
            if (candidate instanceof PikoDBConfigurationException configurationException) {
                return configurationException;
            }
            candidate = candidate.getCause();
        }
        throw new AssertionError("No PikoDBConfigurationException in " + failure, failure);
    }

    record Reading(String sensorName, double temperatureCelsius) {
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomizerConfiguration {

        final List<String> applied = new ArrayList<>();

        @Bean
        @Order(2)
        PikoDBOptionsCustomizer second() {
            return (options) -> {
                this.applied.add("second");
                options.durableWrites(true);
            };
        }

        @Bean
        @Order(1)
        PikoDBOptionsCustomizer first() {
            return (options) -> {
                this.applied.add("first");
                options.dictionary("fromCustomizer", Dictionary.deflate(Map.of("name", "n")));
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ApplicationMapperConfiguration {

        @Bean
        @Order(1)
        PikoDBOptionsCustomizer useApplicationJsonMapper(JsonMapper jsonMapper) {
            return (options) -> options.jsonMapper(jsonMapper);
        }
    }
}
