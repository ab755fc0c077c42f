package dev.pikodb.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

class PikoDBHealthContributorAutoConfigurationTests {

    @TempDir
    Path directory;

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(PikoDBAutoConfiguration.class, PikoDBHealthContributorAutoConfiguration.class));

    private ApplicationContextRunner inDirectory() {
        return this.runner.withPropertyValues("pikodb.database-directory=" + this.directory);
    }

    @Test
    void upWithDetails() {
        inDirectory().withPropertyValues("pikodb.durable-writes=true").run((context) -> {
            assertThat(context).hasSingleBean(PikoDBHealthIndicator.class).hasBean("pikodbHealthContributor");
            PikoDB pikoDB = context.getBean(PikoDB.class);
            pikoDB.write("users", "alice", Map.of("name", "Alice"));
            pikoDB.write("users", "bob", Map.of("name", "Bob"));
            pikoDB.write("orders", "o1", List.of(1, 2, 3));
            Health health = health(context);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("directory", this.directory.toAbsolutePath().toString())
                .containsEntry("tables", 2)
                .containsEntry("records", 3L)
                .containsEntry("durableWrites", true)
                .containsKey("freeDiskSpace")
                .containsEntry("diskSpaceThreshold", DataSize.ofMegabytes(10).toBytes())
                .doesNotContainKeys("failedTables", "quarantined", "error");
            assertThat((Long) health.getDetails().get("freeDiskSpace")).isPositive();
            try (var files = Files.list(this.directory)) {
                assertThat(files.map((file) -> file.getFileName().toString()))
                    .noneMatch((name) -> name.startsWith(".health-probe"));
            }
        });
    }

    @Test
    void checkingHealthWritesNothingToTheDirectory() throws Exception {
        inDirectory().run((context) -> {
            context.getBean(PikoDB.class).write("users", "alice", Map.of("name", "Alice"));
            // Creating or deleting any entry in a directory updates its modification time.
            FileTime longAgo = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));
            Files.setLastModifiedTime(this.directory, longAgo);
            for (int i = 0; i < 3; i++) {
                assertThat(health(context).getStatus()).isEqualTo(Status.UP);
            }
            assertThat(Files.getLastModifiedTime(this.directory)).isEqualTo(longAgo);
        });
    }

    @Test
    void downWhenFreeDiskSpaceIsBelowTheThreshold() {
        inDirectory().withPropertyValues("pikodb.health.disk-space-threshold=100000TB").run((context) -> {
            Health health = health(context);
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("diskSpaceThreshold", DataSize.ofTerabytes(100000).toBytes())
                .containsKey("freeDiskSpace");
            assertThat((String) health.getDetails().get("error")).contains("below the threshold",
                    "pikodb.health.disk-space-threshold");
        });
    }

    @Test
    void downWhenATableRefusesWritesAfterAnIoFailure() throws Exception {
        inDirectory().run((context) -> {
            PikoDB pikoDB = context.getBean(PikoDB.class);
            pikoDB.write("users", "alice", Map.of("name", "Alice"));
            Path journal = this.directory.resolve(".users.journal");
            // An immutable file refuses appends through its open descriptor, even to root: a real I/O failure.
            assumeTrue(chattr("+i", journal), "chattr +i is not available here");
            try {
                assertThatThrownBy(() -> pikoDB.write("users", "bob", Map.of("name", "Bob")))
                    .isInstanceOf(PikoDBException.class);
                Health health = health(context);
                assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                assertThat(health.getDetails()).extractingByKey("failedTables")
                    .asInstanceOf(InstanceOfAssertFactories.map(String.class, String.class))
                    .containsOnlyKeys("users");
                assertThat(pikoDB.get("users", "alice")).as("reads go on").isEqualTo(Map.of("name", "Alice"));
            }
            finally {
                chattr("-i", journal);
            }
        });
    }

    private static boolean chattr(String flag, Path file) throws Exception {
        try {
            Process process = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
            return process.waitFor() == 0;
        }
        catch (java.io.IOException ex) {
            return false;
        }
    }

    @Test
    void downWhenTheStoreIsClosed() {
        inDirectory().run((context) -> {
            context.getBean(PikoDB.class).close();
            Health health = health(context);
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("error", "PikoDB is closed")
                .containsEntry("directory", this.directory.toAbsolutePath().toString());
        });
    }

    @Test
    void downWhileTheDirectoryIsGone() {
        Path database = this.directory.resolve("db");
        Path aside = this.directory.resolve("db-aside");
        this.runner.withPropertyValues("pikodb.database-directory=" + database).run((context) -> {
            Files.move(database, aside);
            try {
                Health health = health(context);
                assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                assertThat((String) health.getDetails().get("error")).contains(database.toAbsolutePath().toString());
            }
            finally {
                Files.move(aside, database);
            }
            assertThat(health(context).getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void listsQuarantinedFilesAndStaysUp() throws Exception {
        Files.writeString(this.directory.resolve("broken"), "this is not a table", StandardCharsets.UTF_8);
        inDirectory().run((context) -> {
            Health health = health(context);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsKey("quarantined");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> quarantined = (List<Map<String, Object>>) health.getDetails().get("quarantined");
            assertThat(quarantined).singleElement().satisfies((file) -> {
                assertThat(file).containsEntry("table", "broken")
                    .containsKeys("originalFile", "movedTo", "reason", "detectedAt");
                assertThat(Path.of((String) file.get("movedTo"))).exists();
            });
        });
    }

    @Test
    void disabledByItsProperty() {
        inDirectory().withPropertyValues("management.health.pikodb.enabled=false")
            .run((context) -> assertThat(context).hasSingleBean(PikoDB.class)
                .doesNotHaveBean(PikoDBHealthIndicator.class));
    }

    @Test
    void disabledWithHealthDefaults() {
        inDirectory().withPropertyValues("management.health.defaults.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(PikoDBHealthIndicator.class));
    }

    @Test
    void enabledExplicitlyWhenDefaultsAreOff() {
        inDirectory()
            .withPropertyValues("management.health.defaults.enabled=false", "management.health.pikodb.enabled=true")
            .run((context) -> assertThat(context).hasSingleBean(PikoDBHealthIndicator.class));
    }

    @Test
    void backsOffWithoutSpringBootHealth() {
        inDirectory().withClassLoader(new FilteredClassLoader(Health.class))
            .run((context) -> assertThat(context).hasNotFailed()
                .hasSingleBean(PikoDB.class)
                .doesNotHaveBean(PikoDBHealthIndicator.class));
    }

    @Test
    void backsOffWhenThereIsNoStore() {
        inDirectory().withPropertyValues("pikodb.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(PikoDBHealthIndicator.class)
                .doesNotHaveBean("pikodbHealthContributor"));
    }

    @Test
    void backsOffWhenTheApplicationDefinesTheIndicator() {
        inDirectory().withBean("pikodbHealthIndicator", HealthIndicator.class, () -> () -> Health.up().build())
            .run((context) -> assertThat(context).doesNotHaveBean(PikoDBHealthIndicator.class)
                .hasBean("pikodbHealthIndicator"));
    }

    private static Health health(AssertableApplicationContext context) {
        return context.getBean("pikodbHealthContributor", HealthIndicator.class).health();
    }
}
