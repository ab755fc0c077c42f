package dev.pikodb;

/**
 * A change that became visible in a {@link PikoDB}, as its {@link ChangeListener}s receive it.
 *
 * <p>Versions: for {@link Kind#WRITTEN} the record's new version and the version it replaced (0 when
 * the key had no live record); for {@link Kind#DELETED} and {@link Kind#EXPIRED} the version of the
 * record removed, and 0 as the new version; for {@link Kind#TABLE_DELETED} the key is {@code null}
 * and both versions are 0.
 *
 * @param kind what happened
 * @param table the table
 * @param key the key, or {@code null} for {@link Kind#TABLE_DELETED}
 * @param previousVersion the version before the change (0: none)
 * @param version the version after the change (0: none)
 */
public record ChangeEvent(Kind kind, String table, String key, long previousVersion, long version) {

    /** What happened to the record or table. */
    public enum Kind {
        /** A write or a successful compare-and-write. */
        WRITTEN,
        /** A delete of a live key. */
        DELETED,
        /** An expired record removed: by a read that met it, by a size count or by a cleanup. */
        EXPIRED,
        /** A whole table deleted with {@link PikoDB#deleteTable(String)}. */
        TABLE_DELETED
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
}
