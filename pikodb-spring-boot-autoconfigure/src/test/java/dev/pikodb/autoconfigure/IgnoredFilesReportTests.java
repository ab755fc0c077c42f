package dev.pikodb.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.autoconfigure.endpoint.PikoDBEndpoint;
import dev.pikodb.autoconfigure.endpoint.PikoDBEndpointAutoConfiguration;
import dev.pikodb.autoconfigure.health.PikoDBHealthContributorAutoConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Files in the database directory that are not tables and that the store did not create are shown by
 * the health indicator (which stays UP) and the endpoint, and are left as they are.
 */
class IgnoredFilesReportTests {

    @TempDir
    Path directory;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class,
                PikoDBHealthContributorAutoConfiguration.class, PikoDBEndpointAutoConfiguration.class));

    @Test
    void healthAndEndpointListIgnoredFiles() throws Exception {
        Path notes = this.directory.resolve("notes.tmp");
        Files.writeString(notes, "my notes", StandardCharsets.UTF_8);
        this.runner.withPropertyValues("pikodb.database-directory=" + this.directory,
                "management.endpoints.web.exposure.include=health,pikodb").run((context) -> {
            Health health = context.getBean("pikodbHealthContributor", HealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> ignored = (List<Map<String, Object>>) health.getDetails().get("ignored");
            assertThat(ignored).singleElement().satisfies((file) -> {
                assertThat(Path.of((String) file.get("file"))).isEqualTo(notes.toAbsolutePath().normalize());
                assertThat((String) file.get("reason")).isNotBlank();
            });

            PikoDBEndpoint.StoreDescriptor description = context.getBean(PikoDBEndpoint.class)
                .stores()
                .stores()
                .get("pikodb");
            assertThat(description.ignored()).singleElement()
                .satisfies((file) -> assertThat(file.file()).isEqualTo(notes.toAbsolutePath().normalize().toString()));
        });
        assertThat(Files.readString(notes, StandardCharsets.UTF_8)).isEqualTo("my notes");
    }
}
