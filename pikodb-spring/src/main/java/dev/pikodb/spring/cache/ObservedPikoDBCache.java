package dev.pikodb.spring.cache;

import dev.pikodb.PikoDB;
import dev.pikodb.spring.observation.PikoDBObservations;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link PikoDBCache} whose operations are observations ({@code pikodb.cache.operation}), holding
 * the store operations each one causes as children. {@link PikoDBCacheManager} makes caches of this
 * kind when the store is observed through {@link PikoDBObservations}.
 */
final class ObservedPikoDBCache extends PikoDBCache {

    private final PikoDBObservations observations;

    ObservedPikoDBCache(PikoDBObservations observations, String name, PikoDB pikoDB, Duration timeToLive,
            boolean allowNullValues, JsonMapper jsonMapper, Clock clock, Duration loadLease) {
        super(name, pikoDB, timeToLive, allowNullValues, jsonMapper, clock, loadLease);
        this.observations = observations;
    }

    @Override
    public ValueWrapper get(Object key) {
        return observe("get", () -> super.get(key));
    }

    @Override
    public <T> T get(Object key, Class<T> type) {
        return observe("get", () -> super.get(key, type));
    }

    @Override
    public <T> T get(Object key, Callable<T> valueLoader) {
        return observe("get", () -> super.get(key, valueLoader));
    }

    @Override
    public CompletableFuture<?> retrieve(Object key) {
        return observe("retrieve", () -> super.retrieve(key));
    }

    @Override
    public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
        return observe("retrieve", () -> super.retrieve(key, valueLoader));
    }

    @Override
    public void put(Object key, Object value) {
        observe("put", () -> {
            super.put(key, value);
            return null;
        });
    }

    @Override
    public ValueWrapper putIfAbsent(Object key, Object value) {
        return observe("put-if-absent", () -> super.putIfAbsent(key, value));
    }

    @Override
    public void evict(Object key) {
        observe("evict", () -> {
            super.evict(key);
            return null;
        });
    }

    @Override
    public boolean evictIfPresent(Object key) {
        return observe("evict", () -> super.evictIfPresent(key));
    }

    @Override
    public void clear() {
        observe("clear", () -> {
            super.clear();
            return null;
        });
    }

    @Override
    public boolean invalidate() {
        return observe("invalidate", super::invalidate);
    }

    private <T> T observe(String operation, Supplier<T> call) {
        return observations.observeCache(operation, getTable(), call);
    }
}
