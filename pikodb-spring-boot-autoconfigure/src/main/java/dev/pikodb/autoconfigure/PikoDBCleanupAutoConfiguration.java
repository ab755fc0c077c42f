package dev.pikodb.autoconfigure;

import dev.pikodb.PikoDB;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * scheduled removal of expired records ({@code pikodb.cleanup.*}) from every {@link PikoDB} bean, on
 * the {@link PikoDBScheduler}.
 */
@AutoConfiguration(after = { PikoDBAutoConfiguration.class, PikoDBSchedulingAutoConfiguration.class })
@ConditionalOnClass(PikoDB.class)
@ConditionalOnBooleanProperty(name = "pikodb.cleanup.enabled", matchIfMissing = true)
@ConditionalOnBean({ PikoDB.class, PikoDBScheduler.class })
@EnableConfigurationProperties(PikoDBProperties.class)
public final class PikoDBCleanupAutoConfiguration {

    static final String INTERVAL_PROPERTY = "pikodb.cleanup.interval";

    PikoDBCleanupAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    PikoDBCleanupScheduler pikodbCleanupScheduler(Map<String, PikoDB> stores, PikoDBScheduler scheduler,
            PikoDBProperties properties) {
        Duration interval = properties.getCleanup().getInterval();
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new PikoDBConfigurationException(INTERVAL_PROPERTY, interval, "the cleanup interval must be positive",
                    "Set " + INTERVAL_PROPERTY + " to a positive duration such as 1m or 30s, or set"
                            + " pikodb.cleanup.enabled=false to turn the scheduled cleanup off.",
                    null);
        }
        return new PikoDBCleanupScheduler(stores, scheduler.getTaskScheduler(), interval);
    }
}
