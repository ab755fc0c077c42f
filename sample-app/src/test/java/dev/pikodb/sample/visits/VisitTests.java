package dev.pikodb.sample.visits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import dev.pikodb.test.autoconfigure.AutoConfigurePikoDB;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

/** The per-session visit counter over real HTTP: the session cookie names a session stored in PikoDB. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@AutoConfigurePikoDB
class VisitTests {

    @Autowired
    RestTestClient client;

    @Autowired
    PikoDB db;

    @Test
    void aSessionKeepsItsVisitsInTheStore() {
        EntityExchangeResult<VisitController.Visits> first = client.post().uri("/api/visit?page=notes").exchange()
            .expectStatus().isOk().expectBody(VisitController.Visits.class).returnResult();
        String cookie = first.getResponseHeaders().getFirst(HttpHeaders.SET_COOKIE);
        assertThat(cookie).startsWith("SESSION=");
        String sessionCookie = cookie.substring(0, cookie.indexOf(';'));
        assertThat(first.getResponseBody().visits()).isEqualTo(1);

        VisitController.Visits second = client.post().uri("/api/visit?page=readings")
            .header(HttpHeaders.COOKIE, sessionCookie).exchange()
            .expectStatus().isOk().expectBody(VisitController.Visits.class).returnResult().getResponseBody();
        assertThat(second.visits()).isEqualTo(2);
        assertThat(second.pages()).isEqualTo(List.of("notes", "readings"));
        assertThat(second.session()).isEqualTo(first.getResponseBody().session());
        assertThat(db.getRecord("spring-sessions", second.session())).isPresent();

        VisitController.Visits other = client.get().uri("/api/visit").exchange()
            .expectStatus().isOk().expectBody(VisitController.Visits.class).returnResult().getResponseBody();
        assertThat(other.visits()).isZero();
        assertThat(other.session()).isNotEqualTo(second.session());
    }
}
