package dev.pikodb.autoconfigure.health;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * {@code pikodb} {@link PikoDBHealthIndicator health indicator}. Active when Spring Boot's health
 * support is on the classpath; turned off with {@code management.health.pikodb.enabled=false}.
 */
@AutoConfiguration(after = PikoDBAutoConfiguration.class,
        beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass({ PikoDB.class, Health.class })
@ConditionalOnBooleanProperty(name = "pikodb.enabled", matchIfMissing = true)
@ConditionalOnSingleCandidate(PikoDB.class)
public final class PikoDBHealthContributorAutoConfiguration {

    PikoDBHealthContributorAutoConfiguration() {
    }

    // On the method, not the class: its condition class must only be loaded once Health is known
    // to be on the classpath.
    @Bean
    @ConditionalOnEnabledHealthIndicator("pikodb")
    @ConditionalOnMissingBean(name = "pikodbHealthIndicator")
    PikoDBHealthIndicator pikodbHealthIndicator(PikoDB pikoDB) {
        return new PikoDBHealthIndicator(pikoDB);
    }
}
