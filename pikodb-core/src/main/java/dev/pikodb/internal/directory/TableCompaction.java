package dev.pikodb.internal.directory;

import dev.pikodb.PikoDBException;
import dev.pikodb.internal.Validation;
import dev.pikodb.internal.directory.io.AtomicFile;
import dev.pikodb.internal.directory.io.FileNames;
import dev.pikodb.internal.directory.journal.Journal;
import dev.pikodb.internal.directory.journal.JournalFormat;
import dev.pikodb.internal.directory.tablefile.TableFileFormat;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table's background compaction: setting the journal aside, rewriting the table file from
 * memory while writers go on, and removing the retired journal.
 *
 * <p><b>Compaction</b> rewrites the table file from memory so that the journal stays short. It runs
 * when the journal outgrows the table file (so each write pays amortised O(1) of rewriting), off the
 * writers' path: the writer that crosses the threshold only schedules it ({@link Compactor}), and a
 * background thread runs {@link #compactInBackground()}, holding {@code compactionLock} throughout:
 * <ol>
 * <li><i>retire</i>: rename the journal to {@code .<table>.retired} and force the directory, while
 * writers go on appending to the renamed file through its open handle (which follows the rename:
 * reopened after an interrupt, it opens the retired journal, never the next one); then, holding
 * the journal exclusively for a moment, force the pending writes (durable mode, so that memory
 * holds every appended write) and close the handle. The next write creates a new journal. That
 * moment is all that writers ever wait for ({@link #retireJournal()});</li>
 * <li>while writers append to the new journal, write every record in memory to
 * {@code .<table>.compact}, force it, rename it over the table file and force the directory;</li>
 * <li>delete the retired journal.</li>
 * </ol>
 * Start replays the table file, then the retired journal, then the journal ({@code TableLoader}, its
 * reading phase {@code LoadPlanReader}).
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
 */
final class TableCompaction {

    private static final Logger log = LoggerFactory.getLogger(Table.class);

    /** Journals smaller than this are never compacted: replaying them at start is cheap. */
    static final long MIN_COMPACTION_BYTES = 1 << 20;

    private final Table table;

    TableCompaction(Table table) {
        this.table = table;
    }

    /** Queues a compaction unless one is queued already. */
    void schedule() {
        if (table.compactionQueued.compareAndSet(false, true)) {
            table.context.compactor().schedule(table);
        }
    }

    /**
     * A background compaction: the three steps and their crash argument are in the class comment.
     * Failures are absorbed: whatever step fails, the journals still hold every write, and the
     * compaction is tried again once the journal has grown past the threshold again.
     */
    void compactInBackground() {
        boolean done = false;
        table.compactionLock.lock();
        try {
            // A write that outgrows the threshold set below makes it due again.
            table.compactionDue = false;
            if (retireJournal()) {
                done = rewriteFromMemory();
            }
        } finally {
            table.compactionLock.unlock();
            // Queued or running until here: a write that finds it due meanwhile schedules nothing more.
            table.compactionQueued.set(false);
        }
        // The journal outgrew the new threshold during the rewrite (after a failure, writes make it due).
        if (done && table.compactionDue) {
            table.scheduleCompaction();
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
    boolean retireJournal() {
        if (table.retired) {
            return !(table.gone || table.dropPending || table.failure != null);
        }
        Journal current = table.journal;
        if (table.gone || table.dropPending || table.failure != null || current == null
                || current.size() <= table.compactAt) {
            table.compactionDue = false;
            return false;
        }
        try {
            current.renameTo(table.retiredPath);
        } catch (Journal.UnknownNameException e) {
            table.fail(e.getMessage(), e);
            return false;
        } catch (IOException e) {
            // The journal is still in place, under its name: it keeps every write.
            retryCompactionLater();
            log.warn("Compaction of table '{}' could not set its journal aside: {}; it keeps every write, will retry"
                    + " later", Validation.printable(table.name), e.toString());
            return false;
        }
        table.retired = true;
        try {
            table.context.io().forceDirectory(table.context.directory());
        } catch (IOException e) {
            // Whether the rename is on disk is unknown: a new journal under the old name must not follow it.
            table.fail("forcing the directory after setting the journal aside as " + table.retiredPath + " failed: "
                    + e, e);
            return false;
        }
        Journal next;
        try {
            next = Journal.create(table.context.io(), table.context.directory(), table.journalPath, table.name,
                    table.context.durable());
        } catch (IOException e) {
            // The next write tries again to create it.
            log.debug("Creating a new journal {} ahead of the writes failed", table.journalPath, e);
            next = null;
        }
        table.lockExclusive();
        try {
            if (table.journal == current) {
                if (table.failure == null) {
                    table.writes.forceAndApplyAll();
                }
                try {
                    current.release();
                } catch (IOException e) {
                    log.debug("Closing {} failed", table.retiredPath, e);
                }
                table.journal = next;
                table.journalBytes = next == null ? 0 : next.size();
                if (next == null) {
                    table.context.journals().closed(table);
                } else {
                    table.context.journals().opened(table);
                }
                next = null;
            }
            table.compactionDue = false;
            table.compactAt = threshold();
            return true;
        } catch (PikoDBException e) {
            // A force of pending writes failed: reported to their writers; the table is now failed.
            table.compactionDue = false;
            return false;
        } finally {
            table.unlockExclusive();
            if (next != null) {
                try {
                    next.close();
                } catch (IOException e) {
                    log.debug("Closing {} failed", table.journalPath, e);
                }
            }
        }
    }

    /** Steps 2 and 3, while writers append to the new journal; returns whether they succeeded. */
    boolean rewriteFromMemory() {
        long started = System.nanoTime();
        try {
            rewriteFile(true);
            table.context.io().deleteIfExists(table.retiredPath);
            table.retired = false;
        } catch (IOException | RuntimeException e) {
            // The retired journal and the journal keep every write.
            retryCompactionLater();
            if (e instanceof IOException) {
                log.warn("Compaction of table '{}' failed: {}; its journals keep every write, will retry later",
                        Validation.printable(table.name), e.toString());
            } else {
                log.error("Compaction of table '{}' failed; its journals keep every write, will retry later",
                        Validation.printable(table.name), e);
            }
            return false;
        }
        table.appendLock.lock();
        try {
            table.compactAt = threshold();
            if (table.journal != null && table.journal.size() > table.compactAt) {
                table.compactionDue = true;
            }
        } finally {
            table.appendLock.unlock();
        }
        table.context.stats().compactions.increment();
        table.context.stats().compactionNanos.add(System.nanoTime() - started);
        return true;
    }

    /** After a failed compaction: the next one waits until the journal has grown as much again. */
    void retryCompactionLater() {
        table.appendLock.lock();
        try {
            long size = table.journal == null ? 0 : table.journal.size();
            table.compactAt = size + threshold();
            table.compactionDue = false;
        } finally {
            table.appendLock.unlock();
        }
    }

    /** Steps 1-2 of a compaction; step 2's directory force may be left to the caller (close). */
    void rewriteFile(boolean forceDirectory) throws IOException {
        long now = table.context.clock().millis();
        table.records.rewritten();
        table.fileBytes = AtomicFile.replace(table.context.io(), table.context.directory(), table.file,
                FileNames.compactionTemp(table.context.directory(), table.name),
                out -> TableFileFormat.write(out, table.records.all(), now), forceDirectory);
        table.fileExists = true;
    }

    /** Whether the table file lacks something the table has (or has something it lost). */
    boolean isBehind() {
        return table.retired || table.journal != null && (table.journal.hasFrames() || !table.fileExists)
                || table.fileExists && table.records.expiredRemovedSinceRewrite();
    }

    long threshold() {
        long header = table.journal == null ? 0 : JournalFormat.header(table.name).length;
        return header + Math.max(table.fileBytes, MIN_COMPACTION_BYTES);
    }
}
