package dev.pikodb.spring.data;

import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.keyvalue.annotation.KeySpace;

/**
 * An immutable entity that is both versioned and expiring (its time-to-live is a property).
 *
 * @param id the id
 * @param value the value
 * @param ttl the time-to-live, in seconds
 * @param version the version
 */
@KeySpace("tokens")
public record Token(@Id String id, String value, @Expires long ttl, @Version Long version) {
}
