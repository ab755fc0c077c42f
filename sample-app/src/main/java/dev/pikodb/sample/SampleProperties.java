package dev.pikodb.sample;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the sample application, bound from {@code sample.*}.
 *
 * @param sessionTtl how long a session lives when its request names no TTL
 * @param maxSessionTtl the longest TTL a request may ask for
 */
@ConfigurationProperties("sample")
public record SampleProperties(@DefaultValue("30m") Duration sessionTtl, @DefaultValue("24h") Duration maxSessionTtl) {

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException when a duration is not positive or the default exceeds the maximum
     */
    public SampleProperties {
        requirePositive("sample.session-ttl", sessionTtl);
        requirePositive("sample.max-session-ttl", maxSessionTtl);
        if (sessionTtl.compareTo(maxSessionTtl) > 0) {
            throw new IllegalArgumentException("sample.session-ttl (" + sessionTtl
                    + ") must not exceed sample.max-session-ttl (" + maxSessionTtl + ")");
        }
    }

    private static void requirePositive(String property, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + " must be a positive duration such as 30m, was " + value);
        }
    }
}
