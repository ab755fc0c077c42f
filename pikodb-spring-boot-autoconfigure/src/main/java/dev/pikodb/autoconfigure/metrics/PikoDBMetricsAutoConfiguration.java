package dev.pikodb.autoconfigure.metrics;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import dev.pikodb.autoconfigure.PikoDBConfigurationException;
import dev.pikodb.autoconfigure.PikoDBProperties;
import dev.pikodb.autoconfigure.PikoDBScheduler;
import dev.pikodb.autoconfigure.PikoDBSchedulingAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * {@link PikoDBMetrics PikoDB meters} of every {@link PikoDB} bean, tagged {@code store=<bean name>}.
 * Active when Micrometer is on the classpath and the application has a {@link MeterRegistry}; Spring
 * Boot binds the meters to it.
 */
@AutoConfiguration(after = { PikoDBAutoConfiguration.class, PikoDBSchedulingAutoConfiguration.class },
        afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass({ PikoDB.class, MeterRegistry.class })
@ConditionalOnBean({ MeterRegistry.class, PikoDB.class, PikoDBScheduler.class })
@EnableConfigurationProperties(PikoDBProperties.class)
public final class PikoDBMetricsAutoConfiguration {

    static final String REFRESH_PROPERTY = "pikodb.metrics.table-refresh-interval";

    static final String MAX_TABLES_PROPERTY = "pikodb.metrics.table-meters.max-tables";

    PikoDBMetricsAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    PikoDBMeterBinder pikodbMeterBinder(Map<String, PikoDB> stores, PikoDBProperties properties,
            PikoDBScheduler scheduler) {
        PikoDBProperties.Metrics metrics = properties.getMetrics();
        Duration interval = metrics.getTableRefreshInterval();
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new PikoDBConfigurationException(REFRESH_PROPERTY, interval,
                    "the refresh interval of the per-table meters must be positive",
                    "Set " + REFRESH_PROPERTY + " to a positive duration such as 30s.", null);
        }
        int maxTables = metrics.getTableMeters().getMaxTables();
        if (maxTables < 0) {
            throw new PikoDBConfigurationException(MAX_TABLES_PROPERTY, maxTables, "the limit must not be negative",
                    "Set " + MAX_TABLES_PROPERTY + " to zero or more, or set pikodb.metrics.table-meters.enabled=false"
                            + " for no per-table meters.",
                    null);
        }
        int effective = metrics.getTableMeters().isEnabled() ? maxTables : 0;
        return new PikoDBMeterBinder(stores, effective, scheduler.getTaskScheduler(), interval);
    }
}
