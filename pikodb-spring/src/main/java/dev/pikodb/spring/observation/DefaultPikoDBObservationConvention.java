package dev.pikodb.spring.observation;

import dev.pikodb.spring.observation.PikoDBObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;

/**
 * The default names and tags of PikoDB's observations.
 *
 * <ul>
 * <li>Name: {@code pikodb.operation} for the store, {@code pikodb.cache.operation} for a cache,
 * {@code pikodb.repository.operation} for a repository.</li>
 * <li>Contextual name (the span's name): {@code pikodb write}, {@code pikodb cache get},
 * {@code pikodb repository insert}.</li>
 * <li>Tags: {@code db.system=pikodb} and {@code db.operation}; {@code pikodb.table} only when enabled,
 * since multi-tenant applications have many tables and each value is a time series.</li>
 * </ul>
 */
public class DefaultPikoDBObservationConvention implements PikoDBObservationConvention {

    /** The value of the table tag for an operation that works on every table. */
    public static final String NO_TABLE = "none";

    private static final KeyValue DB_SYSTEM = KeyValue.of(LowCardinalityKeyNames.DB_SYSTEM, "pikodb");

    private final PikoDBObservationContext.Source source;

    private final boolean tableTag;

    /**
     * Creates the convention of one source's observations.
     *
     * @param source the source whose observations it names
     * @param tableTag whether observations carry the table as the {@code pikodb.table} tag
     */
    public DefaultPikoDBObservationConvention(PikoDBObservationContext.Source source, boolean tableTag) {
        this.source = source;
        this.tableTag = tableTag;
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof PikoDBObservationContext pikodb && pikodb.getSource() == source;
    }

    /**
     * The observation's name, by where the operation comes from.
     *
     * @return {@code pikodb.operation}, {@code pikodb.cache.operation} or {@code pikodb.repository.operation}
     */
    @Override
    public String getName() {
        return PikoDBObservations.documentation(source).getName();
    }

    @Override
    public String getContextualName(PikoDBObservationContext context) {
        return switch (context.getSource()) {
            case STORE -> "pikodb " + context.getOperation();
            case CACHE -> "pikodb cache " + context.getOperation();
            case REPOSITORY -> "pikodb repository " + context.getOperation();
        };
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(PikoDBObservationContext context) {
        KeyValues keyValues = KeyValues.of(DB_SYSTEM,
                KeyValue.of(LowCardinalityKeyNames.OPERATION, context.getOperation()));
        if (tableTag) {
            String table = context.getTable();
            keyValues = keyValues.and(KeyValue.of(LowCardinalityKeyNames.TABLE, table != null ? table : NO_TABLE));
        }
        return keyValues;
    }
}
