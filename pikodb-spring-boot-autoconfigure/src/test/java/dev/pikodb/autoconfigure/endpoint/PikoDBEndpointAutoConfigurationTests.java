package dev.pikodb.autoconfigure.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import dev.pikodb.autoconfigure.endpoint.PikoDBEndpoint.PikoDBDescriptor;
import dev.pikodb.autoconfigure.endpoint.PikoDBEndpoint.TableDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

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
        inDirectory().run((context) -> assertThat(context).hasSingleBean(PikoDBEndpoint.class));
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
    void backsOffWithoutActuator() {
        inDirectory().withClassLoader(new FilteredClassLoader(Endpoint.class))
            .run((context) -> assertThat(context).hasNotFailed()
                .hasSingleBean(PikoDB.class)
                .doesNotHaveBean(PikoDBEndpoint.class));
    }

    @Test
    void backsOffWhenPikoDBIsDisabled() {
        inDirectory().withPropertyValues("pikodb.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(PikoDBEndpoint.class));
    }

    @Test
    void describesTheStoreWithoutValues() throws Exception {
        Files.writeString(this.directory.resolve("broken"), "{ not json", StandardCharsets.UTF_8);
        inDirectory().withPropertyValues("pikodb.durable-writes=true").run((context) -> {
            PikoDB pikoDB = context.getBean(PikoDB.class);
            pikoDB.write("users", "alice", Map.of("secret", "s3cr3t"));
            pikoDB.write("users", "bob", Map.of("secret", "hunter2"));
            pikoDB.flush();
            PikoDBEndpoint endpoint = context.getBean(PikoDBEndpoint.class);

            PikoDBDescriptor descriptor = endpoint.pikodb();
            assertThat(descriptor.directory()).isEqualTo(this.directory.toAbsolutePath().toString());
            assertThat(descriptor.open()).isTrue();
            assertThat(descriptor.durableWrites()).isTrue();
            assertThat(descriptor.failedTables()).isEmpty();
            assertThat(descriptor.quarantined()).singleElement()
                .satisfies((file) -> assertThat(file.table()).isEqualTo("broken"));
            assertThat(descriptor.tables()).singleElement().satisfies((table) -> {
                assertThat(table.name()).isEqualTo("users");
                assertThat(table.records()).isEqualTo(2);
                assertThat(table.fileBytes()).isEqualTo(Files.size(this.directory.resolve("users")));
                assertThat(table.bytesOnDisk()).isEqualTo(table.fileBytes() + table.journalBytes());
            });
            assertThat(descriptor.toString()).doesNotContain("s3cr3t", "hunter2");

            TableDescriptor users = endpoint.table("users");
            assertThat(users).isEqualTo(descriptor.tables().get(0));
            assertThat(endpoint.table("missing")).isNull();
            assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> endpoint.table(".."));
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
            assertThat(endpoint.cleanup().removed()).isEqualTo(2);
            assertThat(endpoint.cleanup().removed()).isZero();
            assertThat(endpoint.table("sessions").records()).isEqualTo(1);
        });
    }

    @Test
    void reportsAClosedStore() {
        inDirectory().run((context) -> {
            PikoDB pikoDB = context.getBean(PikoDB.class);
            pikoDB.write("users", "alice", "A");
            pikoDB.close();
            PikoDBEndpoint endpoint = context.getBean(PikoDBEndpoint.class);
            assertThat(endpoint.pikodb().open()).isFalse();
            assertThat(endpoint.pikodb().tables()).isEmpty();
            assertThat(endpoint.table("users")).isNull();
        });
    }
}
