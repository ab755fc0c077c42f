package dev.pikodb.sample.sessions;

import dev.pikodb.PikoDB;
import dev.pikodb.sample.SampleProperties;
import dev.pikodb.sample.web.Problems;
import jakarta.validation.Valid;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * {@code /api/sessions}: short-lived tokens written with a PikoDB expiration.
 *
 * <p>An expired session is invisible to reads at once (404); the starter's scheduled cleanup
 * ({@code pikodb.cleanup.interval}) removes it from memory and disk later.
 */
@RestController
@RequestMapping("/api/sessions")
public class SessionController {

    /** The table holding the sessions. */
    public static final String TABLE = "sessions";

    private final SecureRandom random = new SecureRandom();

    private final PikoDB db;

    private final Clock clock;

    private final SampleProperties properties;

    /**
     * Creates the controller.
     *
     * @param db the store
     * @param clock gives creation times; the store uses the same clock for expiration
     * @param properties the default and maximum TTL
     */
    public SessionController(PikoDB db, Clock clock, SampleProperties properties) {
        this.db = db;
        this.clock = clock;
        this.properties = properties;
    }

    /**
     * Creates a session.
     *
     * @param request the user and an optional TTL
     * @return 201 with the token and {@code Location}
     */
    @PostMapping
    public ResponseEntity<SessionResponse> create(@Valid @RequestBody SessionRequest request) {
        Duration ttl = (request.ttlSeconds() != null) ? Duration.ofSeconds(request.ttlSeconds())
                : properties.sessionTtl();
        if (ttl.compareTo(properties.maxSessionTtl()) > 0) {
            throw Problems.badRequest("ttlSeconds " + request.ttlSeconds() + " exceeds the maximum of "
                    + properties.maxSessionTtl().toSeconds() + " seconds (sample.max-session-ttl)");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Session session = new Session(request.user(), now, now.plus(ttl));
        String token = newToken();
        db.write(TABLE, token, session, session.expiresAt().toEpochMilli());
        return ResponseEntity.created(location(token)).body(SessionResponse.of(token, session));
    }

    /**
     * Reads a session.
     *
     * @param token the token
     * @return the session, or 404 when it does not exist or has expired
     */
    @GetMapping("/{token}")
    public SessionResponse get(@PathVariable String token) {
        Session session = db.get(TABLE, token, Session.class);
        if (session == null) {
            throw Problems.notFound("No session '" + token + "' (it may have expired)");
        }
        return SessionResponse.of(token, session);
    }

    /**
     * Ends a session.
     *
     * @param token the token
     * @return 204, or 404 when it does not exist or has expired
     */
    @DeleteMapping("/{token}")
    public ResponseEntity<Void> delete(@PathVariable String token) {
        if (!db.delete(TABLE, token)) {
            throw Problems.notFound("No session '" + token + "' (it may have expired)");
        }
        return ResponseEntity.noContent().build();
    }

    private String newToken() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static URI location(String id) {
        return ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}").buildAndExpand(id).toUri();
    }
}
