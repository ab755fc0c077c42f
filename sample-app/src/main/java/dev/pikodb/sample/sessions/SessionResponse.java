package dev.pikodb.sample.sessions;

import java.time.Instant;

/**
 * A session as the API returns it.
 *
 * @param token the session's token, its key
 * @param user the user
 * @param createdAt when it was created
 * @param expiresAt when it expires
 */
public record SessionResponse(String token, String user, Instant createdAt, Instant expiresAt) {

    static SessionResponse of(String token, Session session) {
        return new SessionResponse(token, session.user(), session.createdAt(), session.expiresAt());
    }
}
