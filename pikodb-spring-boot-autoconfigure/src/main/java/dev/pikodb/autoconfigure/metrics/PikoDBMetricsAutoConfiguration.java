package dev.pikodb.autoconfigure.metrics;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import dev.pikodb.autoconfigure.PikoDBConfigurationException;
import dev.pikodb.autoconfigure.PikoDBProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * {@link PikoDBMetrics PikoDB meters}. Active when Micrometer is on the classpath and the application
 * has a {@link MeterRegistry}; Spring Boot binds the meters to it.
 */
@AutoConfiguration(after = PikoDBAutoConfiguration.class,
        afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass({ PikoDB.class, MeterRegistry.class })
@ConditionalOnBooleanProperty(name = "pikodb.enabled", matchIfMissing = true)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnSingleCandidate(PikoDB.class)
@EnableConfigurationProperties(PikoDBProperties.class)
public final class PikoDBMetricsAutoConfiguration {

    static final String REFRESH_PROPERTY = "pikodb.metrics.table-refresh-interval";

    PikoDBMetricsAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    PikoDBMetrics pikoDBMetrics(PikoDB pikoDB, PikoDBProperties properties) {
        Duration interval = properties.getMetrics().getTableRefreshInterval();
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new PikoDBConfigurationException(REFRESH_PROPERTY, interval,
                    "the refresh interval of the per-table meters must be positive",
                    "Set " + REFRESH_PROPERTY + " to a positive duration such as 30s.", null);
        }
        return new PikoDBMetrics(pikoDB, Tags.empty(), interval);
    }
}
