package dev.pikodb;

/**
 * A change that became visible in a {@link PikoDB}, as its {@link ChangeListener}s receive it.
 *
 * <p>Versions: for {@link Kind#WRITTEN} the record's new version and the version it replaced (0 when
 * the key had no live record); for {@link Kind#DELETED} and {@link Kind#EXPIRED} the version of the
 * record removed, and 0 as the new version; for {@link Kind#TABLE_DELETED} the key is {@code null}
 * and both versions are 0; for {@link Kind#MISSED} the table and key are {@code null}, both versions
 * are 0 and {@link #missed()} says how many changes were not delivered (the table is named when the
 * changes missed were all of one table, as for a gap in a Redis change stream).
 *
 * <p><b>Origin.</b> {@link #instance()} names the {@link PikoDB} instance whose call made the change
 * ({@link PikoDB#instanceId()} there): on the directory engine always this one; on Redis with a change
 * stream ({@code RedisStorage.Builder#changeStream}) any instance sharing the database, so a listener
 * that must act once per change across all instances (send a mail, publish an expiry) acts only when
 * {@code event.instance().equals(db.instanceId())}.
 *
 * <p><b>Gaps.</b> Changes wait for the listeners in a bounded queue
 * ({@link DatabaseOptions.Builder#changeEventQueueCapacity(int)}), so that a slow or blocked listener
 * never blocks a write nor fills the memory. When the queue is full, further changes are dropped and
 * counted ({@link PikoDBStatistics#droppedChangeEvents()}), and the listeners then receive one
 * {@link Kind#MISSED} event at the place of the dropped changes: every change before it and after it
 * is delivered as usual. A listener that keeps state derived from the changes (a local cache, a
 * projection) can no longer trust it when it receives one, and should rebuild it from the store.
 *
 * @param kind what happened
 * @param table the table
 * @param key the key, or {@code null} for {@link Kind#TABLE_DELETED}
 * @param previousVersion the version before the change (0: none)
 * @param version the version after the change (0: none)
 * @param missed for {@link Kind#MISSED}: how many changes were dropped in its place; 0 for every other
 *     kind
 * @param instance the id of the instance that made the change ({@link PikoDB#instanceId()}); {@code null}
 *     only in an event built by an engine before the facade stamps it with its own id
 */
public record ChangeEvent(Kind kind, String table, String key, long previousVersion, long version, long missed,
        String instance) {

    /**
     * Checks the event.
     *
     * @throws IllegalArgumentException when {@code missed} is not positive for {@link Kind#MISSED} or
     *     not 0 for another kind
     */
    public ChangeEvent {
        if (kind == Kind.MISSED ? missed <= 0 : missed != 0) {
            throw new IllegalArgumentException("A " + kind + " change event cannot have missed=" + missed
                    + " (only MISSED events count missed changes, at least 1)");
        }
    }

    /**
     * An event whose origin is not stated yet (the facade that delivers it names itself).
     *
     * @param kind what happened
     * @param table the table
     * @param key the key, or {@code null} for {@link Kind#TABLE_DELETED}
     * @param previousVersion the version before the change (0: none)
     * @param version the version after the change (0: none)
     * @param missed for {@link Kind#MISSED}: how many changes were dropped; 0 for every other kind
     */
    public ChangeEvent(Kind kind, String table, String key, long previousVersion, long version, long missed) {
        this(kind, table, key, previousVersion, version, missed, null);
    }

    /**
     * A change of a record or table, which misses nothing, whose origin is not stated yet.
     *
     * @param kind what happened
     * @param table the table
     * @param key the key, or {@code null} for {@link Kind#TABLE_DELETED}
     * @param previousVersion the version before the change (0: none)
     * @param version the version after the change (0: none)
     */
    public ChangeEvent(Kind kind, String table, String key, long previousVersion, long version) {
        this(kind, table, key, previousVersion, version, 0);
    }

    /** What happened to the record or table. */
    public enum Kind {
        /** A write or a successful compare-and-write. */
        WRITTEN,
        /** A delete of a live key. */
        DELETED,
        /** An expired record removed: by a read that met it, by a size count or by a cleanup. */
        EXPIRED,
        /** A whole table deleted with {@link PikoDB#deleteTable(String)}. */
        TABLE_DELETED,
        /**
         * Not a change: {@link ChangeEvent#missed()} changes were dropped here because the listeners did
         * not keep up and the queue was full (see the class comment), or, on Redis with a change stream,
         * were trimmed from a stream before this instance read them (then the table is named).
         */
        MISSED
    }

    /**
     * A write of {@code key} that gave it {@code version}.
     *
     * @param table the table
     * @param key the key
     * @param version the new version
     * @return the event
     */
    public static ChangeEvent written(String table, String key, long version) {
        return new ChangeEvent(Kind.WRITTEN, table, key, version - 1, version);
    }

    /**
     * A delete of the record of {@code key} that had {@code version}.
     *
     * @param table the table
     * @param key the key
     * @param version the version removed
     * @return the event
     */
    public static ChangeEvent deleted(String table, String key, long version) {
        return new ChangeEvent(Kind.DELETED, table, key, version, 0);
    }

    /**
     * The removal of the expired record of {@code key} that had {@code version}.
     *
     * @param table the table
     * @param key the key
     * @param version the version removed
     * @return the event
     */
    public static ChangeEvent expired(String table, String key, long version) {
        return new ChangeEvent(Kind.EXPIRED, table, key, version, 0);
    }

    /**
     * The deletion of a whole table.
     *
     * @param table the table
     * @return the event
     */
    public static ChangeEvent tableDeleted(String table) {
        return new ChangeEvent(Kind.TABLE_DELETED, table, null, 0, 0);
    }

    /**
     * The place of {@code count} changes that were dropped because the queue was full.
     *
     * @param count how many changes were dropped, at least 1
     * @return the event
     */
    public static ChangeEvent missed(long count) {
        return new ChangeEvent(Kind.MISSED, null, null, 0, 0, count);
    }

    /**
     * This event with its origin named.
     *
     * @param instanceId the id of the instance that made the change
     * @return an event equal to this one but for {@link #instance()}
     */
    public ChangeEvent withInstance(String instanceId) {
        return new ChangeEvent(kind, table, key, previousVersion, version, missed, instanceId);
    }

    @Override
    public String toString() {
        String origin = instance == null ? "" : ", instance=" + instance;
        return kind == Kind.MISSED ? "ChangeEvent[MISSED " + missed + " change(s)"
                + (table == null ? "" : " of table " + table) + origin + "]"
                : "ChangeEvent[kind=" + kind + ", table=" + table + ", key=" + key + ", previousVersion="
                        + previousVersion + ", version=" + version + origin + "]";
    }
}
