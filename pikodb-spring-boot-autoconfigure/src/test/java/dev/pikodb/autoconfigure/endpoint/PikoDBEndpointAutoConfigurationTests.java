package dev.pikodb.autoconfigure.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import dev.pikodb.autoconfigure.endpoint.PikoDBEndpoint.BackupDescriptor;
import dev.pikodb.autoconfigure.endpoint.PikoDBEndpoint.StoreDescriptor;
import dev.pikodb.autoconfigure.endpoint.PikoDBEndpoint.StoreTablesDescriptor;
import dev.pikodb.autoconfigure.endpoint.PikoDBEndpoint.TableDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.annotation.AnnotationUtils;

class PikoDBEndpointAutoConfigurationTests {

    @TempDir
    Path directory;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class, PikoDBEndpointAutoConfiguration.class))
        .withPropertyValues("management.endpoints.web.exposure.include=health,pikodb");

    private ApplicationContextRunner inDirectory() {
        return this.runner.withPropertyValues("pikodb.database-directory=" + this.directory);
    }

    @Test
    void availableWhenExposed() {
        inDirectory().run((context) -> assertThat(context).hasSingleBean(PikoDBEndpoint.class)
            .hasBean("pikodbEndpoint")
            .hasSingleBean(PikoDBEndpointWebExtension.class));
    }

    @Test
    void notAvailableWhenNotExposed() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class, PikoDBEndpointAutoConfiguration.class))
            .withPropertyValues("pikodb.database-directory=" + this.directory)
            .run((context) -> assertThat(context).hasSingleBean(PikoDB.class).doesNotHaveBean(PikoDBEndpoint.class));
    }

    @Test
    void notAvailableWhenAccessIsNone() {
        inDirectory().withPropertyValues("management.endpoint.pikodb.access=NONE")
            .run((context) -> assertThat(context).doesNotHaveBean(PikoDBEndpoint.class));
    }

    @Test
    void defaultAccessIsReadOnly() {
        Endpoint endpoint = AnnotationUtils.findAnnotation(PikoDBEndpoint.class, Endpoint.class);
        assertThat(endpoint).isNotNull();
        assertThat(endpoint.defaultAccess()).isEqualTo(Access.READ_ONLY);
    }

    @Test
    void backsOffWithoutActuator() {
        inDirectory().withClassLoader(new FilteredClassLoader(Endpoint.class))
            .run((context) -> assertThat(context).hasNotFailed()
                .hasSingleBean(PikoDB.class)
                .doesNotHaveBean(PikoDBEndpoint.class));
    }

    @Test
    void backsOffWhenThereIsNoStore() {
        inDirectory().withPropertyValues("pikodb.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(PikoDBEndpoint.class));
    }

    @Test
    void summarisesTheStoreWithoutValuesOrTableList() throws Exception {
        Files.writeString(this.directory.resolve("broken"), "{ not json", StandardCharsets.UTF_8);
        inDirectory().withPropertyValues("pikodb.durable-writes=true").run((context) -> {
            PikoDB pikoDB = context.getBean(PikoDB.class);
            pikoDB.write("users", "alice", Map.of("secret", "s3cr3t"));
            pikoDB.write("users", "bob", Map.of("secret", "hunter2"));
            pikoDB.write("orders", "o1", 1);
            pikoDB.flush();
            PikoDBEndpoint endpoint = context.getBean(PikoDBEndpoint.class);

            assertThat(endpoint.stores().stores()).containsOnlyKeys("pikodb");
            StoreDescriptor store = endpoint.stores().stores().get("pikodb");
            assertThat(store.directory()).isEqualTo(this.directory.toAbsolutePath().toString());
            assertThat(store.open()).isTrue();
            assertThat(store.durableWrites()).isTrue();
            assertThat(store.tables()).isEqualTo(2);
            assertThat(store.records()).isEqualTo(3);
            assertThat(store.bytesOnDisk()).isEqualTo(pikoDB.tableSummaries()
                .stream()
                .mapToLong(dev.pikodb.TableSummary::bytesOnDisk)
                .sum());
            assertThat(store.failedTables()).isEmpty();
            assertThat(store.quarantined()).singleElement()
                .satisfies((file) -> assertThat(file.table()).isEqualTo("broken"));
            assertThat(endpoint.stores().toString()).doesNotContain("s3cr3t", "hunter2");

            TableDescriptor users = endpoint.table("pikodb", "users");
            assertThat(users.records()).isEqualTo(2);
            assertThat(users.fileBytes()).isEqualTo(Files.size(this.directory.resolve("users")));
            assertThat(users.bytesOnDisk()).isEqualTo(users.fileBytes() + users.journalBytes());
            assertThat(endpoint.table("pikodb", "missing")).isNull();
            assertThat(endpoint.table("other", "users")).isNull();
            assertThatExceptionOfType(InvalidEndpointRequestException.class)
                .isThrownBy(() -> endpoint.table("pikodb", ".."));
        });
    }

    @Test
    void backsAStoreUpIntoTheBackupDirectoryAndLogsIt() {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
            .getLogger(PikoDBEndpoint.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        log.addAppender(logged);
        ch.qos.logback.classic.Level level = log.getLevel();
        log.setLevel(ch.qos.logback.classic.Level.INFO);
        Path backups = this.directory.resolve("backups");
        inDirectory().withPropertyValues("pikodb.database-directory=" + this.directory.resolve("data"),
                "pikodb.backup.directory=" + backups)
            .run((context) -> {
                PikoDB pikoDB = context.getBean(PikoDB.class);
                pikoDB.write("users", "alice", Map.of("name", "Alice"));
                pikoDB.write("users", "alice", Map.of("name", "Alice", "age", 31));
                pikoDB.write("orders", "o1", 1);
                PikoDBEndpoint endpoint = context.getBean(PikoDBEndpoint.class);

                BackupDescriptor first = endpoint.backup("pikodb");
                BackupDescriptor second = endpoint.backup("pikodb");

                assertThat(first.store()).isEqualTo("pikodb");
                assertThat(first.tables()).isEqualTo(2);
                assertThat(first.records()).isEqualTo(2);
                assertThat(first.durationMillis()).isNotNegative();
                assertThat(Path.of(first.path()).getParent()).isEqualTo(backups.toAbsolutePath());
                assertThat(Path.of(first.path()).getFileName().toString()).startsWith("pikodb-");
                assertThat(second.path()).isNotEqualTo(first.path());
                try (PikoDB copy = new PikoDB(Path.of(first.path()))) {
                    copy.start();
                    assertThat(copy.getRecord("users", "alice").orElseThrow().version()).isEqualTo(2);
                    assertThat(copy.get("orders", "o1")).isEqualTo(1);
                }
                assertThat(endpoint.backup("other")).isNull();
                assertThat(logged.list).first()
                    .satisfies((event) -> assertThat(event.getFormattedMessage()).contains("Backup of store 'pikodb'",
                            first.path(), "2 tables, 2 records"));
            });
        log.detachAppender(logged);
        log.setLevel(level);
    }

    @Test
    void refusesBackupsWhileNoBackupDirectoryIsSet() {
        inDirectory().run((context) -> {
            PikoDBEndpoint endpoint = context.getBean(PikoDBEndpoint.class);
            assertThatExceptionOfType(InvalidEndpointRequestException.class)
                .isThrownBy(() -> endpoint.backup("pikodb"))
                .withMessageContaining("pikodb.backup.directory");
        });
    }

    @Test
    void pagesTheTablesOfAStore() {
        inDirectory().run((context) -> {
            PikoDB pikoDB = context.getBean(PikoDB.class);
            for (int i = 0; i < 25; i++) {
                pikoDB.write(String.format("t%02d", i), "k", i);
            }
            PikoDBEndpoint endpoint = context.getBean(PikoDBEndpoint.class);
            StoreTablesDescriptor first = endpoint.store("pikodb", null, null);
            assertThat(first.store().tables()).isEqualTo(25);
            assertThat(first.offset()).isZero();
            assertThat(first.limit()).isEqualTo(PikoDBEndpoint.DEFAULT_LIMIT);
            assertThat(first.tables()).hasSize(25);
            StoreTablesDescriptor page = endpoint.store("pikodb", 10, 5);
            assertThat(page.tables()).extracting(TableDescriptor::name)
                .containsExactly("t10", "t11", "t12", "t13", "t14");
            assertThat(endpoint.store("pikodb", 24, 10).tables()).extracting(TableDescriptor::name)
                .containsExactly("t24");
            assertThat(endpoint.store("pikodb", 30, 10).tables()).isEmpty();
            assertThat(endpoint.store("missing", null, null)).isNull();
            assertThatExceptionOfType(InvalidEndpointRequestException.class)
                .isThrownBy(() -> endpoint.store("pikodb", -1, 10));
            assertThatExceptionOfType(InvalidEndpointRequestException.class)
                .isThrownBy(() -> endpoint.store("pikodb", 0, PikoDBEndpoint.MAX_LIMIT + 1))
                .withMessageContaining("limit between 1 and 1000");
        });
    }

    @Test
    void cleanupRemovesExpiredRecords() {
        inDirectory().run((context) -> {
            PikoDB pikoDB = context.getBean(PikoDB.class);
            long past = System.currentTimeMillis() - 60_000;
            pikoDB.write("sessions", "s1", "x", past);
            pikoDB.write("sessions", "s2", "y", past);
            pikoDB.write("sessions", "s3", "z");
            PikoDBEndpoint endpoint = context.getBean(PikoDBEndpoint.class);
            assertThat(endpoint.cleanup().removed()).containsExactly(Map.entry("pikodb", 2));
            assertThat(endpoint.cleanupStore("pikodb").removed()).containsExactly(Map.entry("pikodb", 0));
            assertThat(endpoint.cleanupStore("missing")).isNull();
            assertThat(endpoint.table("pikodb", "sessions").records()).isEqualTo(1);
        });
    }

    @Test
    void reportsAClosedStore() {
        inDirectory().run((context) -> {
            PikoDB pikoDB = context.getBean(PikoDB.class);
            pikoDB.write("users", "alice", "A");
            pikoDB.close();
            PikoDBEndpoint endpoint = context.getBean(PikoDBEndpoint.class);
            StoreDescriptor store = endpoint.stores().stores().get("pikodb");
            assertThat(store.open()).isFalse();
            assertThat(store.tables()).isZero();
            assertThat(endpoint.table("pikodb", "users")).isNull();
            assertThat(endpoint.cleanup().removed()).isEmpty();
            PikoDBEndpointWebExtension web = context.getBean(PikoDBEndpointWebExtension.class);
            assertThat(web.store("pikodb", null, null).getStatus()).isEqualTo(503);
            assertThat(web.table("pikodb", "users").getStatus()).isEqualTo(503);
            assertThat(web.cleanupStore("pikodb").getStatus()).isEqualTo(503);
            assertThat(web.store("missing", null, null).getStatus()).isEqualTo(404);
        });
    }
}
