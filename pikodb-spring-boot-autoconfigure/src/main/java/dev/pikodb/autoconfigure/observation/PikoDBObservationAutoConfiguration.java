package dev.pikodb.autoconfigure.observation;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBOptionsCustomizer;
import dev.pikodb.spring.observation.PikoDBObservationConvention;
import dev.pikodb.spring.observation.PikoDBObservations;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} that
 * observes the operations of the auto-configured {@link PikoDB}, and of the caches and repositories
 * over it, with the application's {@link ObservationRegistry} (which Spring Boot's actuator provides),
 * so that they show as spans inside the application's own (an HTTP request's, say) and as timers.
 * Active when the application has an {@code ObservationRegistry} bean and
 * {@code pikodb.observations.enabled} is not false. A {@link PikoDBObservationConvention} bean, when
 * there is exactly one, names and tags the observations it supports.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass({ PikoDB.class, ObservationRegistry.class, PikoDBObservations.class })
@ConditionalOnBean(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = "pikodb.observations.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PikoDBObservationProperties.class)
public final class PikoDBObservationAutoConfiguration {

    PikoDBObservationAutoConfiguration() {
    }

    @Bean
    PikoDBOptionsCustomizer pikodbObservationsOptionsCustomizer(ObservationRegistry registry,
            PikoDBObservationProperties properties, ObjectProvider<PikoDBObservationConvention> convention) {
        PikoDBObservations observations = new PikoDBObservations(registry, properties.isTableTag(),
                convention.getIfUnique());
        return (options) -> options.observer(observations);
    }
}
