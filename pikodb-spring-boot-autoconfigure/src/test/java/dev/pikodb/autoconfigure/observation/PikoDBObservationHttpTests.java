package dev.pikodb.autoconfigure.observation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A web application with Spring Boot's observation support: the store operations a request makes are
 * observations inside the request's own ({@code http.server.requests}), as a tracer makes them spans
 * inside the request's span, while the store's scheduled cleanup (here every few milliseconds) makes
 * observations of its own beside them.
 */
@SpringBootTest(classes = PikoDBObservationHttpTests.ObservedApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@DirtiesContext
class PikoDBObservationHttpTests {

    @TempDir
    static Path directory;

    @DynamicPropertySource
    static void storeDirectory(DynamicPropertyRegistry registry) {
        registry.add("pikodb.database-directory", () -> directory.resolve("run-" + System.nanoTime()).toString());
        registry.add("pikodb.cleanup.interval", () -> "5ms");
    }

    @LocalServerPort
    int port;

    @Autowired
    StoppedObservations stopped;

    @Test
    void storeOperationsOfARequestAreObservedInsideTheRequest() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/notes/n1")).build(),
                    HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Groceries");
        List<Observation.Context> request = stopped.contexts.stream()
            .filter((context) -> "http.server.requests".equals(context.getName()))
            .toList();
        assertThat(request).hasSize(1);
        List<Observation.Context> store = stopped.contexts.stream()
            .filter((context) -> "pikodb.operation".equals(context.getName()))
            .toList();
        List<Observation.Context> inRequest = store.stream()
            .filter((operation) -> operation.getParentObservation() != null
                    && operation.getParentObservation().getContextView() == request.get(0))
            .toList();
        assertThat(inRequest).extracting(Observation.Context::getContextualName)
            .containsExactly("pikodb write", "pikodb read");
        assertThat(store).filteredOn((operation) -> !inRequest.contains(operation))
            .as("the other store operations are the scheduled cleanup's, outside any request")
            .allSatisfy((operation) -> {
                assertThat(operation.getContextualName()).isEqualTo("pikodb cleanup");
                assertThat(operation.getParentObservation()).isNull();
            });
    }

    /** Every observation the application's registry stops, in order. */
    static class StoppedObservations implements ObservationHandler<Observation.Context> {

        final List<Observation.Context> contexts = new CopyOnWriteArrayList<>();

        @Override
        public void onStop(Observation.Context context) {
            contexts.add(context);
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class ObservedApplication {

        @Bean
        StoppedObservations stoppedObservations() {
            return new StoppedObservations();
        }

        @Bean
        NotesController notesController(PikoDB pikoDB) {
            return new NotesController(pikoDB);
        }
    }

    @RestController
    static class NotesController {

        private final PikoDB pikoDB;

        NotesController(PikoDB pikoDB) {
            this.pikoDB = pikoDB;
        }

        @GetMapping("/notes/{id}")
        String note(@PathVariable String id) {
            pikoDB.write("notes", id, Map.of("title", "Groceries"));
            return ((Map<?, ?>) pikoDB.get("notes", id)).get("title").toString();
        }
    }
}
