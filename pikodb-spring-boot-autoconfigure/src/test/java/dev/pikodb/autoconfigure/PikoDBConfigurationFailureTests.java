package dev.pikodb.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

@ExtendWith(OutputCaptureExtension.class)
class PikoDBConfigurationFailureTests {

    @TempDir
    Path directory;

    /** The environment of the last context the runner created, which a failed context no longer gives out. */
    private static final ThreadLocal<org.springframework.core.env.Environment> lastEnvironment = new ThreadLocal<>();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withInitializer((context) -> lastEnvironment.set(context.getEnvironment()))
        .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class, PikoDBSchedulingAutoConfiguration.class,
                PikoDBCleanupAutoConfiguration.class));

    private ApplicationContextRunner inDirectory() {
        return this.runner.withPropertyValues("pikodb.database-directory=" + this.directory);
    }

    @Test
    void directoryUnderARegularFile() throws IOException {
        Path regularFile = Files.writeString(this.directory.resolve("not-a-directory"), "x");
        Path unusable = regularFile.resolve("data");
        this.runner.withPropertyValues("pikodb.database-directory=" + unusable).run((context) -> {
            FailureAnalysis analysis = analyzeStartupFailure(context);
            assertThat(analysis.getDescription()).contains("Property: pikodb.database-directory")
                .contains("Value: " + unusable.toAbsolutePath())
                .contains("the path " + regularFile.toAbsolutePath() + " (a parent of " + unusable.toAbsolutePath()
                        + ") exists but is a regular file, not a directory");
            assertThat(analysis.getAction()).contains("pikodb.database-directory").doesNotContain("permission");
        });
    }

    @Test
    void directoryThatIsARegularFile() throws IOException {
        Path regularFile = Files.writeString(this.directory.resolve("data"), "x");
        this.runner.withPropertyValues("pikodb.database-directory=" + regularFile).run((context) -> {
            FailureAnalysis analysis = analyzeStartupFailure(context);
            assertThat(analysis.getDescription()).contains("Property: pikodb.database-directory")
                .contains("Reason: the path " + regularFile.toAbsolutePath()
                        + " exists but is a regular file, not a directory");
            assertThat(analysis.getAction()).contains("Set pikodb.database-directory to a directory")
                .doesNotContain("permission");
            assertThat(regularFile).isRegularFile().hasContent("x");
        });
    }

    @Test
    void noDirectoryConfigured() {
        this.runner.run((context) -> {
            FailureAnalysis analysis = analyzeStartupFailure(context);
            assertThat(analysis.getDescription()).contains("Property: pikodb.database-directory")
                .contains("Value: null")
                .contains("no database directory is set");
            assertThat(analysis.getAction()).contains("Set pikodb.database-directory to a directory on persistent storage");
        });
        assertThat(Path.of("pikodb-data")).as("nothing created in the working directory").doesNotExist();
    }

    @Test
    void dictionaryWithBothMappings() {
        inDirectory()
            .withPropertyValues("pikodb.dictionaries.sensors.deflate.sensor=s",
                    "pikodb.dictionaries.sensors.inflate.s=sensor")
            .run((context) -> {
                FailureAnalysis analysis = analyzeStartupFailure(context);
                assertThat(analysis.getDescription()).contains("Property: pikodb.dictionaries.sensors")
                    .contains("both a 'deflate' and an 'inflate' mapping");
                assertThat(analysis.getAction()).contains("pikodb.dictionaries.sensors.deflate",
                        "pikodb.dictionaries.sensors.inflate");
            });
    }

    @Test
    void dictionaryWithNeitherMapping() {
        inDirectory().withPropertyValues("pikodb.dictionaries.sensors.deflate=").run((context) -> {
            FailureAnalysis analysis = analyzeStartupFailure(context);
            assertThat(analysis.getDescription()).contains("Property: pikodb.dictionaries.sensors")
                .contains("neither a 'deflate' nor an 'inflate' mapping");
            assertThat(analysis.getAction()).contains("pikodb.dictionaries.sensors.deflate.temperature=t");
        });
    }

    @Test
    void dictionaryThatIsNotOneToOne() {
        inDirectory()
            .withPropertyValues("pikodb.dictionaries.sensors.deflate.sensor=s",
                    "pikodb.dictionaries.sensors.deflate.status=s")
            .run((context) -> {
                FailureAnalysis analysis = analyzeStartupFailure(context);
                assertThat(analysis.getDescription()).contains("Property: pikodb.dictionaries.sensors.deflate")
                    .contains("not one-to-one");
            });
    }

    @Test
    void zeroCleanupInterval() {
        inDirectory().withPropertyValues("pikodb.cleanup.interval=0s").run((context) -> {
            FailureAnalysis analysis = analyzeStartupFailure(context);
            assertThat(analysis.getDescription()).contains("Property: pikodb.cleanup.interval")
                .contains("Value: 0s")
                .contains("must be positive");
            assertThat(analysis.getAction()).contains("pikodb.cleanup.interval", "pikodb.cleanup.enabled=false");
        });
    }

    @Test
    void negativeCleanupInterval() {
        inDirectory().withPropertyValues("pikodb.cleanup.interval=-5s").run((context) -> {
            FailureAnalysis analysis = analyzeStartupFailure(context);
            assertThat(analysis.getDescription()).contains("Property: pikodb.cleanup.interval")
                .contains("must be positive");
        });
    }

    @Test
    void registeredAnalyzerReportsTheFailureWhenTheApplicationFailsToStart(CapturedOutput output) {
        SpringApplication application = new SpringApplicationBuilder(MinimalApplication.class)
            .web(WebApplicationType.NONE)
            .properties("pikodb.database-directory=" + this.directory, "pikodb.cleanup.interval=-1s")
            .build();
        assertThatException().isThrownBy(application::run);
        assertThat(output).contains("APPLICATION FAILED TO START", "PikoDB could not be configured.",
                "Property: pikodb.cleanup.interval", "Set pikodb.cleanup.interval to a positive duration");
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ PikoDBAutoConfiguration.class, PikoDBSchedulingAutoConfiguration.class,
            PikoDBCleanupAutoConfiguration.class })
    static class MinimalApplication {

    }

    @Test
    void analyzerIgnoresOtherFailures() {
        assertThat(new PikoDBConfigurationFailureAnalyzer(null).analyze(new IllegalStateException("unrelated"))).isNull();
    }

    private static FailureAnalysis analyzeStartupFailure(AssertableApplicationContext context) {
        Throwable failure = context.getStartupFailure();
        assertThat(failure).isNotNull();
        FailureAnalysis analysis = new PikoDBConfigurationFailureAnalyzer(environmentOf(context)).analyze(failure);
        assertThat(analysis).as("analysis of %s", failure).isNotNull();
        assertThat(analysis.getCause()).isInstanceOf(PikoDBConfigurationException.class);
        return analysis;
    }

    private static org.springframework.core.env.Environment environmentOf(AssertableApplicationContext context) {
        return lastEnvironment.get();
    }
}
