package dev.pikodb.autoconfigure.cache;

import dev.pikodb.spring.cache.PikoDBCache;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * {@link PikoDBCacheMeterBinderProvider}, through which Spring Boot's cache metrics bind
 * {@link PikoDBCache}s, whether their cache manager is auto-configured or the application's own.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.cache.autoconfigure.metrics.CacheMetricsAutoConfiguration")
@ConditionalOnClass({ PikoDBCache.class, MeterBinder.class, CacheMeterBinderProvider.class })
public final class PikoDBCacheMetricsAutoConfiguration {

    PikoDBCacheMetricsAutoConfiguration() {
    }

    @Bean
    PikoDBCacheMeterBinderProvider pikoDBCacheMeterBinderProvider() {
        return new PikoDBCacheMeterBinderProvider();
    }
}
