package dev.pikodb.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pikodb.PikoDB;
import dev.pikodb.TableSummary;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The starter in a real web application: the store bean, the health indicator, the meters and the
 * endpoint over HTTP.
 */
@SpringBootTest(classes = PikoDBActuatorIntegrationTests.TestApplication.class,
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.endpoints.web.exposure.include=health,pikodb,metrics",
                "management.endpoint.health.show-details=always", "management.endpoint.pikodb.access=unrestricted",
                "pikodb.metrics.table-refresh-interval=100ms",
                "spring.jackson.property-naming-strategy=SNAKE_CASE",
                // Spring Data Redis is on this module's test classpath for the Redis storage tests;
                // no Redis runs for this directory store, so Spring Boot's own Redis check stays off.
                "management.health.redis.enabled=false" })
@DirtiesContext
class PikoDBActuatorIntegrationTests {

    private static final Logger logger = LoggerFactory.getLogger(PikoDBActuatorIntegrationTests.class);

    @TempDir
    static Path directory;

    @TempDir
    static Path backups;

    @DynamicPropertySource
    static void databaseDirectory(DynamicPropertyRegistry registry) {
        registry.add("pikodb.database-directory", directory::toString);
        registry.add("pikodb.backup.directory", backups::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    PikoDB pikoDB;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeEach
    void writeData() {
        for (String table : this.pikoDB.listTables()) {
            this.pikoDB.deleteTable(table);
        }
        this.pikoDB.write("users", "alice", new User("Alice", "alice@example.com"));
        this.pikoDB.write("users", "bob", new User("Bob", "bob@example.com"));
        this.pikoDB.write("users", "carol", new User("Carol", "carol@example.com"));
        this.pikoDB.write("orders", "o1", Map.of("total", 12.5));
        this.pikoDB.write("sessions", "expired", "token", System.currentTimeMillis() - 60_000);
        this.pikoDB.write("sessions", "live", "token");
        this.pikoDB.flush();
    }

    @Test
    void endpointBacksAStoreUpOnPost() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/actuator/pikodb/pikodb"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode backup = this.json.readTree(response.body());
        logger.info("POST /actuator/pikodb/pikodb answered {}", response.body());
        assertThat(backup.path("store").asString()).isEqualTo("pikodb");
        assertThat(backup.path("tables").asInt()).isEqualTo(3);
        assertThat(backup.path("records").asLong()).as("the expired session is left out").isEqualTo(5);
        assertThat(backup.has("durationMillis")).isTrue();
        Path folder = Path.of(backup.path("path").asString());
        assertThat(folder.getParent()).isEqualTo(backups.toAbsolutePath());
        try (PikoDB copy = new PikoDB(folder)) {
            copy.start();
            assertThat(copy.getTableSize("users")).isEqualTo(3);
        }
        HttpResponse<String> missing = send(HttpRequest.newBuilder(uri("/actuator/pikodb/nosuchstore"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build());
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    @Test
    void healthReportsTheStore() throws Exception {
        JsonNode overall = get("/actuator/health", 200);
        assertThat(overall.path("status").asString()).isEqualTo("UP");
        assertThat(overall.path("components").path("pikodb").path("status").asString()).isEqualTo("UP");

        JsonNode health = get("/actuator/health/pikodb", 200);
        assertThat(health.path("details").path("diskSpaceThreshold").asLong()).isEqualTo(10L * 1024 * 1024);
        assertThat(health.path("status").asString()).isEqualTo("UP");
        JsonNode details = health.path("details");
        assertThat(details.path("directory").asString()).isEqualTo(directory.toAbsolutePath().toString());
        assertThat(details.path("tables").asInt()).isEqualTo(3);
        assertThat(details.path("records").asLong())
            .isEqualTo(this.pikoDB.tableSummaries().stream().mapToLong(TableSummary::records).sum())
            .isEqualTo(6);
        assertThat(details.path("freeDiskSpace").asLong()).isPositive();
        assertThat(details.path("durableWrites").asBoolean()).isFalse();
    }

    @Test
    void endpointSummarisesListsTablesAndCleansUp() throws Exception {
        JsonNode body = get("/actuator/pikodb", 200);
        JsonNode store = body.path("stores").path("pikodb");
        assertThat(store.path("directory").asString()).isEqualTo(directory.toAbsolutePath().toString());
        assertThat(store.path("open").asBoolean()).isTrue();
        assertThat(store.path("durableWrites").asBoolean()).isFalse();
        assertThat(store.path("tables").asInt()).isEqualTo(3);
        assertThat(store.path("records").asLong()).isEqualTo(6);
        assertThat(store.path("quarantined").isArray()).isTrue();
        assertThat(store.path("quarantined")).isEmpty();
        assertThat(store.path("failedTables").isObject()).isTrue();
        assertThat(body.toString()).doesNotContain("alice@example.com", "token");

        JsonNode listing = get("/actuator/pikodb/pikodb?limit=2", 200);
        assertThat(listing.path("store").path("tables").asInt()).isEqualTo(3);
        assertThat(listing.path("tables").findValuesAsString("name")).containsExactly("orders", "sessions");
        assertThat(get("/actuator/pikodb/pikodb?offset=2", 200).path("tables").findValuesAsString("name"))
            .containsExactly("users");
        for (JsonNode table : get("/actuator/pikodb/pikodb", 200).path("tables")) {
            TableSummary summary = this.pikoDB.tableSummary(table.path("name").asString()).orElseThrow();
            assertThat(table.path("records").asInt()).isEqualTo(summary.records());
            assertThat(table.path("fileBytes").asLong()).isEqualTo(summary.fileBytes());
            assertThat(table.path("journalBytes").asLong()).isEqualTo(summary.journalBytes());
            assertThat(table.path("bytesOnDisk").asLong()).isEqualTo(summary.bytesOnDisk());
        }
        get("/actuator/pikodb/pikodb?limit=5000", 400);

        JsonNode users = get("/actuator/pikodb/pikodb/users", 200);
        assertThat(users.path("name").asString()).isEqualTo("users");
        assertThat(users.path("records").asInt()).isEqualTo(3);
        get("/actuator/pikodb/pikodb/missing", 404);
        get("/actuator/pikodb/nosuchstore", 404);
        get("/actuator/pikodb/nosuchstore/users", 404);

        HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/actuator/pikodb"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build());
        assertThat(post.statusCode()).as("cleanup is a DELETE, not a POST").isEqualTo(405);
        HttpResponse<String> cleanup = send(HttpRequest.newBuilder(uri("/actuator/pikodb")).DELETE().build());
        assertThat(cleanup.statusCode()).isEqualTo(200);
        assertThat(this.json.readTree(cleanup.body()).path("removed").path("pikodb").asInt()).isEqualTo(1);
        assertThat(get("/actuator/pikodb/pikodb/sessions", 200).path("records").asInt()).isEqualTo(1);
        // the store-wide meter agrees at once, without waiting for a refresh of the per-table meters
        assertThat(value(get("/actuator/metrics/pikodb.records", 200), "VALUE")).isEqualTo(5);
    }

    @Test
    void metricsMatchTheStore() throws Exception {
        this.pikoDB.get("users", "alice");
        await().atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(statusOf("/actuator/metrics/pikodb.table.records?tag=table:users"))
                .isEqualTo(200));
        assertThat(value(get("/actuator/metrics/pikodb.table.records?tag=table:users", 200), "VALUE")).isEqualTo(3);
        assertThat(value(get("/actuator/metrics/pikodb.table.records?tag=table:sessions", 200), "VALUE"))
            .isEqualTo(2);
        JsonNode tableRecords = get("/actuator/metrics/pikodb.table.records", 200);
        assertThat(tableRecords.path("baseUnit").asString()).isEqualTo("records");
        assertThat(tagValues(tableRecords, "table")).containsExactlyInAnyOrder("orders", "sessions", "users");
        assertThat(tagValues(tableRecords, "store")).containsExactly("pikodb");
        assertThat(value(get("/actuator/metrics/pikodb.records", 200), "VALUE")).isEqualTo(6);
        assertThat(value(get("/actuator/metrics/pikodb.tables", 200), "VALUE")).isEqualTo(3);
        JsonNode writes = get("/actuator/metrics/pikodb.writes?tag=result:success", 200);
        assertThat(value(writes, "COUNT")).isEqualTo(this.pikoDB.statistics().writes());
        assertThat(value(writes, "TOTAL_TIME")).isPositive();
        assertThat(value(get("/actuator/metrics/pikodb.reads", 200), "COUNT"))
            .isEqualTo(this.pikoDB.statistics().reads());
        assertThat(value(get("/actuator/metrics/pikodb.journal.written", 200), "COUNT"))
            .isEqualTo(this.pikoDB.statistics().journalBytesWritten());
        assertThat(value(get("/actuator/metrics/pikodb.table.disk.usage?tag=table:users", 200), "VALUE"))
            .isEqualTo(this.pikoDB.tableSummary("users").orElseThrow().bytesOnDisk());
        get("/actuator/metrics/pikodb.write", 404);
    }

    private static List<String> tagValues(JsonNode metric, String tag) {
        for (JsonNode available : metric.path("availableTags")) {
            if (tag.equals(available.path("tag").asString())) {
                return available.path("values").valueStream().map(JsonNode::asString).toList();
            }
        }
        return List.of();
    }

    @Test
    void storedJsonIgnoresTheApplicationJacksonSettings() {
        this.pikoDB.flush();
        assertThat(directory.resolve("users")).content().contains("\"emailAddress\"").doesNotContain("email_address");
    }

    private JsonNode get(String path, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET().build());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(expectedStatus);
        logger.info("GET {} -> {} {}", path, response.statusCode(), response.body());
        return response.body().isEmpty() ? this.json.missingNode() : this.json.readTree(response.body());
    }

    private int statusOf(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET().build()).statusCode();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return this.http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + this.port + path);
    }

    private static double value(JsonNode metric, String statistic) {
        List<JsonNode> measurements = metric.path("measurements").valueStream().toList();
        return measurements.stream()
            .filter((measurement) -> statistic.equals(measurement.path("statistic").asString()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("No " + statistic + " in " + metric))
            .path("value")
            .asDouble();
    }

    record User(String name, String emailAddress) {
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApplication {

    }
}
