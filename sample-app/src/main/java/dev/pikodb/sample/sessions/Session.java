package dev.pikodb.sample.sessions;

import java.time.Instant;

/**
 * A session as stored in the {@code sessions} table, keyed by its token.
 *
 * @param user the user the session belongs to
 * @param createdAt when it was created
 * @param expiresAt when it expires; also the PikoDB record's expiration
 */
public record Session(String user, Instant createdAt, Instant expiresAt) {
}
