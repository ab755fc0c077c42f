package dev.pikodb.spring.observation;

import io.micrometer.observation.Observation;

/**
 * What a PikoDB observation knows about the operation it observes: where it comes from (the store,
 * a cache, a repository), its name and the table it works on.
 */
public class PikoDBObservationContext extends Observation.Context {

    /** Where an observed operation comes from; each has its own observation name. */
    public enum Source {

        /** An operation of {@link dev.pikodb.PikoDB} itself. */
        STORE,

        /** An operation of a {@link dev.pikodb.spring.cache.PikoDBCache}. */
        CACHE,

        /** An operation of a Spring Data repository, through {@link dev.pikodb.spring.data.PikoDBKeyValueTemplate}. */
        REPOSITORY
    }

    private final Source source;

    private final String operation;

    private final String table;

    /**
     * Creates the context of one operation.
     *
     * @param source where the operation comes from
     * @param operation its name, e.g. {@code write} or {@code put-if-absent}
     * @param table the table it works on (a cache's table, a repository's keyspace), or {@code null}
     *     when it works on every table
     */
    public PikoDBObservationContext(Source source, String operation, String table) {
        this.source = source;
        this.operation = operation;
        this.table = table;
    }

    /**
     * Where the operation comes from.
     *
     * @return the source
     */
    public Source getSource() {
        return source;
    }

    /**
     * The operation's name.
     *
     * @return e.g. {@code write}, {@code compare-and-write}, {@code get}, {@code find-by-id}
     */
    public String getOperation() {
        return operation;
    }

    /**
     * The table the operation works on.
     *
     * @return the table, or {@code null} when it works on every table (a flush, a cleanup of all tables)
     */
    public String getTable() {
        return table;
    }
}
