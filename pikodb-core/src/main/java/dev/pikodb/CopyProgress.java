package dev.pikodb;

/**
 * Receives the progress of a {@link PikoDB#backup(java.nio.file.Path, CopyProgress) backup}, a
 * {@link PikoDB#copyTo(PikoDB, CopyProgress) copy} or an import, for showing it: called from the
 * copying thread after each batch, so it should return quickly.
 */
@FunctionalInterface
public interface CopyProgress {

    /** Progress nobody looks at. */
    CopyProgress NONE = (records, bytes, expectedRecords) -> {
    };

    /**
     * Reports how far the copy is.
     *
     * @param records records copied so far
     * @param bytes bytes of values copied so far (the JSON as stored)
     * @param expectedRecords the records the source held when the copy started, as far as it knows
     *     cheaply (records may be written or expire meanwhile); 0 when unknown
     */
    void progressed(long records, long bytes, long expectedRecords);
}
