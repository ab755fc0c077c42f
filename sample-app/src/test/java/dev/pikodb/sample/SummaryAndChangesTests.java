package dev.pikodb.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pikodb.sample.summary.NoteSummaryService;
import dev.pikodb.test.autoconfigure.AutoConfigurePikoDB;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cached summary ({@code @Cacheable} backed by PikoDB with a 30s time-to-live) and the change log
 * (an {@code @EventListener} of PikoDB's change events) over real HTTP.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@AutoConfigurePikoDB
class SummaryAndChangesTests {

    private static final Instant START = Instant.parse("2026-01-01T09:00:00Z");

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
    private NoteSummaryService summaries;

    private JsonNode get(String uri) {
        return json.readTree(client.get().uri(uri).exchange().expectStatus().isOk()
            .expectBody(String.class).returnResult().getResponseBody());
    }

    private String createNote(String title, List<String> tags) {
        String body = client.post().uri("/api/notes").contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("title", title, "tags", tags))
            .exchange().expectStatus().isCreated().expectBody(String.class).returnResult().getResponseBody();
        return json.readTree(body).get("id").asString();
    }

    @Test
    void theSummaryIsCachedInPikoDBUntilItsTimeToLive() {
        createNote("Buy milk", List.of("home"));
        long before = summaries.computations();
        JsonNode first = get("/api/summary");
        assertThat(first.get("notes").asLong()).isEqualTo(1);
        assertThat(first.get("tags").get("home").asLong()).isEqualTo(1);

        createNote("Call Bob", List.of("work"));
        clock.advance(Duration.ofSeconds(10));
        assertThat(get("/api/summary")).isEqualTo(first);
        assertThat(summaries.computations()).isEqualTo(before + 1);
        client.get().uri("/actuator/caches").exchange().expectStatus().isOk()
            .expectBody().jsonPath("$.cacheManagers.cacheManager.caches['note-summary']").exists();

        clock.advance(Duration.ofSeconds(21));
        JsonNode second = get("/api/summary");
        assertThat(second.get("notes").asLong()).isEqualTo(2);
        assertThat(second.get("computedAt").asString()).isEqualTo(START.plusSeconds(31).toString());
        assertThat(summaries.computations()).isEqualTo(before + 2);
    }

    @Test
    void theChangeLogReceivesTheStoresChanges() {
        String id = createNote("Watched", List.of());
        client.delete().uri("/api/notes/{id}", id).exchange().expectStatus().isNoContent();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode changes = get("/api/changes");
            assertThat(changes.get("recent").valueStream()
                .filter((change) -> id.equals(change.get("key").asString()))
                .map((change) -> change.get("kind").asString() + " v" + change.get("previousVersion").asLong() + "->v"
                        + change.get("version").asLong()))
                .containsExactly("DELETED v1->v0", "WRITTEN v0->v1");
        });
        JsonNode counts = get("/api/changes").get("counts").get("notes");
        assertThat(counts.get("WRITTEN").asLong()).isPositive();
        assertThat(counts.get("DELETED").asLong()).isPositive();
    }
}
