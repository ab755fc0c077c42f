package dev.pikodb.autoconfigure.cache;

import dev.pikodb.spring.cache.PikoDBCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;

/**
 * Micrometer's standard {@code cache.*} meters of a {@link PikoDBCache}: {@code cache.gets} (hit and
 * miss), {@code cache.puts}, {@code cache.evictions} and {@code cache.size}, and
 * {@code cache.load.waits}: computations of a missing entry that waited for another instance sharing the
 * store to compute it. The counters start at zero with each run of the application.
 */
public class PikoDBCacheMetrics extends CacheMeterBinder<PikoDBCache> {

    /**
     * Creates the meters of a cache.
     *
     * @param cache the cache
     * @param tags tags added to every meter
     */
    public PikoDBCacheMetrics(PikoDBCache cache, Iterable<Tag> tags) {
        super(cache, cache.getName(), tags);
    }

    @Override
    protected Long size() {
        PikoDBCache cache = getCache();
        return (cache != null && cache.getNativeCache().isOpen()) ? cache.size() : null;
    }

    @Override
    protected long hitCount() {
        PikoDBCache cache = getCache();
        return (cache != null) ? cache.getStatistics().hits() : 0;
    }

    @Override
    protected Long missCount() {
        PikoDBCache cache = getCache();
        return (cache != null) ? cache.getStatistics().misses() : null;
    }

    @Override
    protected Long evictionCount() {
        PikoDBCache cache = getCache();
        return (cache != null) ? cache.getStatistics().evictions() : null;
    }

    @Override
    protected long putCount() {
        PikoDBCache cache = getCache();
        return (cache != null) ? cache.getStatistics().puts() : 0;
    }

    @Override
    protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
        FunctionCounter.builder("cache.load.waits", getCache(), (cache) -> cache.getStatistics().loadWaits())
            .tags(getTagsWithCacheName())
            .description("Computations of a missing entry that waited for another instance to compute it")
            .register(registry);
    }
}
