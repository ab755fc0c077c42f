package dev.pikodb.sample.sessions;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /api/sessions}.
 *
 * @param user required, at most 200 characters
 * @param ttlSeconds optional lifetime in seconds; {@code sample.session-ttl} when absent, at most
 *     {@code sample.max-session-ttl}
 */
public record SessionRequest(@NotBlank @Size(max = 200) String user, @Positive Long ttlSeconds) {
}
