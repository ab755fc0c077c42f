package dev.pikodb.spring.data;

import java.util.concurrent.TimeUnit;
import org.springframework.data.annotation.Id;
import org.springframework.data.keyvalue.annotation.KeySpace;

/**
 * An immutable entity that expires 30 minutes after each save, unless it carries its own time-to-live.
 *
 * @param id the id
 * @param user the user
 * @param timeToLiveSeconds this session's own time-to-live in seconds, or null for the type's
 */
@KeySpace("sessions")
@Expires(value = 30, unit = TimeUnit.MINUTES)
public record Session(@Id String id, String user, @Expires Long timeToLiveSeconds) {
}
