package dev.pikodb.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

import dev.pikodb.autoconfigure.endpoint.PikoDBEndpoint;
import dev.pikodb.autoconfigure.endpoint.PikoDBEndpointAutoConfiguration;
import dev.pikodb.autoconfigure.health.PikoDBHealthContributorAutoConfiguration;
import dev.pikodb.autoconfigure.health.PikoDBHealthIndicator;
import dev.pikodb.autoconfigure.metrics.PikoDBMetrics;
import dev.pikodb.autoconfigure.metrics.PikoDBMetricsAutoConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The conventions of Spring Boot's own auto-configuration modules.
 */
@ExtendWith(OutputCaptureExtension.class)
class PikoDBConventionsTests {

    private static final List<Class<?>> AUTO_CONFIGURATIONS = List.of(PikoDBAutoConfiguration.class,
            PikoDBSchedulingAutoConfiguration.class, PikoDBCleanupAutoConfiguration.class,
            PikoDBHealthContributorAutoConfiguration.class, PikoDBMetricsAutoConfiguration.class,
            PikoDBEndpointAutoConfiguration.class);

    @TempDir
    Path directory;

    @Test
    void autoConfigurationMetadataIsGeneratedForEveryAutoConfiguration() throws IOException {
        Properties metadata = new Properties();
        try (InputStream in = new ClassPathResource("META-INF/spring-autoconfigure-metadata.properties")
            .getInputStream()) {
            metadata.load(in);
        }
        for (Class<?> autoConfiguration : AUTO_CONFIGURATIONS) {
            assertThat(metadata.getProperty(autoConfiguration.getName() + ".ConditionalOnClass"))
                .as(autoConfiguration.getSimpleName())
                .contains("dev.pikodb.PikoDB");
        }
    }

    @Test
    void everyPackageIsNullMarked() {
        for (Class<?> type : List.of(PikoDBAutoConfiguration.class, PikoDBHealthIndicator.class, PikoDBMetrics.class,
                PikoDBEndpoint.class)) {
            assertThat(type.getPackage().isAnnotationPresent(NullMarked.class)).as(type.getPackageName()).isTrue();
        }
    }

    @Test
    void configurationFailuresAreSpringBootsInvalidPropertyValueFailures() {
        PikoDBConfigurationException failure = new PikoDBConfigurationException("pikodb.cleanup.interval", "0s",
                "must be positive", "Set it to 1m", null);
        assertThat(failure).isInstanceOf(InvalidConfigurationPropertyValueException.class);
        assertThat(failure.getName()).isEqualTo("pikodb.cleanup.interval");
        assertThat(failure.getValue()).isEqualTo("0s");
    }

    @Test
    void failureReportShowsTheValueAsWrittenAndWhereItWasWritten(CapturedOutput output) {
        SpringApplication application = new SpringApplicationBuilder(MinimalApplication.class)
            .web(WebApplicationType.NONE)
            .properties("pikodb.database-directory=" + this.directory,
                    "spring.config.location=classpath:/pikodb-invalid-interval.yml")
            .build();
        assertThatException().isThrownBy(application::run);
        assertThat(output).contains("Property: pikodb.cleanup.interval", "Value: 0s",
                "Origin: class path resource [pikodb-invalid-interval.yml] - 3:15",
                "Set pikodb.cleanup.interval to a positive duration");
    }

    @Test
    void failureReportOfADictionaryWithBothMappingsSaysWhereEachWasWritten(CapturedOutput output) {
        SpringApplication application = new SpringApplicationBuilder(MinimalApplication.class)
            .web(WebApplicationType.NONE)
            .properties("pikodb.database-directory=" + this.directory,
                    "spring.config.location=classpath:/pikodb-dictionary-both-mappings.yml")
            .build();
        assertThatException().isThrownBy(application::run);
        assertThat(output).contains("Property: pikodb.dictionaries.sensors",
                "Origin: class path resource [pikodb-dictionary-both-mappings.yml] - 5:17"
                        + " (pikodb.dictionaries.sensors.deflate)",
                "Origin: class path resource [pikodb-dictionary-both-mappings.yml] - 7:12"
                        + " (pikodb.dictionaries.sensors.inflate)",
                "has both a 'deflate' and an 'inflate' mapping");
    }

    @Test
    void configurationMetadataDescribesTheDictionaries() throws IOException {
        JsonNode metadata;
        try (InputStream in = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
            metadata = JsonMapper.builder().build().readTree(in);
        }
        Map<String, JsonNode> properties = new java.util.HashMap<>();
        metadata.path("properties").forEach((property) -> properties.put(property.path("name").asString(), property));
        assertThat(properties.get("pikodb.dictionaries").path("defaultValue").isObject()).isTrue();
        assertThat(properties.get("pikodb.dictionaries").path("defaultValue")).isEmpty();
        for (String name : new String[] { "pikodb.dictionaries.*.deflate", "pikodb.dictionaries.*.inflate" }) {
            assertThat(properties).containsKey(name);
            assertThat(properties.get(name).path("description").asString()).contains("Mutually exclusive");
        }
        assertThat(properties.get("pikodb.database-directory").path("description").asString())
            .contains("no default");
        assertThat(properties.get("pikodb.storage").path("type").asString()).endsWith("PikoDBProperties$Storage");
        assertThat(properties.get("pikodb.storage").path("description").asString()).contains("spring.data.redis");
        assertThat(properties.get("pikodb.max-open-journals").path("description").asString())
            .contains("open file limit");
        assertThat(properties.get("pikodb.events.queue-capacity").path("description").asString())
            .contains("dropped", "PikoDBChangesMissedEvent");
        assertThat(properties.get("pikodb.redis.key-prefix").path("defaultValue").asString()).isEqualTo("pikodb");
        assertThat(properties).containsKeys("pikodb.redis.connect-timeout", "pikodb.redis.command-timeout",
                "pikodb.redis.wait-for-replicas", "pikodb.redis.wait-for-replicas-timeout");
    }

    @Test
    void everyBeanNameStartsWithPikodb() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AUTO_CONFIGURATIONS.toArray(Class<?>[]::new)))
            .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
            .withPropertyValues("pikodb.database-directory=" + this.directory,
                    "management.endpoints.web.exposure.include=pikodb")
            .run((context) -> {
                List<String> ours = Arrays.stream(context.getBeanDefinitionNames())
                    .filter((name) -> context.getType(name) != null
                            && context.getType(name).getName().startsWith("dev.pikodb.")
                            && !context.getType(name).getSimpleName().endsWith("AutoConfiguration"))
                    .filter((name) -> !name.contains("."))
                    .toList();
                assertThat(ours).contains("pikodb", "pikodbScheduler", "pikodbCleanupScheduler",
                        "pikodbMeterBinder", "pikodbEndpoint")
                    .allSatisfy((name) -> assertThat(name).startsWith("pikodb"));
                assertThat(context).hasBean("pikodbHealthContributor").doesNotHaveBean("pikoDB");
            });
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ PikoDBAutoConfiguration.class, PikoDBSchedulingAutoConfiguration.class,
            PikoDBCleanupAutoConfiguration.class })
    static class MinimalApplication {

    }
}
