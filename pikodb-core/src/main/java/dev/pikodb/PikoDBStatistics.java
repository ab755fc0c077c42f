package dev.pikodb;

/**
 * Cumulative activity counters of one {@link PikoDB} since it was started. Taking a snapshot is cheap
 * and never blocks writers.
 *
 * @param reads point reads, whole-table reads and record reads served
 * @param writes writes that succeeded (including successful compare-and-writes)
 * @param deletes deletes that removed a live key
 * @param writeTimeNanos total time spent in successful writes, in nanoseconds
 * @param failedWrites writes and deletes that threw {@link PikoDBException}
 * @param journalBytesWritten bytes appended to table journals
 * @param compactions table files rewritten from memory (compactions)
 * @param compactionTimeNanos total time spent in compactions, in nanoseconds
 * @param expiredRemoved expired records removed, on read or by cleanup
 * @param droppedChangeEvents changes not delivered to the {@link ChangeListener}s because they did not
 *     keep up and the queue was full (see {@link ChangeEvent}); the listeners received a
 *     {@link ChangeEvent.Kind#MISSED} event in their place
 */
public record PikoDBStatistics(long reads, long writes, long deletes, long writeTimeNanos, long failedWrites,
        long journalBytesWritten, long compactions, long compactionTimeNanos, long expiredRemoved,
        long droppedChangeEvents) {

    /**
     * The counters a storage engine keeps; the database adds the change events it dropped.
     *
     * @param reads point reads, whole-table reads and record reads served
     * @param writes writes that succeeded (including successful compare-and-writes)
     * @param deletes deletes that removed a live key
     * @param writeTimeNanos total time spent in successful writes, in nanoseconds
     * @param failedWrites writes and deletes that threw {@link PikoDBException}
     * @param journalBytesWritten bytes appended to table journals
     * @param compactions table files rewritten from memory (compactions)
     * @param compactionTimeNanos total time spent in compactions, in nanoseconds
     * @param expiredRemoved expired records removed, on read or by cleanup
     */
    public PikoDBStatistics(long reads, long writes, long deletes, long writeTimeNanos, long failedWrites,
            long journalBytesWritten, long compactions, long compactionTimeNanos, long expiredRemoved) {
        this(reads, writes, deletes, writeTimeNanos, failedWrites, journalBytesWritten, compactions,
                compactionTimeNanos, expiredRemoved, 0);
    }

    PikoDBStatistics withDroppedChangeEvents(long dropped) {
        return new PikoDBStatistics(reads, writes, deletes, writeTimeNanos, failedWrites, journalBytesWritten,
                compactions, compactionTimeNanos, expiredRemoved, dropped);
    }
}
