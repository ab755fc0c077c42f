package dev.pikodb.spring.observation;

import dev.pikodb.OperationObserver;
import dev.pikodb.PikoDB;
import dev.pikodb.StoreOperation;
import dev.pikodb.spring.observation.PikoDBObservationContext.Source;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * PikoDB's operations as Micrometer observations, so that they show as spans (inside the current one,
 * e.g. an HTTP request's) and as timers. Give it to the store with
 * {@link dev.pikodb.DatabaseOptions.Builder#observer}; the store's caches
 * ({@link dev.pikodb.spring.cache.PikoDBCacheManager}) and repositories
 * ({@link dev.pikodb.spring.data.PikoDBKeyValueTemplate}) then observe their own operations through it
 * too, each holding the store operations it causes as children. The Spring Boot starter does this when
 * the application has an {@link ObservationRegistry}.
 *
 * <pre>{@code
 * PikoDB db = new PikoDB(DatabaseOptions.builder()
 *         .databaseDirectory(Path.of("data"))
 *         .observer(new PikoDBObservations(registry))
 *         .build());
 * }</pre>
 *
 * <p>A registry without handlers costs next to nothing: Micrometer hands back its no-op observation
 * without creating a context.
 */
public final class PikoDBObservations implements OperationObserver {

    private final ObservationRegistry registry;

    private final PikoDBObservationConvention customConvention;

    private final Map<Source, DefaultPikoDBObservationConvention> defaultConventions = new EnumMap<>(Source.class);

    /**
     * Observes with the default convention, without the table tag.
     *
     * @param registry the registry
     */
    public PikoDBObservations(ObservationRegistry registry) {
        this(registry, false, null);
    }

    /**
     * Observes with a convention.
     *
     * @param registry the registry
     * @param tableTag whether the default convention tags observations with their table
     * @param customConvention a convention used for the observations it supports, or {@code null}
     */
    public PikoDBObservations(ObservationRegistry registry, boolean tableTag,
            PikoDBObservationConvention customConvention) {
        if (registry == null) {
            throw new IllegalArgumentException("The ObservationRegistry must not be null; use ObservationRegistry.NOOP"
                    + " or no observer at all to observe nothing");
        }
        this.registry = registry;
        this.customConvention = customConvention;
        for (Source source : Source.values()) {
            defaultConventions.put(source, new DefaultPikoDBObservationConvention(source, tableTag));
        }
    }

    /**
     * The observations of a store's operations, when it was given this observer.
     *
     * @param pikoDB the store
     * @return its observations, or {@code null} when it is not observed this way
     */
    public static PikoDBObservations of(PikoDB pikoDB) {
        return (pikoDB.options().observer() instanceof PikoDBObservations observations) ? observations : null;
    }

    /**
     * The registry observations are made in.
     *
     * @return the registry
     */
    public ObservationRegistry getRegistry() {
        return registry;
    }

    @Override
    public <T> T observe(StoreOperation type, String table, Supplier<T> operation) {
        return observe(Source.STORE, type.operationName(), table, operation);
    }

    /**
     * Observes a cache operation. A cache operation called from within another (an eviction that
     * evicts if present, say) is not observed again.
     *
     * @param operation the operation's name, e.g. {@code get}
     * @param table the cache's table
     * @param call the operation
     * @param <T> its result type
     * @return its result
     */
    public <T> T observeCache(String operation, String table, Supplier<T> call) {
        return observeOutermost(Source.CACHE, operation, table, call);
    }

    /**
     * Observes a repository operation. A repository operation called from within another (a save that
     * inserts, say) is not observed again.
     *
     * @param operation the operation's name, e.g. {@code insert}
     * @param keyspace the keyspace (table)
     * @param call the operation
     * @param <T> its result type
     * @return its result
     */
    public <T> T observeRepository(String operation, String keyspace, Supplier<T> call) {
        return observeOutermost(Source.REPOSITORY, operation, keyspace, call);
    }

    private <T> T observeOutermost(Source source, String operation, String table, Supplier<T> call) {
        Observation current = registry.getCurrentObservation();
        if (current != null && current.getContextView() instanceof PikoDBObservationContext context
                && context.getSource() == source) {
            return call.get();
        }
        return observe(source, operation, table, call);
    }

    private <T> T observe(Source source, String operation, String table, Supplier<T> call) {
        if (registry.isNoop()) {
            return call.get();
        }
        PikoDBObservationContext context = new PikoDBObservationContext(source, operation, table);
        PikoDBObservationConvention custom = (customConvention != null && customConvention.supportsContext(context))
                ? customConvention : null;
        return documentation(source)
            .observation(custom, defaultConventions.get(source), () -> context, registry)
            .observe(call);
    }

    static PikoDBObservationDocumentation documentation(Source source) {
        return switch (source) {
            case STORE -> PikoDBObservationDocumentation.STORE_OPERATION;
            case CACHE -> PikoDBObservationDocumentation.CACHE_OPERATION;
            case REPOSITORY -> PikoDBObservationDocumentation.REPOSITORY_OPERATION;
        };
    }
}
