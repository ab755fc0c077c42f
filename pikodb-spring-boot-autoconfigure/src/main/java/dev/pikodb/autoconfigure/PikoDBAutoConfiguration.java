package dev.pikodb.autoconfigure;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for a
 * {@link PikoDB} store, bean {@code pikodb}, configured from {@code pikodb.*}.
 *
 * <p>The store is started when the bean is created, so every bean it is injected into gets an open
 * store, and it is closed (which flushes every table) when the context shuts down. It needs
 * {@code pikodb.database-directory}: there is no default directory. It backs off when the application
 * defines its own {@code PikoDB} bean or beans, and with {@code pikodb.enabled=false}; the scheduled
 * cleanup, health, meters and endpoint serve whatever {@code PikoDB} beans there are either way.
 * {@link PikoDBOptionsCustomizer} beans may adjust the options.
 */
@AutoConfiguration
@ConditionalOnClass(PikoDB.class)
@ConditionalOnBooleanProperty(name = "pikodb.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PikoDBProperties.class)
public final class PikoDBAutoConfiguration {

    PikoDBAutoConfiguration() {
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    PikoDB pikodb(PikoDBProperties properties, ObjectProvider<PikoDBOptionsCustomizer> customizers) {
        DatabaseOptions options = PikoDBFactory.options(properties, customizers.orderedStream());
        return PikoDBFactory.createAndStart(options);
    }
}
