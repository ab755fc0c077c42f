package dev.pikodb.autoconfigure.cache;

import dev.pikodb.spring.cache.PikoDBCache;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;

/**
 * Gives Spring Boot's cache metrics the meters of {@link PikoDBCache}s.
 */
public class PikoDBCacheMeterBinderProvider implements CacheMeterBinderProvider<PikoDBCache> {

    /** Creates the provider. */
    public PikoDBCacheMeterBinderProvider() {
    }

    @Override
    public MeterBinder getMeterBinder(PikoDBCache cache, Iterable<Tag> tags) {
        return new PikoDBCacheMetrics(cache, tags);
    }
}
