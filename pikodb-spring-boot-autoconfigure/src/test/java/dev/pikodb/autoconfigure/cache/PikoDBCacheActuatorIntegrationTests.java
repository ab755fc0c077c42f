package dev.pikodb.autoconfigure.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The PikoDB cache in a real web application: {@code @Cacheable}, {@code /actuator/caches} and the
 * {@code cache.*} meters over HTTP.
 */
@SpringBootTest(classes = PikoDBCacheActuatorIntegrationTests.TestApplication.class,
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.endpoints.web.exposure.include=caches,metrics", "pikodb.cache.enabled=true",
                "pikodb.cache.caches.books.time-to-live=1h" })
@DirtiesContext
class PikoDBCacheActuatorIntegrationTests {

    private static final Logger logger = LoggerFactory.getLogger(PikoDBCacheActuatorIntegrationTests.class);

    @TempDir
    static Path directory;

    @DynamicPropertySource
    static void databaseDirectory(DynamicPropertyRegistry registry) {
        registry.add("pikodb.database-directory", directory::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    BookService books;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void cachesAndMetersOverHttp() throws Exception {
        assertThat(books.title("isbn-1")).isEqualTo("Title of isbn-1");
        assertThat(books.title("isbn-1")).isEqualTo("Title of isbn-1");
        assertThat(books.title("isbn-1")).isEqualTo("Title of isbn-1");
        assertThat(books.calls()).isEqualTo(1);

        String caches = get("/actuator/caches");
        logger.info("GET /actuator/caches -> {}", caches);
        JsonNode cacheManagers = json.readTree(caches).get("cacheManagers");
        assertThat(cacheManagers.get("cacheManager").get("caches").get("books").get("target").asString())
            .isEqualTo("dev.pikodb.PikoDB");

        String hits = get("/actuator/metrics/cache.gets?tag=cache:books&tag=result:hit");
        logger.info("GET /actuator/metrics/cache.gets?tag=cache:books&tag=result:hit -> {}", hits);
        assertThat(json.readTree(hits).get("measurements").get(0).get("value").asDouble()).isEqualTo(2.0);
        String misses = get("/actuator/metrics/cache.gets?tag=cache:books&tag=result:miss");
        assertThat(json.readTree(misses).get("measurements").get(0).get("value").asDouble()).isEqualTo(1.0);
        String puts = get("/actuator/metrics/cache.puts?tag=cache:books");
        assertThat(json.readTree(puts).get("measurements").get(0).get("value").asDouble()).isEqualTo(1.0);
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    /** A cached lookup, counted. */
    static class BookService {

        private final AtomicInteger calls = new AtomicInteger();

        public int calls() {
            return calls.get();
        }

        @Cacheable("books")
        public String title(String isbn) {
            calls.incrementAndGet();
            return "Title of " + isbn;
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableCaching
    static class TestApplication {

        @Bean
        BookService bookService() {
            return new BookService();
        }
    }
}
