package dev.pikodb.spring.cache;

import dev.pikodb.PikoDB;
import dev.pikodb.spring.observation.PikoDBObservations;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Spring {@link CacheManager} whose caches are PikoDB tables, so cached entries survive restarts.
 *
 * <pre>{@code
 * @Bean
 * PikoDBCacheManager cacheManager(PikoDB pikoDB) {
 *     return PikoDBCacheManager.builder(pikoDB)
 *         .defaultTimeToLive(Duration.ofMinutes(10))
 *         .timeToLive("prices", Duration.ofSeconds(30))
 *         .build();
 * }
 * }</pre>
 *
 * <p><b>Naming.</b> Any non-empty name is a cache name ({@code users::byId}, {@code a:b}, {@code my cache},
 * {@code café}): the cache {@code name} is the table {@code cache-<name>}, with every character other
 * than {@code A-Z a-z 0-9 . _ -} percent-encoded, one to one (see {@link #tableName}), so
 * {@code books} is {@code cache-books} and {@code users::byId} is {@code cache-users%3A%3AbyId}.
 *
 * <p><b>Cache names.</b> {@link #getCacheNames()} lists the caches created or configured in this
 * manager and every cache already stored in the database (a {@code cache-} table), so caches kept from
 * an earlier run are listed too (except caches whose names are too long to be kept whole in the table
 * name). Unknown caches are created on first use unless
 * {@link Builder#disableCreateOnMissingCache()} was called.
 *
 * <p><b>Observations.</b> When the store is observed with
 * {@link dev.pikodb.spring.observation.PikoDBObservations}, every cache operation is an observation
 * ({@code pikodb.cache.operation}, e.g. the span {@code pikodb cache get}) holding its store operations.
 */
public class PikoDBCacheManager implements CacheManager {

    /** The prefix of every cache table: the cache {@code n} is kept in the table {@code cache-n}. */
    public static final String TABLE_PREFIX = CacheTableNames.PREFIX;

    /** The default of {@link Builder#loadLease(Duration)}. */
    public static final Duration DEFAULT_LOAD_LEASE = Duration.ofSeconds(10);

    private final PikoDB pikoDB;

    private final Duration defaultTimeToLive;

    private final Map<String, Duration> timeToLives;

    private final boolean allowNullValues;

    private final boolean createOnMissingCache;

    private final JsonMapper jsonMapper;

    private final Clock clock;

    private final Duration loadLease;

    private final ConcurrentHashMap<String, PikoDBCache> caches = new ConcurrentHashMap<>();

    private PikoDBCacheManager(Builder builder) {
        this.pikoDB = builder.pikoDB;
        this.defaultTimeToLive = builder.defaultTimeToLive;
        this.timeToLives = Collections.unmodifiableMap(new LinkedHashMap<>(builder.timeToLives));
        this.allowNullValues = builder.allowNullValues;
        this.createOnMissingCache = builder.createOnMissingCache;
        this.jsonMapper = (builder.jsonMapper != null) ? builder.jsonMapper : defaultMapper(pikoDB);
        this.clock = (builder.clock != null) ? builder.clock : pikoDB.clock();
        this.loadLease = builder.loadLease;
        builder.initialCacheNames.forEach(this::getCache);
        this.timeToLives.keySet().forEach(this::getCache);
    }

    /**
     * Starts building a cache manager over an open store.
     *
     * @param pikoDB the store, started
     * @return a builder
     */
    public static Builder builder(PikoDB pikoDB) {
        return new Builder(pikoDB);
    }

    /**
     * The table that holds a cache: {@code cache-} and the name, with every character other than
     * {@code A-Z a-z 0-9 _ -} (and {@code .} where a table name could not hold it) written as
     * {@code %XX} for each byte of its UTF-8 form. Different names always give different tables; a name
     * whose table would exceed 255 bytes keeps its first part, followed by {@code ~} and the SHA-256 of
     * the name.
     *
     * @param cacheName the cache name: any non-empty text
     * @return the table name, e.g. {@code cache-books} or {@code cache-users%3A%3AbyId}
     * @throws IllegalArgumentException when the name is null, empty or not valid Unicode
     */
    public static String tableName(String cacheName) {
        return CacheTableNames.tableName(cacheName);
    }

    /**
     * How long a computation of {@code get(key, loader)} holds the key against other instances.
     *
     * @return the lease
     */
    public Duration getLoadLease() {
        return loadLease;
    }

    @Override
    public Cache getCache(String name) {
        PikoDBCache cache = caches.get(name);
        if (cache != null) {
            return cache;
        }
        if (!createOnMissingCache && !timeToLives.containsKey(name) && !isStored(name)) {
            return null;
        }
        return caches.computeIfAbsent(name, this::createCache);
    }

    @Override
    public Collection<String> getCacheNames() {
        Set<String> names = new TreeSet<>(caches.keySet());
        for (String table : pikoDB.listTables()) {
            String name = CacheTableNames.cacheName(table);
            if (name != null) {
                names.add(name);
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * The time-to-live a cache gets: its own, else the default.
     *
     * @param cacheName the cache name
     * @return the time-to-live, or {@code null} for entries that never expire
     */
    public Duration getTimeToLive(String cacheName) {
        return timeToLives.containsKey(cacheName) ? timeToLives.get(cacheName) : defaultTimeToLive;
    }

    /**
     * The caches created so far in this manager.
     *
     * @return cache name to cache
     */
    public Map<String, PikoDBCache> getCaches() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(caches));
    }

    private boolean isStored(String name) {
        return pikoDB.listTables().contains(tableName(name));
    }

    private PikoDBCache createCache(String name) {
        PikoDBObservations observations = PikoDBObservations.of(pikoDB);
        if (observations != null) {
            return new ObservedPikoDBCache(observations, name, pikoDB, getTimeToLive(name), allowNullValues, jsonMapper,
                    clock, loadLease);
        }
        return new PikoDBCache(name, pikoDB, getTimeToLive(name), allowNullValues, jsonMapper, clock, loadLease);
    }

    private static JsonMapper defaultMapper(PikoDB pikoDB) {
        JsonMapper configured = pikoDB.options().jsonMapper();
        return (configured != null) ? configured : JsonMapper.builder().build();
    }

    /** Builds a {@link PikoDBCacheManager}. Not thread-safe. */
    public static final class Builder {

        private final PikoDB pikoDB;

        private Duration defaultTimeToLive;

        private final Map<String, Duration> timeToLives = new LinkedHashMap<>();

        private final Set<String> initialCacheNames = new LinkedHashSet<>();

        private boolean allowNullValues = true;

        private boolean createOnMissingCache = true;

        private JsonMapper jsonMapper;

        private Clock clock;

        private Duration loadLease = DEFAULT_LOAD_LEASE;

        private Builder(PikoDB pikoDB) {
            this.pikoDB = Objects.requireNonNull(pikoDB, "pikoDB must not be null");
        }

        /**
         * Sets how long entries of every cache live after they are written (default: for ever).
         *
         * @param timeToLive a positive duration, or {@code null} for entries that never expire
         * @return this builder
         */
        public Builder defaultTimeToLive(Duration timeToLive) {
            this.defaultTimeToLive = checkTimeToLive("the default", timeToLive);
            return this;
        }

        /**
         * Sets the time-to-live of one cache, overriding the default, and creates that cache.
         *
         * @param cacheName the cache name
         * @param timeToLive a positive duration, or {@code null} for entries that never expire
         * @return this builder
         */
        public Builder timeToLive(String cacheName, Duration timeToLive) {
            tableName(cacheName);
            this.timeToLives.put(cacheName, checkTimeToLive("cache '" + cacheName + "'", timeToLive));
            return this;
        }

        /**
         * Names caches to create up front (they are listed even before first use).
         *
         * @param cacheNames the cache names
         * @return this builder
         */
        public Builder initialCacheNames(Collection<String> cacheNames) {
            cacheNames.forEach(PikoDBCacheManager::tableName);
            this.initialCacheNames.addAll(cacheNames);
            return this;
        }

        /**
         * Stops caching {@code null} values: putting one then throws {@link IllegalArgumentException}.
         *
         * @return this builder
         */
        public Builder disableCachingNullValues() {
            this.allowNullValues = false;
            return this;
        }

        /**
         * Makes {@link PikoDBCacheManager#getCache(String)} return {@code null} for a cache that is neither
         * configured, created up front, nor stored in the database.
         *
         * @return this builder
         */
        public Builder disableCreateOnMissingCache() {
            this.createOnMissingCache = false;
            return this;
        }

        /**
         * Sets the mapper that turns cached values into JSON and back (default: the store's configured
         * mapper, else a default {@link JsonMapper}).
         *
         * @param jsonMapper the mapper
         * @return this builder
         */
        public Builder jsonMapper(JsonMapper jsonMapper) {
            this.jsonMapper = jsonMapper;
            return this;
        }

        /**
         * Sets the clock that stamps expirations (default: the store's clock, so that PikoDB's expiration
         * and the cache agree).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Sets how long a computation of {@code get(key, loader)} holds its key against the other
         * instances sharing the store (default 10 seconds). While it holds it, the other instances wait
         * for its value instead of computing their own; if it dies, they wait at most this long before
         * one of them computes the value. A loader that runs longer than this may run on another
         * instance too, and every caller still gets the value stored first.
         *
         * @param loadLease a positive duration
         * @return this builder
         */
        public Builder loadLease(Duration loadLease) {
            if (loadLease == null || loadLease.isNegative() || loadLease.isZero()) {
                throw new IllegalArgumentException("The load lease must be a positive duration, not " + loadLease
                        + "; it is how long a computation holds its key against other instances (e.g. 10s)");
            }
            this.loadLease = loadLease;
            return this;
        }

        /**
         * Builds the cache manager, creating the configured caches.
         *
         * @return the cache manager
         */
        public PikoDBCacheManager build() {
            return new PikoDBCacheManager(this);
        }

        private static Duration checkTimeToLive(String what, Duration timeToLive) {
            if (timeToLive != null && (timeToLive.isNegative() || timeToLive.isZero())) {
                throw new IllegalArgumentException("The time-to-live of " + what + " must be positive, not "
                        + timeToLive + "; leave it unset for entries that never expire");
            }
            return timeToLive;
        }
    }
}
