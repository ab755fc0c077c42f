package dev.pikodb.internal.directory;

import dev.pikodb.internal.Validation;
import dev.pikodb.PikoDBException;
import dev.pikodb.TableSummary;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * delete) takes the group commit's exclusive lock, then {@code appendLock}: always in that order,
 * and after {@code compactionLock} when it takes that too; writers never take {@code compactionLock}.
 *
 * <p><b>Failures.</b> When an append, a force or a journal reset fails, the file's state is unknown
 * (after a failed fsync, Linux may have dropped the dirty pages and report success next time), so the
 * table enters a failed state: pending writes are dropped and their callers get
 * {@link PikoDBException}, later writes are refused, reads go on from memory, and only reopening the
 * database (which reloads the files) clears it. A thread interrupt is no failure: the file layer
 * completes the interrupted caller's operation and keeps its interrupt flag ({@link ChannelHandle}).
 *
 * <p><b>Compaction</b> rewrites the table file from memory so that the journal stays short. It runs
 * when the journal outgrows the table file (so each write pays amortised O(1) of rewriting), off the
 * writers' path: the writer that crosses the threshold only schedules it ({@link Compactor}), and a
 * background thread runs {@link #compactInBackground()}, holding {@code compactionLock} throughout:
 * <ol>
 * <li><i>retire</i>: rename the journal to {@code .<table>.retired} and force the directory, while
 * writers go on appending to the renamed file through its open handle; then, holding the journal
 * exclusively for a moment, force the pending writes (durable mode, so that memory holds every
 * appended write) and close the handle. The next write creates a new journal. That moment is all
 * that writers ever wait for ({@link #retireJournal()});</li>
 * <li>while writers append to the new journal, write every record in memory to
 * {@code .<table>.compact}, force it, rename it over the table file and force the directory;</li>
 * <li>delete the retired journal.</li>
 * </ol>
 * Start replays the table file, then the retired journal, then the journal ({@link TableLoader}).
 *
 * <p><b>Why a crash at any instant loses and duplicates nothing.</b> Each frame carries its key's
 * complete state (version, timestamp, value, or its deletion), so replaying a frame sets the key to
 * exactly what that write made it, whatever the key held before; and records in memory only ever hold
 * appended writes. Before the rename of step 2 is durable, the disk holds the old table file, the
 * retired journal (every write since that file) and the new journal (every write since the
 * retirement): replayed in that order, they are every write in order. Once the rename is durable,
 * the new table file holds each key at its state at the retirement or at a later write, and each such
 * later write is in the new journal. Replaying the retired journal over it may set a key back to an
 * older state, but the new journal then replays every write since the retirement in order, so each
 * key ends at its last write; a key the new journal does not touch ends at its last frame in the
 * retired journal or, with none, at its state in the old file, which is exactly what the new file
 * holds. Step 3 waits for step 2's directory force, so the retired journal is gone only once the file
 * that replaces it is durably in place; if its deletion is lost in a crash, the replay above is
 * harmless. Frames appended to the renamed file before its handle closes are in the retired journal,
 * in order, before every frame of the new journal. Step 1 forces the directory after its rename, even
 * in default mode, and before any new journal exists, so that the new journal, created under the old
 * name, can never be on disk where the rename is not.
 *
 * <p><b>Flush and close</b> compact in place, holding the journal exclusively with nothing pending:
 * write the table file from memory as in step 2 without forcing the directory; the store then forces
 * the directory once for all tables; then delete the retired journal (if a background compaction left
 * one) and empty the journal: deleted at close ({@link #closeAndRewrite()}, {@link #deleteJournal()}),
 * truncated at flush ({@link #flushRewrite()}, {@link #flushEmptyJournal(long)}). A flush releases
 * the table between its two steps, so its second step acts only if no frame was appended since the
 * first read the records. The same argument holds: the journals lose their frames only once a
 * durable table file holds every write they held. Flush, close and deletion take
 * {@code compactionLock} first, so none of them overlaps a background compaction's steps.
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
    private final Path retiredPath;
    private final Records records;

    private final ReentrantLock appendLock = new ReentrantLock();
    private final GroupCommit commit = new GroupCommit();
    // Held by a compaction from its first step to its last, and by flush, close and deletion.
    private final ReentrantLock compactionLock = new ReentrantLock();
    private final AtomicBoolean compactionQueued = new AtomicBoolean();

    // Guarded by appendLock (changed only while both locks are held, except by an append).
    private volatile Journal journal;
    private volatile boolean fileExists;
    private long compactAt;
    private long appendedSequence;
    private final PendingWrites pending = new PendingWrites();

    private volatile long fileBytes;
    private volatile long journalBytes;
    private volatile boolean compactionDue;
    // A retired journal is on disk (step 1 of a compaction done, step 3 not yet); changed under compactionLock.
    private volatile boolean retired;
    private volatile String failure;
    private volatile boolean gone;
    // Deleted in memory, but the marker still stands (DropMarker): the name is not free yet.
    private volatile boolean dropPending;
    // When the journal was last written (System.nanoTime), for releasing the least recently used.
    private volatile long lastUsed;

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
        this.fileExists = fileExists;
        this.fileBytes = fileBytes;
        this.journal = journal;
        this.journalBytes = journal == null ? 0 : journal.size();
        this.compactAt = compactionThreshold();
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
            scheduleCompaction();
        }
    }

    /** Queues a compaction unless one is queued already. */
    void scheduleCompaction() {
        if (compactionQueued.compareAndSet(false, true)) {
            context.compactor().schedule(this);
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

    /**
     * A background compaction: the three steps and their crash argument are in the class comment.
     * Failures are absorbed: whatever step fails, the journals still hold every write, and the
     * compaction is tried again once the journal has grown past the threshold again.
     */
    void compactInBackground() {
        boolean done = false;
        compactionLock.lock();
        try {
            // A write that outgrows the threshold set below makes it due again.
            compactionDue = false;
            if (retireJournal()) {
                done = rewriteFromMemory();
            }
        } finally {
            compactionLock.unlock();
            // Queued or running until here: a write that finds it due meanwhile schedules nothing more.
            compactionQueued.set(false);
        }
        // The journal outgrew the new threshold during the rewrite (after a failure, writes make it due).
        if (done && compactionDue) {
            scheduleCompaction();
        }
    }

    /**
     * Step 1: sets the journal aside. Skipped when a retired journal is still on disk from a
     * compaction that failed later: the rewrite then covers both.
     *
     * <p>The slow part runs without holding the table: the file is renamed while writers go on
     * appending to it through its open handle (their frames land in the retired journal, in order),
     * the directory is forced, and the new journal is created (and, in durable mode, forced with the
     * directory). Only then is the journal taken exclusively, for a moment: pending writes are forced
     * (durable mode), the handle is closed and the new journal takes its place.
     *
     * @return whether to go on with the rewrite
     */
    private boolean retireJournal() {
        if (retired) {
            return !(gone || dropPending || failure != null);
        }
        Journal current = journal;
        if (gone || dropPending || failure != null || current == null || current.size() <= compactAt) {
            compactionDue = false;
            return false;
        }
        try {
            current.renameTo(retiredPath);
        } catch (Journal.UnknownNameException e) {
            fail(e.getMessage(), e);
            return false;
        } catch (IOException e) {
            // The journal is still in place, under its name: it keeps every write.
            retryCompactionLater();
            log.warn("Compaction of table '{}' could not set its journal aside: {}; it keeps every write, will retry"
                    + " later", Validation.printable(name), e.toString());
            return false;
        }
        retired = true;
        try {
            context.io().forceDirectory(context.directory());
        } catch (IOException e) {
            // Whether the rename is on disk is unknown: a new journal under the old name must not follow it.
            fail("forcing the directory after setting the journal aside as " + retiredPath + " failed: " + e, e);
            return false;
        }
        Journal next;
        try {
            next = Journal.create(context.io(), context.directory(), journalPath, name, context.durable());
        } catch (IOException e) {
            // The next write tries again to create it.
            log.debug("Creating a new journal {} ahead of the writes failed", journalPath, e);
            next = null;
        }
        lockExclusive();
        try {
            if (journal == current) {
                if (failure == null) {
                    forceAndApplyAll();
                }
                try {
                    current.release();
                } catch (IOException e) {
                    log.debug("Closing {} failed", retiredPath, e);
                }
                journal = next;
                journalBytes = next == null ? 0 : next.size();
                if (next == null) {
                    context.journals().closed(this);
                } else {
                    context.journals().opened(this);
                }
                next = null;
            }
            compactionDue = false;
            compactAt = compactionThreshold();
            return true;
        } catch (PikoDBException e) {
            // A force of pending writes failed: reported to their writers; the table is now failed.
            compactionDue = false;
            return false;
        } finally {
            unlockExclusive();
            if (next != null) {
                try {
                    next.close();
                } catch (IOException e) {
                    log.debug("Closing {} failed", journalPath, e);
                }
            }
        }
    }

    /** Steps 2 and 3, while writers append to the new journal; returns whether they succeeded. */
    private boolean rewriteFromMemory() {
        long started = System.nanoTime();
        try {
            rewriteFile(true);
            context.io().deleteIfExists(retiredPath);
            retired = false;
        } catch (IOException | RuntimeException e) {
            // The retired journal and the journal keep every write.
            retryCompactionLater();
            if (e instanceof IOException) {
                log.warn("Compaction of table '{}' failed: {}; its journals keep every write, will retry later",
                        Validation.printable(name), e.toString());
            } else {
                log.error("Compaction of table '{}' failed; its journals keep every write, will retry later",
                        Validation.printable(name), e);
            }
            return false;
        }
        appendLock.lock();
        try {
            compactAt = compactionThreshold();
            if (journal != null && journal.size() > compactAt) {
                compactionDue = true;
            }
        } finally {
            appendLock.unlock();
        }
        context.stats().compactions.increment();
        context.stats().compactionNanos.add(System.nanoTime() - started);
        return true;
    }

    /** After a failed compaction: the next one waits until the journal has grown as much again. */
    private void retryCompactionLater() {
        appendLock.lock();
        try {
            long size = journal == null ? 0 : journal.size();
            compactAt = size + compactionThreshold();
            compactionDue = false;
        } finally {
            appendLock.unlock();
        }
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
        return retired || journal != null && (journal.hasFrames() || !fileExists)
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
        compactionLock.lock();
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
            return journal == null && !retired ? -1 : appendedSequence;
        } catch (IOException e) {
            throw new PikoDBException("Cannot flush table '" + Validation.printable(name) + "' to " + file + ": " + e
                    + "; its journal keeps every write", e);
        } finally {
            unlockExclusive();
            compactionLock.unlock();
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
        compactionLock.lock();
        lockExclusive();
        try {
            if (gone || dropPending || failure != null || appendedSequence != mark) {
                return;
            }
            if (retired) {
                context.io().deleteIfExists(retiredPath);
                retired = false;
            }
            if (journal == null) {
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
            throw new PikoDBException("Cannot flush table '" + Validation.printable(name) + "': emptying its journals "
                    + journalPath + " failed: " + e + "; the table file holds every write", e);
        } finally {
            unlockExclusive();
            compactionLock.unlock();
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
        compactionLock.lock();
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
            boolean hadJournal = journal != null || retired;
            if (journal != null) {
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
            compactionLock.unlock();
        }
    }

    /** Closing, second step: the directory was forced after {@link #closeAndRewrite()}. */
    void deleteJournal() throws IOException {
        context.io().deleteIfExists(retiredPath);
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
        compactionLock.lock();
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
            retired = false;
            dropPending = true;
            finishDrop("Deleting table '" + Validation.printable(name) + "' was cut short");
            return existed;
        } finally {
            unlockExclusive();
            compactionLock.unlock();
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
        compactionLock.lock();
        lockExclusive();
        try {
            gone = true;
            closeJournalQuietly();
        } finally {
            unlockExclusive();
            compactionLock.unlock();
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

    int liveSize(long now) {
        return records.liveCount(now);
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
