package dev.pikodb.internal.directory;

import dev.pikodb.internal.Validation;
import dev.pikodb.PikoDBException;
import dev.pikodb.TableSummary;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One table: its records in memory, its table file and its journal.
 *
 * <p><b>Writes.</b> A write is validated and encoded by the caller, then, under {@code appendLock},
 * gets its version, is appended to the journal as one frame, and only then becomes visible in
 * {@link #records}. In durable mode the frame must also be forced first: the writer queues it as
 * pending and waits for a force that covers it, shared with the other durable writers
 * ({@link GroupCommit}); the force makes the pending writes visible in append order.
 * Versions are computed against the latest appended state (pending included), so per key they
 * strictly increase in commit order. Work that needs the journal to itself (compaction, flush, close,
 * delete) takes the group commit's exclusive lock, then {@code appendLock}: always in that order.
 *
 * <p><b>Failures.</b> When an append, a force or a journal reset fails, the file's state is unknown
 * (after a failed fsync, Linux may have dropped the dirty pages and report success next time), so the
 * table enters a failed state: pending writes are dropped and their callers get
 * {@link PikoDBException}, later writes are refused, reads go on from memory, and only reopening the
 * database (which reloads the files) clears it.
 *
 * <p><b>Compaction</b> rewrites the table file from memory and empties the journal, when the journal
 * outgrows the table file (so each write pays amortised O(1) of rewriting) and on flush and close:
 * <ol>
 * <li>write every live record to {@code .<table>.compact} and force it;</li>
 * <li>rename it over the table file and force the directory;</li>
 * <li>truncate the journal to its header and force it.</li>
 * </ol>
 * Crash at any instant: before the rename completes, the old table file and the full journal are on
 * disk, and the temporary file is deleted at the next start; the old state plus the journal is every
 * acknowledged write. After the rename and before the truncation is on disk, the new table file holds
 * every acknowledged write and the journal still holds frames already in it: replaying them is
 * harmless because each frame carries its key's complete state (version, timestamp, value), and the
 * last frame of every key is exactly the state the new file holds, so replay gives the same table,
 * neither losing nor duplicating anything. Steps 1-2 are forced even in default mode, so the
 * truncation can never reach the disk before the new table file does.
 */
final class Table {

    private static final Logger log = LoggerFactory.getLogger(Table.class);

    /** Journals smaller than this are never compacted: replaying them at start is cheap. */
    static final long MIN_COMPACTION_BYTES = 1 << 20;

    final String name;
    private final StoreContext context;
    private final Path file;
    private final Path journalPath;
    private final Records records;

    private final ReentrantLock appendLock = new ReentrantLock();
    private final GroupCommit commit = new GroupCommit();

    // Guarded by appendLock (changed only while both locks are held, except by an append).
    private volatile Journal journal;
    private volatile boolean fileExists;
    private long compactAt;
    private long appendedSequence;
    private final PendingWrites pending = new PendingWrites();

    private volatile long fileBytes;
    private volatile long journalBytes;
    private volatile boolean compactionDue;
    private volatile String failure;
    private volatile boolean gone;

    Table(StoreContext context, String name, Records records, boolean fileExists, long fileBytes,
            Journal journal) {
        this.context = context;
        this.name = name;
        this.file = context.directory().resolve(name);
        this.journalPath = FileNames.journal(context.directory(), name);
        this.records = records;
        records.publishTo(name, context.changes());
        this.fileExists = fileExists;
        this.fileBytes = fileBytes;
        this.journal = journal;
        this.journalBytes = journal == null ? 0 : journal.size();
        this.compactAt = compactionThreshold();
    }

    static Table empty(StoreContext context, String name) {
        return new Table(context, name, new Records(context.stats()), false, 0, null);
    }

    /** Thrown to the store when this table was deleted or closed under a writer: it retries elsewhere. */
    static final class GoneException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GoneException() {
            super(null, null, false, false);
        }
    }

    // ---- writes -------------------------------------------------------------------------------

    /**
     * Writes a record.
     *
     * @param expectedVersion the version the key must have (0: absent), or -1 for any
     * @return the new version, or 0 when {@code expectedVersion} did not match
     */
    long put(String key, byte[] value, Long expiration, String dictionaryName, long expectedVersion) {
        StoredRecord record;
        long sequence;
        appendLock.lock();
        try {
            checkWritable();
            long now = context.clock().millis();
            StoredRecord current = latest(key, now);
            long currentVersion = current == null ? 0 : current.version;
            if (expectedVersion >= 0 && expectedVersion != currentVersion) {
                return 0;
            }
            record = StoredRecord.of(value, currentVersion + 1, now, expiration, dictionaryName);
            sequence = append(JournalFormat.setFrame(key, record));
            if (context.durable()) {
                pending.add(key, record, sequence);
            } else {
                records.put(key, record);
            }
        } finally {
            appendLock.unlock();
        }
        finishWrite(sequence);
        return record.version;
    }

    /**
     * Deletes a key.
     *
     * @return true if a live key was removed
     */
    boolean delete(String key) {
        long sequence;
        appendLock.lock();
        try {
            checkWritable();
            long now = context.clock().millis();
            if (latest(key, now) == null) {
                records.live(key, now);
                return false;
            }
            sequence = append(JournalFormat.deleteFrame(key));
            if (context.durable()) {
                pending.add(key, null, sequence);
            } else {
                records.remove(key);
            }
        } finally {
            appendLock.unlock();
        }
        finishWrite(sequence);
        return true;
    }

    private void finishWrite(long sequence) {
        if (context.durable()) {
            awaitForced(sequence);
        }
        if (compactionDue) {
            compactIfDue();
        }
    }

    /** The latest appended state of a key, pending writes included; null when absent or expired. */
    private StoredRecord latest(String key, long now) {
        StoredRecord current = pending.contains(key) ? pending.latest(key) : records.raw(key);
        return current == null || current.isExpired(now) ? null : current;
    }

    private long append(ByteBuffer frame) {
        int length = frame.remaining();
        if (journal == null) {
            try {
                journal = Journal.create(context.io(), context.directory(), journalPath, name, context.durable());
            } catch (IOException e) {
                // Nothing was acknowledged from this file: the next write simply tries to create it again.
                throw new PikoDBException("Cannot write to table '" + name + "': creating its journal " + journalPath
                        + " failed: " + e + ". Check that the database directory is writable and has free space", e);
            }
        }
        try {
            journal.append(frame);
        } catch (IOException e) {
            fail("appending to " + journalPath + " failed: " + e, e);
            throw failedException();
        }
        appendedSequence += length;
        commit.frameAppended();
        journalBytes = journal.size();
        context.stats().journalBytes.add(length);
        if (journal.size() > compactAt) {
            compactionDue = true;
        }
        return appendedSequence;
    }

    /** Returns once the write at {@code sequence} is forced and visible, or throws if it failed. */
    private void awaitForced(long sequence) {
        commit.await(sequence, () -> {
            if (failure != null) {
                throw failedException();
            }
        }, this::forceAndApplyAll);
    }

    /** Takes the journal exclusively (no force running, no writer appending). */
    private void lockExclusive() {
        commit.lockExclusive();
        appendLock.lock();
    }

    private void unlockExclusive() {
        appendLock.unlock();
        commit.unlockExclusive();
    }

    /**
     * Forces every appended frame and makes every pending write visible. The caller is the leader, or
     * holds the journal exclusively: nobody else forces meanwhile.
     */
    private void forceAndApplyAll() {
        long target;
        long frames;
        Journal current;
        appendLock.lock();
        try {
            target = appendedSequence;
            frames = commit.appendedFrames();
            current = journal;
        } finally {
            appendLock.unlock();
        }
        if (target <= commit.forcedSequence()) {
            return;
        }
        if (context.durable()) {
            try {
                long started = System.nanoTime();
                current.force();
                commit.forced(frames, System.nanoTime() - started);
            } catch (IOException e) {
                appendLock.lock();
                try {
                    fail("forcing " + journalPath + " to disk failed: " + e, e);
                    pending.clear();
                } finally {
                    appendLock.unlock();
                }
                throw failedException();
            }
        }
        appendLock.lock();
        try {
            pending.applyUpTo(target, records);
        } finally {
            appendLock.unlock();
        }
        commit.visibleUpTo(target);
    }

    private void checkWritable() {
        if (gone) {
            throw new GoneException();
        }
        if (failure != null) {
            throw failedException();
        }
    }

    private void fail(String reason, IOException cause) {
        if (failure == null) {
            failure = reason;
            log.error("Table '{}' now refuses writes: {}. Reads go on; reopen the database to reload it from disk",
                    Validation.printable(name), reason, cause);
        }
    }

    private PikoDBException failedException() {
        return new PikoDBException("Table '" + Validation.printable(name) + "' refuses writes after an I/O failure ("
                + failure + "); reads go on. Fix the cause (disk space, file system) and reopen the database");
    }

    // ---- compaction ---------------------------------------------------------------------------

    private void compactIfDue() {
        lockExclusive();
        try {
            if (gone || failure != null || journal == null || journal.size() <= compactAt) {
                compactionDue = false;
                return;
            }
            forceAndApplyAll();
            compact();
        } catch (IOException e) {
            // The journal still holds everything; try again once it has grown as much again.
            compactAt = journal.size() * 2;
            compactionDue = false;
            log.warn("Compaction of table '{}' failed: {}; its journal keeps every write, will retry later",
                    Validation.printable(name), e.toString());
        } catch (PikoDBException e) {
            // The failure was reported to the writers concerned; the table is now failed.
            compactionDue = false;
        } catch (RuntimeException e) {
            // A record the table file cannot hold: the write that triggered this is stored, never fail it.
            compactAt = journal.size() * 2;
            compactionDue = false;
            log.error("Compaction of table '{}' failed; its journal keeps every write, will retry later",
                    Validation.printable(name), e);
        } finally {
            unlockExclusive();
        }
    }

    /** Holding both locks, nothing pending: the procedure and its crash argument are in the class comment. */
    private void compact() throws IOException {
        long started = System.nanoTime();
        long now = context.clock().millis();
        records.rewritten();
        fileBytes = AtomicFile.replace(context.io(), context.directory(), file,
                FileNames.compactionTemp(context.directory(), name),
                out -> TableFileFormat.write(out, records.all(), now));
        fileExists = true;
        if (journal != null) {
            try {
                journal.reset();
            } catch (IOException e) {
                fail("emptying " + journalPath + " after compaction failed: " + e, e);
                throw e;
            }
            journalBytes = journal.size();
        }
        compactAt = compactionThreshold();
        compactionDue = false;
        context.stats().compactions.increment();
        context.stats().compactionNanos.add(System.nanoTime() - started);
    }

    /** Whether the table file lacks something the table has (or has something it lost). */
    private boolean isBehind() {
        return journal != null && (journal.hasFrames() || !fileExists)
                || fileExists && records.expiredRemovedSinceRewrite();
    }

    private long compactionThreshold() {
        long header = journal == null ? 0 : JournalFormat.header(name).length;
        return header + Math.max(fileBytes, MIN_COMPACTION_BYTES);
    }

    // ---- flush, close, drop -------------------------------------------------------------------

    /** Makes the table file hold the whole table. */
    void flush() {
        lockExclusive();
        try {
            if (gone) {
                return;
            }
            if (failure != null) {
                throw failedException();
            }
            forceAndApplyAll();
            if (isBehind()) {
                compact();
            }
        } catch (IOException e) {
            throw new PikoDBException("Cannot flush table '" + Validation.printable(name) + "' to " + file + ": " + e
                    + "; its journal keeps every write", e);
        } finally {
            unlockExclusive();
        }
    }

    /** Flushes the table, then closes and removes its journal. */
    void close() {
        lockExclusive();
        try {
            if (gone) {
                return;
            }
            gone = true;
            if (failure != null) {
                log.warn("Table '{}' is closed in its failed state ({}); its files are kept as they are",
                        Validation.printable(name), failure);
                closeJournalQuietly();
                return;
            }
            forceAndApplyAll();
            if (isBehind()) {
                compact();
            }
            if (journal != null) {
                journal.close();
                journal = null;
                context.io().deleteIfExists(journalPath);
            }
        } catch (IOException e) {
            closeJournalQuietly();
            throw new PikoDBException("Cannot close table '" + Validation.printable(name) + "' cleanly: " + e
                    + "; its journal " + journalPath + " is kept and replayed at the next start", e);
        } finally {
            unlockExclusive();
        }
    }

    /**
     * Deletes the table's files. A marker makes the deletion complete at the next start if it is cut
     * short, so a table is never half-deleted.
     *
     * @return true if the table had data
     */
    boolean drop() {
        lockExclusive();
        try {
            if (gone) {
                return false;
            }
            boolean existed = exists();
            if (failure == null && journal != null) {
                try {
                    forceAndApplyAll();
                } catch (PikoDBException e) {
                    log.debug("Pending writes of table '{}' failed before it was deleted", name, e);
                }
            }
            Path marker;
            try {
                marker = DropMarker.place(context.io(), context.directory(), name);
            } catch (IOException e) {
                throw new PikoDBException("Cannot delete table '" + Validation.printable(name) + "': " + e
                        + "; the table is unchanged", e);
            }
            gone = true;
            closeJournalQuietly();
            try {
                DropMarker.complete(context.io(), context.directory(), name, marker);
            } catch (IOException e) {
                throw new PikoDBException("Deleting table '" + Validation.printable(name) + "' was cut short: " + e
                        + "; it completes at the next start (marker " + marker + ")", e);
            } finally {
                records.clear();
                pending.clear();
            }
            return existed;
        } finally {
            unlockExclusive();
        }
    }

    /** Releases the table's files without writing anything: for a start that fails half-way. */
    void abandon() {
        lockExclusive();
        try {
            gone = true;
            closeJournalQuietly();
        } finally {
            unlockExclusive();
        }
    }

    private void closeJournalQuietly() {
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException e) {
                log.debug("Closing {} failed", journalPath, e);
            }
            journal = null;
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

    int liveSize(long now) {
        return records.liveCount(now);
    }

    boolean exists() {
        return fileExists || journal != null;
    }


    String failure() {
        return failure;
    }

    TableSummary summary() {
        return new TableSummary(name, records.size(), fileBytes, journalBytes);
    }

    /** Every dictionary name the records use (for the registry at start). */
    void collectDictionaryNames(Set<String> into) {
        records.collectDictionaryNames(into);
    }
}
