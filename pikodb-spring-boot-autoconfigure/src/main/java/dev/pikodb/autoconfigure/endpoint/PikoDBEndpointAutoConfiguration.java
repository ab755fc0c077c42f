package dev.pikodb.autoconfigure.endpoint;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * {@link PikoDBEndpoint pikodb endpoint}. Active with actuator on the classpath when the endpoint is
 * available: accessible and exposed, for example with
 * {@code management.endpoints.web.exposure.include=health,pikodb}.
 */
@AutoConfiguration(after = PikoDBAutoConfiguration.class)
@ConditionalOnClass({ PikoDB.class, Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBooleanProperty(name = "pikodb.enabled", matchIfMissing = true)
@ConditionalOnSingleCandidate(PikoDB.class)
public final class PikoDBEndpointAutoConfiguration {

    PikoDBEndpointAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    PikoDBEndpoint pikoDBEndpoint(PikoDB pikoDB) {
        return new PikoDBEndpoint(pikoDB);
    }
}
