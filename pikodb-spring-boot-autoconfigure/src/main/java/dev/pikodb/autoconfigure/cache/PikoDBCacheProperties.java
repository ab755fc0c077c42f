package dev.pikodb.autoconfigure.cache;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Spring {@code CacheManager} backed by PikoDB ({@code pikodb.cache.*}).
 */
@ConfigurationProperties("pikodb.cache")
public class PikoDBCacheProperties {

    /**
     * Whether to provide a Spring CacheManager whose caches are PikoDB tables ('cache-<name>'), so cached
     * entries survive restarts. Backs off when the application defines its own CacheManager.
     */
    private boolean enabled;

    /**
     * How long cache entries live after they are written. By default they never expire.
     */
    private Duration timeToLive;

    /**
     * Whether null values are cached.
     */
    private boolean cacheNullValues = true;

    /**
     * How long a computation of a missing entry (@Cacheable, Cache.get(key, loader)) holds its key
     * against the other instances sharing the store: they wait for its value instead of computing their
     * own, and compute it themselves only if this runs out (its instance died) or after twice this long.
     */
    private Duration loadLease = Duration.ofSeconds(10);

    /**
     * Settings of individual caches, by cache name: 'pikodb.cache.caches.<name>.time-to-live' overrides the
     * general time-to-live for that cache (a name with dots goes in brackets:
     * 'pikodb.cache.caches[books.v2].time-to-live', and so does any name with other characters than letters, digits
     * and '-': 'pikodb.cache.caches[users::byId].time-to-live'). Any name is a cache name. Each cache listed is created at startup (and so is
     * listed and has meters from then on).
     */
    private Map<String, CacheSpec> caches = new LinkedHashMap<>();

    /**
     * Whether the PikoDB cache manager is enabled.
     *
     * @return true when enabled; false by default
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Sets whether the PikoDB cache manager is enabled.
     *
     * @param enabled true to enable it
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * How long cache entries live after they are written.
     *
     * @return the time-to-live, or null for entries that never expire
     */
    public Duration getTimeToLive() {
        return timeToLive;
    }

    /**
     * Sets how long cache entries live after they are written.
     *
     * @param timeToLive the time-to-live, or null for entries that never expire
     */
    public void setTimeToLive(Duration timeToLive) {
        this.timeToLive = timeToLive;
    }

    /**
     * Whether null values are cached.
     *
     * @return true by default
     */
    public boolean isCacheNullValues() {
        return cacheNullValues;
    }

    /**
     * Sets whether null values are cached.
     *
     * @param cacheNullValues false to refuse null values
     */
    public void setCacheNullValues(boolean cacheNullValues) {
        this.cacheNullValues = cacheNullValues;
    }

    /**
     * How long a computation of a missing entry holds its key against other instances.
     *
     * @return the lease, 10 seconds by default
     */
    public Duration getLoadLease() {
        return loadLease;
    }

    /**
     * Sets how long a computation of a missing entry holds its key against other instances.
     *
     * @param loadLease a positive duration
     */
    public void setLoadLease(Duration loadLease) {
        this.loadLease = loadLease;
    }

    /**
     * The settings of individual caches.
     *
     * @return cache name to settings
     */
    public Map<String, CacheSpec> getCaches() {
        return caches;
    }

    /**
     * Sets the settings of individual caches.
     *
     * @param caches cache name to settings
     */
    public void setCaches(Map<String, CacheSpec> caches) {
        this.caches = caches;
    }

    /** Settings of one cache. */
    public static class CacheSpec {

        /**
         * How long this cache's entries live after they are written, overriding pikodb.cache.time-to-live.
         * By default the general time-to-live applies.
         */
        private Duration timeToLive;

        /**
         * How long this cache's entries live after they are written.
         *
         * @return the time-to-live, or null for the general one
         */
        public Duration getTimeToLive() {
            return timeToLive;
        }

        /**
         * Sets how long this cache's entries live after they are written.
         *
         * @param timeToLive the time-to-live, or null for the general one
         */
        public void setTimeToLive(Duration timeToLive) {
            this.timeToLive = timeToLive;
        }
    }
}
