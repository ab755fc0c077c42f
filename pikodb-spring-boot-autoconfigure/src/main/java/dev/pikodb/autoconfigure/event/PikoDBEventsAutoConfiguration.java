package dev.pikodb.autoconfigure.event;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import dev.pikodb.spring.event.PikoDBEventBridge;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} that
 * publishes the changes of every {@link PikoDB} bean as Spring application events
 * ({@link dev.pikodb.spring.event.PikoDBRecordChangedEvent},
 * {@link dev.pikodb.spring.event.PikoDBRecordExpiredEvent},
 * {@link dev.pikodb.spring.event.PikoDBTableDeletedEvent}), each carrying the name of the bean it
 * comes from.
 *
 * <p>Switched off with {@code pikodb.events.enabled=false}; backs off when the application defines its
 * own {@link PikoDBEventBridge}.
 */
@AutoConfiguration(after = PikoDBAutoConfiguration.class)
@ConditionalOnClass({ PikoDB.class, PikoDBEventBridge.class })
@ConditionalOnBean(PikoDB.class)
@ConditionalOnBooleanProperty(name = "pikodb.events.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PikoDBEventsProperties.class)
public final class PikoDBEventsAutoConfiguration {

    PikoDBEventsAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    PikoDBEventBridge pikoDBEventBridge(Map<String, PikoDB> stores, ApplicationEventPublisher publisher) {
        return new PikoDBEventBridge(stores, publisher);
    }
}
