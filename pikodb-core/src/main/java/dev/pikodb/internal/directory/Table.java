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
 * strictly increase in commit order. Conditional writes and deletes decide against the visible
 * state, which reads return: when a pending write of the key would change their answer, they wait
 * for its force first ({@link #put}). Work that needs the journal to itself (compaction, flush, close,
 * delete) takes the group commit's exclusive lock, then {@code appendLock}: always in that order.
 *
 * <p><b>Failures.</b> When an append, a force or a journal reset fails, the file's state is unknown
 * (after a failed fsync, Linux may have dropped the dirty pages and report success next time), so the
 * table enters a failed state: pending writes are dropped and their callers get
 * {@link PikoDBException}, later writes are refused, reads go on from memory, and only reopening the
 * database (which reloads the files) clears it. A thread interrupt is no failure: the file layer
 * completes the interrupted caller's operation and keeps its interrupt flag ({@link ChannelHandle}).
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
 * At close, step 3 deletes the journal instead, and the store forces the directory once for all
 * tables between their step 2 and step 3 ({@link #closeAndRewrite()}): the same argument holds.
 * A flush of the store does the same with step 3 itself ({@link #flushRewrite()},
 * {@link #flushEmptyJournal(long)}), releasing the table in between: step 3 then runs only if no
 * frame was appended since step 1 read the records, so the truncation still cuts only frames the
 * durable new file holds.
 *
 * <p><b>Open files.</b> The journal's file is open only while needed: {@link OpenJournals} closes the
 * journals of idle tables beyond a budget, and the next write opens it again.
 *
 * <p><b>Deletion</b> goes through a marker ({@link DropMarker}, which holds its procedure and crash
 * argument). A deletion that fails either leaves the table as it was or leaves it deleted in memory
 * but pending: its name stays taken (writes first retry removing the files, and throw, storing
 * nothing, while they cannot) until the marker's removal is forced, so no later table of that name
 * can ever meet the old marker.
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
    // Deleted in memory, but the marker still stands (DropMarker): the name is not free yet.
    private volatile boolean dropPending;
    // When the journal was last written (System.nanoTime), for releasing the least recently used.
    private volatile long lastUsed;

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
     * <p>A conditional write decides against the state reads return. In durable mode a write of the
     * key may be appended but not yet forced: invisible to reads, and its force may still fail. When
     * the answer against that pending state differs from the answer against the visible one, the
     * write first waits for the pending write to be forced (and visible), then decides again; when
     * both agree, the answer holds either way and nothing waits.
     *
     * @param expectedVersion the version the key must have (0: absent), or -1 for any
     * @return the new version, or 0 when {@code expectedVersion} did not match
     */
    long put(String key, byte[] value, Long expiration, String dictionaryName, long expectedVersion) {
        if (dropPending) {
            retryPendingDrop();
        }
        while (true) {
            StoredRecord record;
            long sequence;
            long awaited = -1;
            appendLock.lock();
            try {
                checkWritable();
                long now = context.clock().millis();
                StoredRecord current = latest(key, now);
                long currentVersion = current == null ? 0 : current.version;
                if (expectedVersion >= 0) {
                    boolean matches = expectedVersion == currentVersion;
                    if (pending.contains(key)) {
                        StoredRecord visible = records.raw(key);
                        long visibleVersion = visible == null || visible.isExpired(now) ? 0 : visible.version;
                        if (matches != (expectedVersion == visibleVersion)) {
                            awaited = pending.latestSequence(key);
                        }
                    }
                    if (awaited < 0 && !matches) {
                        return 0;
                    }
                }
                if (awaited < 0) {
                    record = StoredRecord.of(value, currentVersion + 1, now, expiration, dictionaryName);
                    sequence = append(JournalFormat.setFrame(key, record));
                    if (context.durable()) {
                        pending.add(key, record, sequence);
                    } else {
                        records.put(key, record);
                    }
                } else {
                    record = null;
                    sequence = 0;
                }
            } finally {
                appendLock.unlock();
            }
            if (awaited >= 0) {
                awaitForced(awaited);
                continue;
            }
            finishWrite(sequence);
            return record.version;
        }
    }

    /**
     * Deletes a key; like a conditional write, its answer is decided against the state reads return.
     *
     * @return true if a live key was removed
     */
    boolean delete(String key) {
        while (true) {
            long sequence;
            long awaited = -1;
            appendLock.lock();
            try {
                if (dropPending) {
                    return false;
                }
                checkWritable();
                long now = context.clock().millis();
                boolean live = latest(key, now) != null;
                if (pending.contains(key) && live != (records.live(key, now) != null)) {
                    awaited = pending.latestSequence(key);
                    sequence = 0;
                } else if (!live) {
                    records.live(key, now);
                    return false;
                } else {
                    sequence = append(JournalFormat.deleteFrame(key));
                    if (context.durable()) {
                        pending.add(key, null, sequence);
                    } else {
                        records.remove(key);
                    }
                }
            } finally {
                appendLock.unlock();
            }
            if (awaited >= 0) {
                awaitForced(awaited);
                continue;
            }
            finishWrite(sequence);
            return true;
        }
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
            context.journals().opened(this);
        } else {
            try {
                openJournal();
            } catch (IOException e) {
                // Nothing was written: the table stays as it was.
                throw new PikoDBException("Cannot write to table '" + name + "': opening its journal " + journalPath
                        + " failed: " + e + ". Check the process's open file limit and the directory's permissions",
                        e);
            }
        }
        lastUsed = System.nanoTime();
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
                if (current.ensureOpen()) {
                    context.journals().opened(this);
                }
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
        if (gone || dropPending) {
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
        // Before anything changes: the journal must be truncated at the end.
        openJournal();
        rewriteFile(true);
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

    /** Steps 1-2 of a compaction; step 2's directory force may be left to the caller (close). */
    private void rewriteFile(boolean forceDirectory) throws IOException {
        long now = context.clock().millis();
        records.rewritten();
        fileBytes = AtomicFile.replace(context.io(), context.directory(), file,
                FileNames.compactionTemp(context.directory(), name),
                out -> TableFileFormat.write(out, records.all(), now), forceDirectory);
        fileExists = true;
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

    /**
     * Flushing, first of two steps: makes the table file hold the whole table (steps 1-2 of a
     * compaction, without forcing the directory). The store then forces the directory once for every
     * table and calls {@link #flushEmptyJournal(long)} with the returned mark.
     *
     * @return the journal's append mark at the rewrite, or -1 when there is no journal to empty
     */
    long flushRewrite() {
        lockExclusive();
        try {
            if (gone || dropPending) {
                return -1;
            }
            if (failure != null) {
                throw failedException();
            }
            forceAndApplyAll();
            if (!isBehind()) {
                return -1;
            }
            // The journal is opened again only in the second step, which may find it cannot be emptied.
            long started = System.nanoTime();
            rewriteFile(false);
            context.stats().compactions.increment();
            context.stats().compactionNanos.add(System.nanoTime() - started);
            return journal == null ? -1 : appendedSequence;
        } catch (IOException e) {
            throw new PikoDBException("Cannot flush table '" + Validation.printable(name) + "' to " + file + ": " + e
                    + "; its journal keeps every write", e);
        } finally {
            unlockExclusive();
        }
    }

    /**
     * Flushing, second step, once the directory was forced after {@link #flushRewrite()}: empties the
     * journal if nothing was appended to it since the rewrite (the mark is unchanged), so it holds
     * only frames whose state the table file, now durably in place, holds. A journal written to
     * meanwhile is kept whole: its older frames replay harmlessly over the file, its newer ones are
     * the writes the file lacks, and a later compaction or flush empties it.
     */
    void flushEmptyJournal(long mark) {
        lockExclusive();
        try {
            if (gone || dropPending || failure != null || journal == null || appendedSequence != mark) {
                return;
            }
            openJournal();
            try {
                journal.reset();
            } catch (IOException e) {
                fail("emptying " + journalPath + " after a flush failed: " + e, e);
                throw e;
            }
            journalBytes = journal.size();
            compactAt = compactionThreshold();
            compactionDue = false;
        } catch (IOException e) {
            throw new PikoDBException("Cannot flush table '" + Validation.printable(name) + "': emptying its journal "
                    + journalPath + " failed: " + e + "; the table file holds every write", e);
        } finally {
            unlockExclusive();
        }
    }

    /**
     * Closes the table, first of two steps: makes the table file hold the whole table (steps 1-2 of a
     * compaction, without forcing the directory) and closes the journal. The store then forces the
     * directory once for every table and calls {@link #deleteJournal()}: a journal is deleted only
     * once the table file that holds its writes is durably in place, and if that deletion is lost in
     * a crash, replaying the journal over that file is harmless (see the class comment).
     *
     * @return true if the journal is to be deleted once the directory is forced
     */
    boolean closeAndRewrite() {
        lockExclusive();
        try {
            if (gone) {
                return false;
            }
            if (dropPending) {
                closePendingDrop();
                return false;
            }
            gone = true;
            if (failure != null) {
                log.warn("Table '{}' is closed in its failed state ({}); its files are kept as they are",
                        Validation.printable(name), failure);
                closeJournalQuietly();
                return false;
            }
            forceAndApplyAll();
            if (isBehind()) {
                rewriteFile(false);
            }
            boolean hadJournal = journal != null;
            if (hadJournal) {
                journal.close();
                journal = null;
                context.journals().closed(this);
            }
            return hadJournal;
        } catch (IOException e) {
            closeJournalQuietly();
            throw new PikoDBException("Cannot close table '" + Validation.printable(name) + "' cleanly: " + e
                    + "; its journal " + journalPath + " is kept and replayed at the next start", e);
        } finally {
            unlockExclusive();
        }
    }

    /** Closing, second step: the directory was forced after {@link #closeAndRewrite()}. */
    void deleteJournal() throws IOException {
        context.io().deleteIfExists(journalPath);
    }

    /**
     * Deletes the table and its files; the procedure, its crash argument and what each failure
     * leaves are in {@link DropMarker}.
     *
     * @return true if the table had data
     * @throws PikoDBException when the deletion failed; the message says whether the table is
     *     unchanged or deleted, with the deletion of its files to be completed
     */
    boolean drop() {
        lockExclusive();
        try {
            if (gone) {
                return false;
            }
            if (dropPending) {
                finishDrop("Deleting table '" + Validation.printable(name) + "' failed again");
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
            try {
                DropMarker.place(context.io(), context.directory(), name);
            } catch (DropMarker.PlacementException e) {
                switch (e.outcome) {
                    case UNCHANGED -> throw new PikoDBException("Cannot delete table '" + Validation.printable(name)
                            + "': writing its deletion marker failed: " + e.getMessage() + "; the table is unchanged",
                            e);
                    case UNCHANGED_UNFORCED -> {
                        fail("withdrawing the deletion marker of the table could not be forced to disk: "
                                + e.getMessage(), e);
                        throw new PikoDBException("Cannot delete table '" + Validation.printable(name)
                                + "': writing its deletion marker failed: " + e.getMessage() + "; the table is"
                                + " unchanged but refuses writes until the database is reopened", e);
                    }
                    case STANDING -> log.warn("The deletion marker of table '{}' could not be forced, nor removed"
                            + " ({}); the deletion goes on", Validation.printable(name), e.getMessage());
                    default -> throw new IllegalStateException(e.outcome.name());
                }
            }
            closeJournalQuietly();
            records.clear();
            pending.clear();
            fileExists = false;
            fileBytes = 0;
            journalBytes = 0;
            dropPending = true;
            finishDrop("Deleting table '" + Validation.printable(name) + "' was cut short");
            return existed;
        } finally {
            unlockExclusive();
        }
    }

    /**
     * Holding the journal exclusively, with the marker in place: removes the files and the marker,
     * after which the name is free; throws, leaving the table pending deletion, when that fails.
     */
    private void finishDrop(String failureMessage) {
        try {
            DropMarker.complete(context.io(), context.directory(), name, FileNames.dropMarker(context.directory(), name));
        } catch (IOException e) {
            throw new PikoDBException(failureMessage + ": " + e + ". The table is deleted (it reads as empty), but"
                    + " its name cannot be used again until its files are removed: the next write to it or"
                    + " deleteTable retries, and the next start completes the deletion", e);
        }
        gone = true;
        dropPending = false;
    }

    /**
     * Before a write to a table whose deletion was cut short: completes it, then tells the store to
     * write to a new table of that name; throws, storing nothing, when it still cannot be completed.
     */
    private void retryPendingDrop() {
        lockExclusive();
        try {
            if (dropPending) {
                finishDrop("Cannot write to table '" + Validation.printable(name) + "': completing its earlier"
                        + " deletion failed");
            }
        } finally {
            unlockExclusive();
        }
        throw new GoneException();
    }

    /** Whether the table was deleted or closed: it takes no more calls. */
    boolean isGone() {
        return gone;
    }

    /** Whether the table was deleted in memory but its files and marker are not all removed yet. */
    boolean dropPending() {
        return dropPending;
    }

    private void closePendingDrop() {
        try {
            finishDrop("Completing the deletion of table '" + Validation.printable(name) + "' failed");
        } catch (PikoDBException e) {
            gone = true;
            log.warn("{}", e.getMessage());
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
            context.journals().closed(this);
        }
    }

    /** Opens the journal file again if it was released; the caller holds the append lock or the journal exclusively. */
    private void openJournal() throws IOException {
        if (journal != null && journal.ensureOpen()) {
            context.journals().opened(this);
        }
    }

    /**
     * Closes the journal file if the table is idle: nobody appending or forcing, and in durable mode
     * nothing waiting for a force. Never waits for a lock ({@link OpenJournals}).
     *
     * @return true if the journal is closed now
     */
    boolean releaseJournalIfIdle() {
        if (appendLock.isHeldByCurrentThread() || !commit.tryLockExclusive()) {
            return false;
        }
        try {
            if (!appendLock.tryLock()) {
                return false;
            }
            try {
                Journal current = journal;
                if (current != null && current.isOpen()) {
                    if (context.durable() && failure == null && commit.forcedSequence() < appendedSequence) {
                        return false;
                    }
                    try {
                        current.release();
                    } catch (IOException e) {
                        log.debug("Closing {} failed", journalPath, e);
                    }
                }
                context.journals().closed(this);
                return true;
            } finally {
                appendLock.unlock();
            }
        } finally {
            commit.unlockExclusive();
        }
    }

    /** When the journal was last written, in {@link System#nanoTime()}. */
    long lastUsed() {
        return lastUsed;
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
