package dev.pikodb;

import java.util.Locale;

/**
 * The operations of a {@link PikoDB} that an {@link OperationObserver} sees, each under a short,
 * stable name fit for a tag or a span name.
 */
public enum StoreOperation {

    /** {@link PikoDB#write(String, String, Object, Long, String)} and its shorter forms. */
    WRITE,

    /** {@link PikoDB#compareAndWrite(String, String, long, Object, Long)} and its shorter form. */
    COMPARE_AND_WRITE,

    /** Every {@code get} and {@code getRecord}/{@code getRecords}: one key or a whole table. */
    READ,

    /** {@link PikoDB#find(String, Query)}. */
    FIND,

    /** {@link PikoDB#count(String, Query)}. */
    COUNT,

    /** {@link PikoDB#delete(String, String)}. */
    DELETE,

    /** {@link PikoDB#deleteTable(String)}. */
    DELETE_TABLE,

    /** {@link PikoDB#cleanupExpired(String)} and {@link PikoDB#cleanupAllExpired()}. */
    CLEANUP,

    /** {@link PikoDB#flush()}. */
    FLUSH,

    /** {@link PikoDB#backup(java.nio.file.Path)} and its form with progress. */
    BACKUP,

    /** {@link PikoDB#copyTo(PikoDB)} and its form with progress. */
    COPY;

    private final String operationName = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /**
     * The operation's name: {@code write}, {@code compare-and-write}, {@code read}, {@code find},
     * {@code count}, {@code delete}, {@code delete-table}, {@code cleanup}, {@code flush},
     * {@code backup}, {@code copy}.
     *
     * @return the lower-case, hyphenated name
     */
    public String operationName() {
        return operationName;
    }
}
