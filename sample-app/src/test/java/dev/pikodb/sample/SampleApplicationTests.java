package dev.pikodb.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pikodb.PikoDB;
import dev.pikodb.test.autoconfigure.AutoConfigurePikoDB;
import dev.pikodb.test.autoconfigure.TemporaryDatabaseDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the application on a random port over a fresh temporary database directory (given by
 * {@link AutoConfigurePikoDB}) and drives every endpoint over real HTTP, the way a client would.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@AutoConfigurePikoDB
@DirtiesContext
class SampleApplicationTests {

    private static final Instant START = Instant.parse("2026-01-01T09:00:00Z");

    @DynamicPropertySource
    static void pikodbProperties(DynamicPropertyRegistry registry) {
        registry.add("pikodb.cleanup.interval", () -> "100ms");
        registry.add("pikodb.metrics.table-refresh-interval", () -> "100ms");
    }

    @TestConfiguration
    static class ClockConfiguration {

        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock(START);
        }
    }

    private final JsonMapper json = JsonMapper.builder().build();

    @Autowired
    private RestTestClient client;

    @Autowired
    private MutableClock clock;

    @Autowired
    private PikoDB db;

    @Autowired
    private TemporaryDatabaseDirectory databaseDirectory;

    @Test
    void noteLifecycleWithEntityTags() {
        Instant createdAt = clock.instant();
        EntityExchangeResult<String> created = client.post().uri("/api/notes")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("title", "Groceries", "body", "milk, eggs", "tags", List.of("home", "todo")))
            .exchange()
            .expectStatus().isCreated()
            .expectHeader().valueEquals("ETag", "\"1\"")
            .expectBody(String.class).returnResult();
        JsonNode note = json(created);
        String id = note.get("id").asString();
        assertThat(created.getResponseHeaders().getLocation()).hasPath("/api/notes/" + id);
        assertThat(note.get("version").asLong()).isEqualTo(1);
        assertThat(note.get("title").asString()).isEqualTo("Groceries");
        assertThat(note.get("createdAt").asString()).isEqualTo(createdAt.toString());

        JsonNode read = json(client.get().uri("/api/notes/{id}", id).exchange()
            .expectStatus().isOk()
            .expectHeader().valueEquals("ETag", "\"1\"")
            .expectBody(String.class).returnResult());
        assertThat(read.get("tags").valueStream().map(JsonNode::asString)).containsExactly("home", "todo");

        client.get().uri("/api/notes/{id}", id).header("If-None-Match", "\"1\"").exchange()
            .expectStatus().isNotModified();

        clock.advance(Duration.ofMinutes(5));
        JsonNode updated = json(client.put().uri("/api/notes/{id}", id)
            .header("If-Match", "\"1\"")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("title", "Groceries", "body", "milk, eggs, bread", "tags", List.of("home")))
            .exchange()
            .expectStatus().isOk()
            .expectHeader().valueEquals("ETag", "\"2\"")
            .expectBody(String.class).returnResult());
        assertThat(updated.get("version").asLong()).isEqualTo(2);
        assertThat(updated.get("body").asString()).isEqualTo("milk, eggs, bread");
        assertThat(updated.get("createdAt").asString()).isEqualTo(createdAt.toString());
        assertThat(updated.get("updatedAt").asString()).isEqualTo(createdAt.plus(Duration.ofMinutes(5)).toString());

        // A client still holding version 1 must not overwrite version 2.
        JsonNode conflict = json(client.put().uri("/api/notes/{id}", id)
            .header("If-Match", "\"1\"")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("title", "Stale edit"))
            .exchange()
            .expectStatus().isEqualTo(HttpStatus.PRECONDITION_FAILED)
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody(String.class).returnResult());
        assertThat(conflict.get("currentVersion").asLong()).isEqualTo(2);
        assertThat(conflict.get("detail").asString()).contains(id, "version 2");

        JsonNode missingPrecondition = json(client.put().uri("/api/notes/{id}", id)
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("title", "Blind edit"))
            .exchange()
            .expectStatus().isEqualTo(HttpStatus.PRECONDITION_REQUIRED)
            .expectBody(String.class).returnResult());
        assertThat(missingPrecondition.get("detail").asString())
            .contains("now at version 2", "If-Match: \"2\"")
            .doesNotContain("\"3\"");

        client.put().uri("/api/notes/{id}", id)
            .header("If-Match", "2")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("title", "Unquoted tag"))
            .exchange()
            .expectStatus().isBadRequest();

        client.put().uri("/api/notes/{id}", id)
            .header("If-Match", "*")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("title", "Groceries (any version)", "tags", List.of("home")))
            .exchange()
            .expectStatus().isOk()
            .expectHeader().valueEquals("ETag", "\"3\"");

        JsonNode list = json(client.get().uri("/api/notes?tag=home").exchange()
            .expectStatus().isOk()
            .expectBody(String.class).returnResult());
        JsonNode listed = StreamSupport.stream(list.spliterator(), false)
            .filter(item -> item.get("id").asString().equals(id))
            .findFirst().orElseThrow();
        assertThat(listed.get("version").asLong()).isEqualTo(3);
        assertThat(listed.get("title").asString()).isEqualTo("Groceries (any version)");

        client.delete().uri("/api/notes/{id}", id).exchange().expectStatus().isNoContent();
        client.get().uri("/api/notes/{id}", id).exchange()
            .expectStatus().isNotFound()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        client.delete().uri("/api/notes/{id}", id).exchange().expectStatus().isNotFound();
        client.put().uri("/api/notes/{id}", id)
            .header("If-Match", "\"3\"")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("title", "Resurrected"))
            .exchange()
            .expectStatus().isNotFound();
        assertThat(db.getRecord("notes", id)).isEmpty();
    }

    @Test
    void anOwnersAndATagsNotesComeNewestFirstInPages() {
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            client.post().uri("/api/notes")
                .contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("title", "Paged " + i, "owner", "pager", "tags", List.of(i == 1 ? "other" : "paged")))
                .exchange()
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.owner").isEqualTo("pager");
        }
        JsonNode first = json(client.get().uri("/api/notes/newest?owner=pager&page=0&size=2").exchange()
            .expectStatus().isOk()
            .expectBody(String.class).returnResult());
        assertThat(first.get("notes").valueStream().map(note -> note.get("title").asString()))
            .containsExactly("Paged 2", "Paged 1");
        assertThat(first.get("totalElements").asLong()).isEqualTo(3);
        assertThat(first.get("totalPages").asInt()).isEqualTo(2);
        JsonNode second = json(client.get().uri("/api/notes/newest?owner=pager&page=1&size=2").exchange()
            .expectStatus().isOk()
            .expectBody(String.class).returnResult());
        assertThat(second.get("notes").valueStream().map(note -> note.get("title").asString()))
            .containsExactly("Paged 0");
        JsonNode tagged = json(client.get().uri("/api/notes/newest?tag=paged").exchange()
            .expectStatus().isOk()
            .expectBody(String.class).returnResult());
        assertThat(tagged.get("notes").valueStream().map(note -> note.get("title").asString()))
            .containsExactly("Paged 2", "Paged 0");
        assertThat(tagged.get("size").asInt()).isEqualTo(20);

        client.get().uri("/api/notes/newest").exchange().expectStatus().isBadRequest();
        client.get().uri("/api/notes/newest?owner=pager&tag=paged").exchange().expectStatus().isBadRequest();
        client.get().uri("/api/notes/newest?owner=pager&size=1000").exchange().expectStatus().isBadRequest();
        // An update without an owner keeps the note's owner.
        String id = first.get("notes").get(0).get("id").asString();
        client.put().uri("/api/notes/{id}", id)
            .header("If-Match", "\"1\"")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("title", "Paged 2, edited"))
            .exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.owner").isEqualTo("pager");
    }

    @Test
    void badInputGetsProblemDetailsNeverServerErrors() {
        JsonNode malformed = json(client.post().uri("/api/notes")
            .contentType(MediaType.APPLICATION_JSON)
            .body("{\"title\": \"unterminated")
            .exchange()
            .expectStatus().isBadRequest()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody(String.class).returnResult());
        assertThat(malformed.get("detail").asString()).startsWith("Malformed JSON request body");

        JsonNode invalid = json(client.post().uri("/api/notes")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("title", " ", "tags", List.of("ok", "")))
            .exchange()
            .expectStatus().isBadRequest()
            .expectBody(String.class).returnResult());
        assertThat(invalid.get("errors").valueStream().map(error -> error.get("field").asString()))
            .containsExactlyInAnyOrder("title", "tags[1]");

        client.post().uri("/api/notes")
            .contentType(MediaType.TEXT_PLAIN)
            .body("just text")
            .exchange()
            .expectStatus().isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);

        // Keys longer than 1024 characters are rejected by the store before anything changes.
        JsonNode tooLong = json(client.get().uri("/api/notes/{id}", "x".repeat(1025)).exchange()
            .expectStatus().isBadRequest()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody(String.class).returnResult());
        assertThat(tooLong.get("detail").asString()).contains("1024");

        // A NUL in a key: from a JSON body it reaches the store, which rejects it.
        JsonNode nul = json(client.post().uri("/api/readings")
            .contentType(MediaType.APPLICATION_JSON)
            .body("{\"sensor\": \"bad\\u0000sensor\", \"temperature\": 20.0}")
            .exchange()
            .expectStatus().isBadRequest()
            .expectBody(String.class).returnResult());
        assertThat(nul.get("detail").asString()).containsIgnoringCase("NUL");
        assertThat(db.getTableSize("readings")).isZero();

        // In a URL path the web server itself refuses an encoded NUL.
        client.get().uri("/api/notes/{id}", "a\u0000b").exchange().expectStatus().isBadRequest();

        client.post().uri("/api/sessions")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("user", "alice", "ttlSeconds", Duration.ofDays(2).toSeconds()))
            .exchange()
            .expectStatus().isBadRequest();
        client.post().uri("/api/sessions")
            .contentType(MediaType.APPLICATION_JSON)
            .body("{\"user\": \"alice\", \"ttlSeconds\": \"soon\"}")
            .exchange()
            .expectStatus().isBadRequest();
        client.post().uri("/api/readings")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("sensor", "s1", "temperature", 20.0, "humidity", 140.0))
            .exchange()
            .expectStatus().isBadRequest();
    }

    @Test
    void sessionsExpireAndAreCleanedUp() {
        JsonNode session = json(client.post().uri("/api/sessions")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("user", "alice"))
            .exchange()
            .expectStatus().isCreated()
            .expectBody(String.class).returnResult());
        Instant createdAt = Instant.parse(session.get("createdAt").asString());
        assertThat(Instant.parse(session.get("expiresAt").asString())).isEqualTo(createdAt.plus(Duration.ofMinutes(30)));
        String token = session.get("token").asString();
        client.get().uri("/api/sessions/{token}", token).exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.user").isEqualTo("alice");
        client.delete().uri("/api/sessions/{token}", token).exchange().expectStatus().isNoContent();
        client.get().uri("/api/sessions/{token}", token).exchange().expectStatus().isNotFound();

        String shortLived = json(client.post().uri("/api/sessions")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("user", "bob", "ttlSeconds", 60))
            .exchange()
            .expectStatus().isCreated()
            .expectBody(String.class).returnResult()).get("token").asString();
        String neverRead = json(client.post().uri("/api/sessions")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("user", "carol", "ttlSeconds", 60))
            .exchange()
            .expectStatus().isCreated()
            .expectBody(String.class).returnResult()).get("token").asString();
        client.get().uri("/api/sessions/{token}", shortLived).exchange().expectStatus().isOk();

        clock.advance(Duration.ofSeconds(60));
        client.get().uri("/api/sessions/{token}", shortLived).exchange().expectStatus().isOk();
        clock.advance(Duration.ofMillis(1));
        client.get().uri("/api/sessions/{token}", shortLived).exchange().expectStatus().isNotFound();

        // Nobody reads the other one again: the scheduled cleanup removes it from the store.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            client.get().uri("/actuator/pikodb/pikodb/sessions").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.records").isEqualTo(0));
        assertThat(db.getRecord("sessions", neverRead)).isEmpty();
    }

    @Test
    void readingsAreStoredWithTheSensorsDictionary() throws Exception {
        Map<String, Object> reading = Map.of("sensor", "greenhouse-1", "temperature", 23.5, "humidity", 41.0,
                "timestamp", "2026-01-01T08:30:00Z");
        JsonNode created = json(client.post().uri("/api/readings")
            .contentType(MediaType.APPLICATION_JSON)
            .body(reading)
            .exchange()
            .expectStatus().isCreated()
            .expectBody(String.class).returnResult());
        String id = created.get("id").asString();
        assertThat(id).isEqualTo("greenhouse-1@" + Instant.parse("2026-01-01T08:30:00Z").toEpochMilli());
        assertThat(created.get("version").asLong()).isEqualTo(1);

        // The same sensor and instant again replaces the reading.
        client.post().uri("/api/readings")
            .contentType(MediaType.APPLICATION_JSON)
            .body(reading)
            .exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.version").isEqualTo(2);
        client.post().uri("/api/readings")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("sensor", "cellar", "temperature", 11.0))
            .exchange()
            .expectStatus().isCreated()
            .expectBody().jsonPath("$.timestamp").isEqualTo(clock.instant().toString());

        client.get().uri("/api/readings?sensor=greenhouse-1").exchange()
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.length()").isEqualTo(1)
            .jsonPath("$[0].sensor").isEqualTo("greenhouse-1")
            .jsonPath("$[0].temperature").isEqualTo(23.5)
            .jsonPath("$[0].humidity").isEqualTo(41.0)
            .jsonPath("$[0].timestamp").isEqualTo("2026-01-01T08:30:00Z");
        client.get().uri("/api/readings/{id}", id).exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.sensor").isEqualTo("greenhouse-1");
        client.get().uri("/api/readings/{id}", "nowhere@0").exchange().expectStatus().isNotFound();

        // On disk the record keeps the short keys and names its dictionary.
        db.flush();
        String tableFile = Files.readString(databaseDirectory.getPath().resolve("readings"), StandardCharsets.UTF_8);
        JsonNode stored = StreamSupport.stream(json.readTree(tableFile).spliterator(), false)
            .filter(entry -> entry.get(0).asString().equals(id))
            .findFirst().orElseThrow().get(1);
        assertThat(stored.get("n").asString()).isEqualTo("sensors");
        assertThat(stored.get("v").asLong()).isEqualTo(2);
        assertThat(stored.get("d").propertyNames()).containsExactlyInAnyOrder("s", "t", "h", "ts");
        assertThat(stored.get("d").get("s").asString()).isEqualTo("greenhouse-1");
        assertThat(tableFile).doesNotContain("\"sensor\"", "\"temperature\"");
    }

    @Test
    void actuatorReportsTheStore() {
        client.post().uri("/api/notes")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("title", "Monitoring"))
            .exchange()
            .expectStatus().isCreated();

        client.get().uri("/actuator/health").exchange()
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.status").isEqualTo("UP")
            .jsonPath("$.components.pikodb.status").isEqualTo("UP")
            .jsonPath("$.components.pikodb.details.directory").isEqualTo(databaseDirectory.getPath().toString())
            .jsonPath("$.components.pikodb.details.durableWrites").isEqualTo(false);

        client.get().uri("/actuator/pikodb").exchange()
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.stores.pikodb.open").isEqualTo(true)
            .jsonPath("$.stores.pikodb.tables").isNumber();
        client.get().uri("/actuator/pikodb/pikodb").exchange()
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.tables[?(@.name == 'notes')].records").exists();
        client.get().uri("/actuator/pikodb/pikodb/{table}", "no-such-table").exchange().expectStatus().isNotFound();
        client.delete().uri("/actuator/pikodb").exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.removed.pikodb").isNumber();

        // The store-wide figure is exact at once; per-table gauges follow new tables on the next refresh.
        client.get().uri("/actuator/metrics/pikodb.records").exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.measurements[0].value").value(
                    value -> assertThat(((Number) value).longValue()).isEqualTo(
                            db.tableSummaries().stream().mapToLong(summary -> summary.records()).sum()));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            client.get().uri("/actuator/metrics/pikodb.table.records").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.availableTags[?(@.tag == 'table')].values[*]").value(
                        values -> assertThat(values.toString()).contains("notes")));
        client.get().uri("/actuator/metrics/pikodb.writes?tag=result:success").exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.measurements[0].value").value(
                    value -> assertThat(((Number) value).doubleValue()).isPositive());
    }

    private JsonNode json(EntityExchangeResult<String> result) {
        return json.readTree(result.getResponseBody());
    }
}
