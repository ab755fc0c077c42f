package dev.pikodb.autoconfigure.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;

/**
 * {@code @EnableCaching} without a {@code CacheManager}: the failure report names
 * {@code pikodb.cache.enabled} when PikoDB's cache is off, and stays out of the way otherwise.
 */
@ExtendWith(OutputCaptureExtension.class)
class PikoDBCacheNotEnabledFailureAnalyzerTests {

    @TempDir
    Path directory;

    /** PikoDB's store and cache, without Spring Boot's own cache auto-configuration (as without spring-boot-cache). */
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class, PikoDBCacheAutoConfiguration.class))
        .withUserConfiguration(CachingApplication.class);

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class CachingApplication {

    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    @ImportAutoConfiguration({ PikoDBAutoConfiguration.class, PikoDBCacheAutoConfiguration.class })
    static class MinimalCachingApplication {

    }

    @Test
    void enableCachingWithoutThePropertyIsReportedNamingIt() {
        this.runner.withPropertyValues("pikodb.database-directory=" + this.directory).run((context) -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new PikoDBCacheNotEnabledFailureAnalyzer(new MockEnvironment())
                .analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("@EnableCaching", CacheManager.class.getName(),
                    "pikodb.cache.enabled is true", "it is not set");
            assertThat(analysis.getAction()).contains("Set pikodb.cache.enabled=true");
            assertThat(analysis.getCause()).isInstanceOf(NoSuchBeanDefinitionException.class);
        });
    }

    @Test
    void thePropertySetToFalseIsQuoted() {
        this.runner.withPropertyValues("pikodb.database-directory=" + this.directory, "pikodb.cache.enabled=false")
            .run((context) -> {
                assertThat(context).hasFailed();
                FailureAnalysis analysis = new PikoDBCacheNotEnabledFailureAnalyzer(
                        new MockEnvironment().withProperty("pikodb.cache.enabled", "false"))
                    .analyze(context.getStartupFailure());
                assertThat(analysis).isNotNull();
                assertThat(analysis.getDescription()).contains("it is set to 'false'");
            });
    }

    @Test
    void withThePropertyTheApplicationStarts() {
        this.runner.withPropertyValues("pikodb.database-directory=" + this.directory, "pikodb.cache.enabled=true")
            .run((context) -> assertThat(context).hasNotFailed().hasSingleBean(CacheManager.class));
    }

    @Test
    void aMissingCacheManagerWithThePropertySetIsLeftToSpringBoot() {
        FailureAnalysis analysis = new PikoDBCacheNotEnabledFailureAnalyzer(
                new MockEnvironment().withProperty("pikodb.cache.enabled", "true"))
            .analyze(new IllegalStateException("no cache manager", new NoSuchBeanDefinitionException(CacheManager.class)));
        assertThat(analysis).isNull();
    }

    @Test
    void otherMissingBeansAreLeftToSpringBoot() {
        FailureAnalysis analysis = new PikoDBCacheNotEnabledFailureAnalyzer(new MockEnvironment())
            .analyze(new NoSuchBeanDefinitionException(String.class));
        assertThat(analysis).isNull();
    }

    @Test
    void registeredAnalyzerReportsTheFailureWhenTheApplicationFailsToStart(CapturedOutput output) {
        SpringApplication application = new SpringApplicationBuilder(MinimalCachingApplication.class)
            .web(WebApplicationType.NONE)
            .properties("pikodb.database-directory=" + this.directory)
            .build();
        assertThatException().isThrownBy(application::run);
        assertThat(output).contains("APPLICATION FAILED TO START", "PikoDB's cache manager is created only when"
                + " pikodb.cache.enabled is true", "Set pikodb.cache.enabled=true");
    }
}
