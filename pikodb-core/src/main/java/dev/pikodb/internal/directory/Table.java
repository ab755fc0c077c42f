package dev.pikodb.internal.directory;

import dev.pikodb.PikoDBException;
import dev.pikodb.TableSummary;
import dev.pikodb.internal.Validation;
import dev.pikodb.internal.directory.io.FileNames;
import dev.pikodb.internal.directory.journal.Journal;
import dev.pikodb.internal.directory.records.Records;
import dev.pikodb.internal.directory.records.RecordsSnapshot;
import dev.pikodb.internal.directory.records.StoredRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One table: its records in memory, its table file and its journal. This class holds the table's
 * state and locks; what the table does is in parts, one idea each, and each part holds the crash
 * argument of the orderings it decides:
 * <ul>
 * <li>{@link TableWrites}: the write path and the group commit ({@link GroupCommit}) that forces it;</li>
 * <li>{@link TableCompaction}: the background compaction (retire, rewrite), and why a crash at any
 * instant loses and duplicates nothing;</li>
 * <li>{@link TableFlushAndClose}: flush and close, which compact in place;</li>
 * <li>{@link TableDeletion}: deletion through a marker, and deletions left pending;</li>
 * <li>{@link TableJournalFile}: opening and releasing the journal's file for the open-file budget.</li>
 * </ul>
 *
 * <p><b>Locks.</b> Writers append under {@code appendLock}. Work that needs the journal to itself
 * (compaction, flush, close, delete) takes the group commit's exclusive lock, then
 * {@code appendLock}: always in that order, and after {@code compactionLock} when it takes that
 * too; writers never take {@code compactionLock}.
 *
 * <p><b>Failures.</b> When an append, a force or a journal reset fails, the file's state is unknown
 * (after a failed fsync, Linux may have dropped the dirty pages and report success next time), so the
 * table enters a failed state: pending writes are dropped and their callers get
 * {@link PikoDBException}, later writes are refused, reads go on from memory, and only reopening the
 * database (which reloads the files) clears it. A thread interrupt is no failure: the file layer
 * completes the interrupted caller's operation and keeps its interrupt flag ({@code ChannelHandle}).
 */
final class Table {

    static final Logger log = LoggerFactory.getLogger(Table.class);

    final String name;
    final StoreContext context;
    final Path file;
    final Path journalPath;
    final Path retiredPath;
    final Records records;

    final ReentrantLock appendLock = new ReentrantLock();
    final GroupCommit commit = new GroupCommit();
    // Held by a compaction from its first step to its last, and by flush, close and deletion.
    final ReentrantLock compactionLock = new ReentrantLock();
    final AtomicBoolean compactionQueued = new AtomicBoolean();

    // Guarded by appendLock (changed only while both locks are held, except by an append).
    volatile Journal journal;
    volatile boolean fileExists;
    long compactAt;
    long appendedSequence;
    final PendingWrites pending = new PendingWrites();

    volatile long fileBytes;
    volatile long journalBytes;
    volatile boolean compactionDue;
    // A retired journal is on disk (step 1 of a compaction done, step 3 not yet); changed under compactionLock.
    volatile boolean retired;
    volatile String failure;
    volatile boolean gone;
    // Deleted in memory, but the marker still stands (DropMarker): the name is not free yet.
    volatile boolean dropPending;
    // When the journal was last written (System.nanoTime), for releasing the least recently used.
    volatile long lastUsed;

    // What the table does, one part per idea; each part holds the crash argument of the orderings it decides.
    final TableWrites writes = new TableWrites(this);
    final TableCompaction compaction = new TableCompaction(this);
    final TableFlushAndClose closing = new TableFlushAndClose(this);
    final TableDeletion deletion = new TableDeletion(this);
    final TableJournalFile journalFile = new TableJournalFile(this);

    Table(StoreContext context, String name, Records records, boolean fileExists, long fileBytes,
            Journal journal, boolean retired) {
        this.context = context;
        this.name = name;
        this.file = context.directory().resolve(name);
        this.journalPath = FileNames.journal(context.directory(), name);
        this.retiredPath = FileNames.retiredJournal(context.directory(), name);
        this.retired = retired;
        this.records = records;
        records.publishTo(name, context.changes());
        records.useExpiryBarrier(writes::awaitDecidedWrites);
        this.fileExists = fileExists;
        this.fileBytes = fileBytes;
        this.journal = journal;
        this.journalBytes = journal == null ? 0 : journal.size();
        this.compactAt = compaction.threshold();
    }

    static Table empty(StoreContext context, String name) {
        return new Table(context, name, new Records(context.stats()), false, 0, null, false);
    }

