package dev.pikodb.sample;

import dev.pikodb.autoconfigure.PikoDBOptionsCustomizer;
import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;

/**
 * A small web application that keeps its data in PikoDB through the PikoDB Spring Boot starter:
 * notes in a Spring Data repository with optimistic locking ({@code /api/notes}), a cached summary of
 * them ({@code /api/summary}, a {@code @Cacheable} method backed by a PikoDB cache with a
 * time-to-live), the store's changes as received by an {@code @EventListener} ({@code /api/changes}),
 * expiring sessions ({@code /api/sessions}) and sensor readings stored with a key dictionary
 * ({@code /api/readings}).
 *
 * <p>The store itself is configured in {@code application.yml} ({@code pikodb.*}); the only code-level
 * customization is the {@link Clock}, shared by the application and the store so that "now" means the
 * same thing to both (and so that tests can move time forward).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableCaching
public class SampleApplication {

    /**
     * Starts the application.
     *
     * @param args command-line arguments, e.g. {@code --pikodb.database-directory=/tmp/data}
     */
    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }

    /**
     * The clock for timestamps and expirations.
     *
     * @return the system UTC clock
     */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Makes the store use the application's clock for write timestamps and expiration.
     *
     * @param clock the application's clock
     * @return the customizer
     */
    @Bean
    PikoDBOptionsCustomizer pikoDBClock(Clock clock) {
        return options -> options.clock(clock);
    }
}
