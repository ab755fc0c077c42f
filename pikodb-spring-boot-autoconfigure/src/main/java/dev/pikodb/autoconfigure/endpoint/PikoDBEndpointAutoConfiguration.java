package dev.pikodb.autoconfigure.endpoint;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import dev.pikodb.autoconfigure.PikoDBProperties;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * {@link PikoDBEndpoint pikodb endpoint} over every {@link PikoDB} bean. Active with actuator on the
 * classpath when the endpoint is available: accessible and exposed, for example with
 * {@code management.endpoints.web.exposure.include=health,pikodb}. Its default access is read-only.
 * Its backup operation writes into {@code pikodb.backup.directory}.
 */
@AutoConfiguration(after = PikoDBAutoConfiguration.class)
@ConditionalOnClass({ PikoDB.class, Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(PikoDB.class)
public final class PikoDBEndpointAutoConfiguration {

    PikoDBEndpointAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    PikoDBEndpoint pikodbEndpoint(Map<String, PikoDB> stores, ObjectProvider<PikoDBProperties> properties) {
        PikoDBProperties configured = properties.getIfAvailable();
        return new PikoDBEndpoint(stores, (configured != null) ? configured.getBackup().getDirectory() : null);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(PikoDBEndpoint.class)
    @ConditionalOnAvailableEndpoint(exposure = org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure.WEB)
    PikoDBEndpointWebExtension pikodbEndpointWebExtension(PikoDBEndpoint endpoint) {
        return new PikoDBEndpointWebExtension(endpoint);
    }
}