    /** Thrown to the store when this table was deleted or closed under a writer: it retries elsewhere. */
    static final class GoneException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GoneException() {
            super(null, null, false, false);
        }
    }

    // ---- the store's calls, each answered by one part ---------------------------------------------

    /** A write ({@link TableWrites#put}): the new version, or 0 when {@code expectedVersion} did not match. */
    long put(String key, byte[] value, Long expiration, String dictionaryName, long expectedVersion) {
        return writes.put(key, value, expiration, dictionaryName, expectedVersion);
    }

    /** Stores records exactly as given, for a copy or a restore ({@link TableWrites#putExact}). */
    void putExact(List<Map.Entry<String, StoredRecord>> batch) {
        writes.putExact(batch);
    }

    // ---- point-in-time view (PointInTimeCut) -------------------------------------------------

    /** Stops writes from becoming visible in this table until {@link #resumeVisibility()}. */
    void holdVisibility() {
        appendLock.lock();
    }

    void resumeVisibility() {
        appendLock.unlock();
    }

    /**
     * With visibility held: whether the table is part of the database (not deleted), and if so a
     * snapshot of its records as they are now.
     *
     * @return the snapshot, or {@code null} for a deleted table or one with neither file nor record
     */
    RecordsSnapshot snapshotHeld() {
        if (gone || dropPending || !exists() && records.size() == 0) {
            return null;
        }
        return records.startSnapshot();
    }

    /** A delete ({@link TableWrites#delete}): whether a live key was removed. */
    boolean delete(String key) {
        return writes.delete(key);
    }

    /** Queues a compaction unless one is queued already ({@link TableCompaction}). */
    void scheduleCompaction() {
        compaction.schedule();
    }

    /** Runs a background compaction ({@link TableCompaction#compactInBackground()}). */
    void compactInBackground() {
        compaction.compactInBackground();
    }

    /** Flushing, first step ({@link TableFlushAndClose#flushRewrite()}). */
    long flushRewrite() {
        return closing.flushRewrite();
    }

    /** Flushing, second step ({@link TableFlushAndClose#flushEmptyJournal(long)}). */
    void flushEmptyJournal(long mark) {
        closing.flushEmptyJournal(mark);
    }

    /** Closing, first step ({@link TableFlushAndClose#closeAndRewrite()}). */
    boolean closeAndRewrite() {
        return closing.closeAndRewrite();
    }

    /** Closing, second step ({@link TableFlushAndClose#deleteJournal()}). */
    void deleteJournal() throws IOException {
        closing.deleteJournal();
    }

    /** Releases the table's files without writing anything ({@link TableFlushAndClose#abandon()}). */
    void abandon() {
        closing.abandon();
    }

    /** Deletes the table and its files ({@link TableDeletion#drop()}). */
    boolean drop() {
        return deletion.drop();
    }

    /** Closes the journal file if the table is idle ({@link TableJournalFile#releaseIfIdle()}). */
    boolean releaseJournalIfIdle() {
        return journalFile.releaseIfIdle();
    }

    // ---- shared by the parts -----------------------------------------------------------------------

    /** Takes the journal exclusively (no force running, no writer appending). */
    void lockExclusive() {
        commit.lockExclusive();
        appendLock.lock();
    }

    void unlockExclusive() {
        appendLock.unlock();
        commit.unlockExclusive();
    }

    void checkWritable() {
        if (gone || dropPending) {
            throw new GoneException();
        }
        if (failure != null) {
            throw failedException();
        }
    }

    void fail(String reason, IOException cause) {
        if (failure == null) {
            failure = reason;
            log.error("Table '{}' now refuses writes: {}. Reads go on; reopen the database to reload it from disk",
                    Validation.printable(name), reason, cause);
        }
    }

    PikoDBException failedException() {
        return new PikoDBException("Table '" + Validation.printable(name) + "' refuses writes after an I/O failure ("
                + failure + "); reads go on. Fix the cause (disk space, file system) and reopen the database");
    }

    /** Whether the table was deleted or closed: it takes no more calls. */
    boolean isGone() {
        return gone;
    }

    /** Whether the table was deleted in memory but its files and marker are not all removed yet. */
    boolean dropPending() {
        return dropPending;
    }

    /** When the journal was last written, in {@link System#nanoTime()}. */
    long lastUsed() {
        return lastUsed;
    }

    // ---- indexes ------------------------------------------------------------------------------

    /** The records, for attaching and querying the table's indexes. */
    Records records() {
        return records;
    }

    /** Runs an action while no write can make a record visible (index builds). */
    void withWritesPaused(Runnable action) {
        appendLock.lock();
        try {
            action.run();
        } finally {
            appendLock.unlock();
        }
    }

    // ---- reads --------------------------------------------------------------------------------

    /** The live record of a key, or null; an expired record is removed on the way. */
    StoredRecord read(String key, long now) {
        return records.live(key, now);
    }

    /** Visits every live record; expired ones are removed on the way. */
    void forEachLive(long now, BiConsumer<String, StoredRecord> action) {
        records.forEachLive(now, action);
    }

    /** Records held, expired-but-not-yet-removed included. */
    int heldCount() {
        return records.size();
    }

    /** Removes expired records from memory; they leave the table file at its next rewrite. */
    int cleanupExpired(long now) {
        return records.removeExpired(now);
    }

    /**
     * Counts live records as of one instant: holding the journal exclusively, once every pending
     * durable write is forced and visible, so that no write becomes visible during the count and every
     * write decided against an earlier clock is counted. Writes wait for the count, which walks only
     * the records expired and not yet removed ({@link Records#liveCount}), not the table.
     */
    int liveSize() {
        lockExclusive();
        try {
            if (context.durable() && failure == null) {
                try {
                    writes.forceAndApplyAll();
                } catch (PikoDBException e) {
                    // The table failed and dropped its pending writes: the count is of what reads see.
                    log.debug("Forcing table '{}' before counting it failed", Validation.printable(name), e);
                }
            }
            return records.liveCount(context.clock().millis());
        } finally {
            unlockExclusive();
        }
    }

    boolean exists() {
        return fileExists || journal != null || retired;
    }

    /** Whether a compaction cut short left a retired journal, which the next compaction removes. */
    boolean hasRetiredJournal() {
        return retired;
    }

    String failure() {
        return failure;
    }

    TableSummary summary() {
        return new TableSummary(name, records.size(), fileBytes, journalBytes);
    }
}
