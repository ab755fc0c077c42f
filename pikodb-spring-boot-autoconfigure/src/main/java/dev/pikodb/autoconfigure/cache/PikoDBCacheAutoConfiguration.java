package dev.pikodb.autoconfigure.cache;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import dev.pikodb.autoconfigure.PikoDBConfigurationException;
import dev.pikodb.spring.cache.PikoDBCacheManager;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of a Spring
 * {@link CacheManager} backed by PikoDB, opted into with {@code pikodb.cache.enabled=true}.
 *
 * <p>It runs before Spring Boot's cache auto-configuration, which then backs off, while the
 * {@code caches} actuator endpoint and the cache meters still see the cache manager. It backs off when
 * the application defines its own {@code CacheManager}. Caching itself is switched on, as always,
 * with {@code @EnableCaching}.
 */
@AutoConfiguration(after = PikoDBAutoConfiguration.class,
        beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass({ CacheManager.class, PikoDBCacheManager.class })
@ConditionalOnBean(PikoDB.class)
@ConditionalOnMissingBean(CacheManager.class)
@ConditionalOnBooleanProperty("pikodb.cache.enabled")
@EnableConfigurationProperties(PikoDBCacheProperties.class)
public final class PikoDBCacheAutoConfiguration {

    PikoDBCacheAutoConfiguration() {
    }

    @Bean
    PikoDBCacheManager cacheManager(PikoDB pikoDB, PikoDBCacheProperties properties,
            ObjectProvider<PikoDBCacheManagerBuilderCustomizer> customizers) {
        PikoDBCacheManager.Builder builder = PikoDBCacheManager.builder(pikoDB);
        apply("pikodb.cache.time-to-live", properties.getTimeToLive(),
                () -> builder.defaultTimeToLive(properties.getTimeToLive()));
        apply("pikodb.cache.load-lease", properties.getLoadLease(), () -> builder.loadLease(properties.getLoadLease()));
        if (!properties.isCacheNullValues()) {
            builder.disableCachingNullValues();
        }
        properties.getCaches().forEach((name, spec) -> {
            Duration timeToLive = (spec != null && spec.getTimeToLive() != null) ? spec.getTimeToLive()
                    : properties.getTimeToLive();
            apply("pikodb.cache.caches." + name, timeToLive, () -> builder.timeToLive(name, timeToLive));
        });
        customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
        return builder.build();
    }

    private static void apply(String property, Object value, Runnable setting) {
        try {
            setting.run();
        }
        catch (IllegalArgumentException ex) {
            throw new PikoDBConfigurationException(property, value, ex.getMessage(),
                    "Fix " + property + ": a cache name is any non-empty text, a load lease is a positive duration"
                            + " such as 10s, and a time-to-live is a positive duration such as 10m (leave it unset"
                            + " for no expiration).",
                    ex);
        }
    }
}
