package dev.pikodb.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pikodb.PikoDB;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A web application with two stores of its own, over HTTP: a composite health contributor keyed by bean
 * name, meters tagged with the bean name, an endpoint listing both, read-only by default.
 */
@SpringBootTest(classes = PikoDBTwoStoresHttpTests.TwoStoresApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.endpoints.web.exposure.include=health,pikodb,metrics",
                "management.endpoint.health.show-details=always", "pikodb.cleanup.interval=100ms" })
@DirtiesContext
class PikoDBTwoStoresHttpTests {

    @TempDir
    static Path directory;

    @DynamicPropertySource
    static void storesDirectory(DynamicPropertyRegistry registry) {
        registry.add("demo.directory", () -> directory.resolve("run-" + System.nanoTime()).toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("orders")
    PikoDB orders;

    @Autowired
    @Qualifier("archive")
    PikoDB archive;

    private final HttpClient http = HttpClient.newHttpClient();

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void healthMetersAndEndpointCoverBothStores() throws Exception {
        this.orders.write("carts", "c1", Map.of("items", 3));
        this.orders.write("carts", "expired", "x", System.currentTimeMillis() - 60_000);
        this.archive.write("2025", "o1", Map.of("total", 12.5));
        this.archive.write("2025", "o2", Map.of("total", 7));

        JsonNode health = get("/actuator/health/pikodb", 200);
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").propertyNames()).containsExactlyInAnyOrder("orders", "archive");
        assertThat(health.path("components").path("archive").path("details").path("records").asLong()).isEqualTo(2);
        assertThat(get("/actuator/health/pikodb/orders", 200).path("status").asString()).isEqualTo("UP");

        JsonNode records = get("/actuator/metrics/pikodb.records?tag=store:archive", 200);
        assertThat(records.path("measurements").get(0).path("value").asDouble()).isEqualTo(2);
        assertThat(get("/actuator/metrics/pikodb.tables", 200).path("availableTags").get(0).path("values")
            .valueStream().map(JsonNode::asString)).containsExactlyInAnyOrder("orders", "archive");

        JsonNode stores = get("/actuator/pikodb", 200).path("stores");
        assertThat(stores.propertyNames()).containsExactlyInAnyOrder("orders", "archive");
        assertThat(stores.path("archive").path("tables").asInt()).isEqualTo(1);
        assertThat(get("/actuator/pikodb/archive/2025", 200).path("records").asInt()).isEqualTo(2);
        assertThat(get("/actuator/pikodb/orders", 200).path("tables").findValuesAsString("name"))
            .containsExactly("carts");

        // default access is read-only: no cleanup over HTTP unless the application allows it
        assertThat(send("DELETE", "/actuator/pikodb").statusCode()).isEqualTo(405);
        // the scheduled cleanup serves both stores
        await().atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(this.orders.statistics().expiredRemoved()).isEqualTo(1));
    }

    @Test
    @DirtiesContext(methodMode = DirtiesContext.MethodMode.AFTER_METHOD)
    void aClosedStoreAnswers503() throws Exception {
        this.archive.write("2025", "o1", 1);
        this.archive.close();
        assertThat(send("GET", "/actuator/pikodb/archive").statusCode()).isEqualTo(503);
        assertThat(send("GET", "/actuator/pikodb/archive/2025").statusCode()).isEqualTo(503);
        assertThat(send("GET", "/actuator/pikodb/nosuchstore").statusCode()).isEqualTo(404);
        JsonNode stores = get("/actuator/pikodb", 200).path("stores");
        assertThat(stores.path("archive").path("open").asBoolean()).isFalse();
        assertThat(stores.path("orders").path("open").asBoolean()).isTrue();
        JsonNode health = this.json.readTree(send("GET", "/actuator/health/pikodb").body());
        assertThat(health.path("status").asString()).isEqualTo("DOWN");
        assertThat(health.path("components").path("orders").path("status").asString()).isEqualTo("UP");
    }

    private JsonNode get(String path, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<String> response = send("GET", path);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(expectedStatus);
        return this.json.readTree(response.body());
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
        return this.http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * An application with two stores of its own. It can also be started on its own (its {@code main}),
     * for trying the endpoints with curl.
     */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TwoStoresApplication {

        public static void main(String[] args) {
            SpringApplication.run(TwoStoresApplication.class, args);
        }

        // Primary, as with several DataSources: what needs exactly one store (Spring Data repositories,
        // the cache) uses this one.
        @Bean
        @Primary
        PikoDB orders(@Value("${demo.directory}") Path directory) throws IOException {
            return started(directory.resolve("orders"));
        }

        @Bean
        PikoDB archive(@Value("${demo.directory}") Path directory) throws IOException {
            return started(directory.resolve("archive"));
        }

        private static PikoDB started(Path directory) throws IOException {
            Files.createDirectories(directory);
            PikoDB pikoDB = new PikoDB(directory);
            pikoDB.start();
            return pikoDB;
        }
    }
}
