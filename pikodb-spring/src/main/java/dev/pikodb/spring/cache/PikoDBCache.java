package dev.pikodb.spring.cache;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.springframework.cache.support.AbstractValueAdaptingCache;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Spring {@link org.springframework.cache.Cache} kept in one PikoDB table, so that its entries
 * survive restarts (and, on a shared storage engine, are shared by every instance).
 *
 * <p><b>Storage.</b> The cache named {@code n} is the table {@code cache-n} (with the characters a table
 * name cannot hold percent-encoded, see {@link PikoDBCacheManager#tableName}); each entry is one record
 * whose key is the cache key mapped as {@link CacheKeys} describes, and whose value is a small JSON
 * document, {@code {"t": <type>, "v": <value>}}, described in {@link CacheEntries}.
 *
 * <p><b>Expiration.</b> Every entry of a cache with a time-to-live is written with PikoDB's expiration
 * ({@link #put} with a write, {@link #putIfAbsent} with one atomic {@code compareAndWrite} that carries
 * the expiration), so expired entries are invisible and removed by PikoDB's cleanup.
 *
 * <p><b>Values.</b> Anything Jackson can serialise and deserialise: POJOs, records, strings, numbers,
 * collections and maps of those (their element types are inferred from the elements), arrays,
 * {@code java.time} values. Not supported: values Jackson cannot rebuild (no creator, interface-typed
 * fields without {@code @JsonTypeInfo}), and collections mixing classes that share no supertype with
 * {@code @JsonTypeInfo} (a warning is logged when such a value is stored). An entry that cannot
 * be read back (its class was removed or changed incompatibly since it was written) is a miss, logged
 * once at WARN, and is replaced by the next put.
 *
 * <p><b>Concurrency.</b> {@link #get(Object, Callable)} computes a missing value once per key among all
 * callers of every instance that shares the store: in this JVM, concurrent callers wait for the first;
 * across instances, the first takes a short lease record ({@code #lease:<key>} in the same table, see
 * {@link PikoDBCacheManager.Builder#loadLease}), the others poll for its value with a growing pause
 * and compute it themselves only if the lease expires (its holder died) or after twice the lease.
 * Every caller gets the value stored first. While a value is being computed, its lease counts in
 * {@link #size()}. On the directory engine, held by one process, no lease is taken.
 */
public class PikoDBCache extends AbstractValueAdaptingCache {

    private static final int PUT_IF_ABSENT_ATTEMPTS = 16;

    private final String name;

    private final String table;

    private final PikoDB pikoDB;

    private final Duration timeToLive;

    private final JsonMapper jsonMapper;

    private final Clock clock;

    private final LoadLeases leases;

    private final ConcurrentHashMap<String, ReentrantLock> loaderLocks = new ConcurrentHashMap<>();

    private final LongAdder hits = new LongAdder();

    private final LongAdder misses = new LongAdder();

    private final LongAdder puts = new LongAdder();

    private final LongAdder evictions = new LongAdder();

    private final CacheEntries entries;

    /**
     * Creates a cache; {@link PikoDBCacheManager} is the usual way to get one.
     *
     * @param name the cache name, valid as {@link PikoDBCacheManager#tableName(String)} describes
     * @param pikoDB an open store
     * @param timeToLive how long entries live after they are written, or {@code null} for ever
     * @param allowNullValues whether {@code null} values are cached
     * @param jsonMapper the mapper that turns values into JSON and back
     * @param clock the clock that decides expiration; the store's clock
     */
    public PikoDBCache(String name, PikoDB pikoDB, Duration timeToLive, boolean allowNullValues, JsonMapper jsonMapper,
            Clock clock) {
        this(name, pikoDB, timeToLive, allowNullValues, jsonMapper, clock, PikoDBCacheManager.DEFAULT_LOAD_LEASE);
    }

    /**
     * Creates a cache; {@link PikoDBCacheManager} is the usual way to get one.
     *
     * @param name the cache name, any non-empty text (see {@link PikoDBCacheManager#tableName(String)})
     * @param pikoDB an open store
     * @param timeToLive how long entries live after they are written, or {@code null} for ever
     * @param allowNullValues whether {@code null} values are cached
     * @param jsonMapper the mapper that turns values into JSON and back
     * @param clock the clock that decides expiration; the store's clock
     * @param loadLease how long a computation of {@link #get(Object, Callable)} holds its key against
     *     other instances (see {@link PikoDBCacheManager.Builder#loadLease})
     */
    public PikoDBCache(String name, PikoDB pikoDB, Duration timeToLive, boolean allowNullValues, JsonMapper jsonMapper,
            Clock clock, Duration loadLease) {
        super(allowNullValues);
        this.name = name;
        this.table = PikoDBCacheManager.tableName(name);
        this.pikoDB = pikoDB;
        if (timeToLive != null && (timeToLive.isNegative() || timeToLive.isZero())) {
            throw new IllegalArgumentException("The time-to-live of cache '" + name + "' must be positive, not "
                    + timeToLive + "; leave it unset for entries that never expire");
        }
        this.timeToLive = timeToLive;
        this.jsonMapper = jsonMapper;
        this.clock = clock;
        this.leases = new LoadLeases(name, table, pikoDB, clock, loadLease);
        this.entries = new CacheEntries(name, table, jsonMapper, clock, allowNullValues);
    }

    @Override
    public String getName() {
        return name;
    }

    /**
     * The store that holds this cache.
     *
     * @return the {@link PikoDB}
     */
    @Override
    public PikoDB getNativeCache() {
        return pikoDB;
    }

    /**
     * The table that holds this cache's entries.
     *
     * @return {@code cache-<name>}, as {@link PikoDBCacheManager#tableName(String)} maps the name
     */
    public String getTable() {
        return table;
    }

    /**
     * How long entries live after they are written.
     *
     * @return the time-to-live, or {@code null} when entries never expire
     */
    public Duration getTimeToLive() {
        return timeToLive;
    }

    /**
     * The counters of this cache since it was created in this JVM.
     *
     * @return a snapshot of the counters
     */
    public PikoDBCacheStatistics getStatistics() {
        return new PikoDBCacheStatistics(hits.sum(), misses.sum(), puts.sum(), evictions.sum(), leases.waits());
    }

    /**
     * The number of live entries (expired ones are removed on the way).
     *
     * @return the number of entries
     */
    public long size() {
        return pikoDB.getTableSize(table);
    }

    @Override
    protected Object lookup(Object key) {
        Object stored = read(storeKey(key));
        if (stored != null) {
            hits.increment();
        }
        else {
            misses.increment();
        }
        return stored;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Callable<T> valueLoader) {
        Object stored = lookup(key);
        if (stored != null) {
            return (T) fromStoreValue(stored);
        }
        String storeKey = storeKey(key);
        ReentrantLock lock = loaderLocks.computeIfAbsent(storeKey, (k) -> new ReentrantLock());
        lock.lock();
        try {
            stored = read(storeKey);
            if (stored != null) {
                return (T) fromStoreValue(stored);
            }
            try {
                return (T) fromStoreValue(leases.computeOnce(storeKey, () -> read(storeKey),
                        () -> loadAndStore(key, storeKey, valueLoader)));
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new ValueRetrievalException(key, valueLoader, ex);
            }
        }
        finally {
            lock.unlock();
            if (!lock.hasQueuedThreads()) {
                loaderLocks.remove(storeKey, lock);
            }
        }
    }

    /**
     * Runs the loader and stores its value unless another caller stored one first; returns the store
     * value every caller gets.
     */
    private Object loadAndStore(Object key, String storeKey, Callable<?> valueLoader) {
        Object value;
        try {
            value = valueLoader.call();
        }
        catch (Throwable ex) {
            throw new ValueRetrievalException(key, valueLoader, ex);
        }
        Object storeValue = toStoreValue(value);
        Object existing = storeIfAbsent(storeKey, storeValue);
        return (existing != null) ? existing : storeValue;
    }

    @Override
    public CompletableFuture<?> retrieve(Object key) {
        Object stored = lookup(key);
        if (stored == null) {
            return null;
        }
        return CompletableFuture.completedFuture(isAllowNullValues() ? toValueWrapper(stored) : fromStoreValue(stored));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
        Object stored = lookup(key);
        if (stored != null) {
            return CompletableFuture.completedFuture((T) fromStoreValue(stored));
        }
        return valueLoader.get().thenApply((value) -> {
            put(key, value);
            return value;
        });
    }

    @Override
    public void put(Object key, Object value) {
        write(storeKey(key), toStoreValue(value));
    }

    @Override
    public ValueWrapper putIfAbsent(Object key, Object value) {
        Object existing = storeIfAbsent(storeKey(key), toStoreValue(value));
        return (existing != null) ? toValueWrapper(existing) : null;
    }

    /**
     * Stores an entry with one atomic compare-and-write unless a readable live entry exists.
     *
     * @return the existing entry's store value, or {@code null} when this one was stored
     */
    private Object storeIfAbsent(String storeKey, Object storeValue) {
        ObjectNode entry = entries.encode(storeValue);
        Long expiresAt = expiresAt();
        long expected = 0;
        for (int attempt = 0; attempt < PUT_IF_ABSENT_ATTEMPTS; attempt++) {
            if (pikoDB.compareAndWrite(table, storeKey, expected, entry, expiresAt)) {
                puts.increment();
                return null;
            }
            Optional<DatabaseRecord> current = pikoDB.getRecord(table, storeKey);
            if (current.isEmpty()) {
                expected = 0;
                continue;
            }
            Object existing = entries.decode(storeKey, jsonMapper.valueToTree(current.get().value()));
            if (existing != null) {
                return existing;
            }
            // Unreadable, or expired by the "x" of an entry written by an earlier version: replace
            // exactly this record unless someone else did.
            expected = current.get().version();
        }
        throw new IllegalStateException("Cache '" + name + "': storing key '" + storeKey + "' lost "
                + PUT_IF_ABSENT_ATTEMPTS + " races with concurrent writers of the same key in table '" + table + "'");
    }

    @Override
    public void evict(Object key) {
        evictIfPresent(key);
    }

    @Override
    public boolean evictIfPresent(Object key) {
        boolean removed = pikoDB.delete(table, storeKey(key));
        if (removed) {
            evictions.increment();
        }
        return removed;
    }

    @Override
    public void clear() {
        pikoDB.deleteTable(table);
    }

    @Override
    public boolean invalidate() {
        boolean hadEntries = pikoDB.getTableSize(table) > 0;
        pikoDB.deleteTable(table);
        return hadEntries;
    }

    private String storeKey(Object key) {
        return CacheKeys.toStoreKey(name, key);
    }

    private void write(String storeKey, Object storeValue) {
        pikoDB.write(table, storeKey, entries.encode(storeValue), expiresAt());
        puts.increment();
    }

    /** The PikoDB expiration of an entry written now, or null when the cache has no time-to-live. */
    private Long expiresAt() {
        return (timeToLive != null) ? clock.millis() + timeToLive.toMillis() : null;
    }

    private Object read(String storeKey) {
        JsonNode entry = pikoDB.get(table, storeKey, JsonNode.class);
        return (entry != null) ? entries.decode(storeKey, entry) : null;
    }

}
