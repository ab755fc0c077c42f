package dev.pikodb.internal.directory;

import dev.pikodb.PikoDBException;
import dev.pikodb.internal.Validation;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table's flush and close: its table file made to hold every write, then its journals emptied.
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
 */
final class TableFlushAndClose {

    private static final Logger log = LoggerFactory.getLogger(Table.class);

    private final Table table;

    TableFlushAndClose(Table table) {
        this.table = table;
    }

    /**
     * Flushing, first of two steps: makes the table file hold the whole table (steps 1-2 of a
     * compaction, without forcing the directory). The store then forces the directory once for every
     * table and calls {@link #flushEmptyJournal(long)} with the returned mark.
     *
     * @return the journal's append mark at the rewrite, or -1 when there is no journal to empty
     */
    long flushRewrite() {
        table.compactionLock.lock();
        table.lockExclusive();
        try {
            if (table.gone || table.dropPending) {
                return -1;
            }
            if (table.failure != null) {
                throw table.failedException();
            }
            table.writes.forceAndApplyAll();
            if (!table.compaction.isBehind()) {
                return -1;
            }
            // The journal is opened again only in the second step, which may find it cannot be emptied.
            long started = System.nanoTime();
            table.compaction.rewriteFile(false);
            table.context.stats().compactions.increment();
            table.context.stats().compactionNanos.add(System.nanoTime() - started);
            return table.journal == null && !table.retired ? -1 : table.appendedSequence;
        } catch (IOException e) {
            throw new PikoDBException("Cannot flush table '" + Validation.printable(table.name) + "' to " + table.file
                    + ": " + e
                    + "; its journal keeps every write", e);
        } finally {
            table.unlockExclusive();
            table.compactionLock.unlock();
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
        table.compactionLock.lock();
        table.lockExclusive();
        try {
            if (table.gone || table.dropPending || table.failure != null || table.appendedSequence != mark) {
                return;
            }
            if (table.retired) {
                table.context.io().deleteIfExists(table.retiredPath);
                table.retired = false;
            }
            if (table.journal == null) {
                return;
            }
            table.journalFile.open();
            try {
                table.journal.reset();
            } catch (IOException e) {
                table.fail("emptying " + table.journalPath + " after a flush failed: " + e, e);
                throw e;
            }
            table.journalBytes = table.journal.size();
            table.compactAt = table.compaction.threshold();
            table.compactionDue = false;
        } catch (IOException e) {
            throw new PikoDBException("Cannot flush table '" + Validation.printable(table.name)
                    + "': emptying its journals "
                    + table.journalPath + " failed: " + e + "; the table file holds every write", e);
        } finally {
            table.unlockExclusive();
            table.compactionLock.unlock();
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
        table.compactionLock.lock();
        table.lockExclusive();
        try {
            if (table.gone) {
                return false;
            }
            if (table.dropPending) {
                table.deletion.closePendingDrop();
                return false;
            }
            table.gone = true;
            if (table.failure != null) {
                log.warn("Table '{}' is closed in its failed state ({}); its files are kept as they are",
                        Validation.printable(table.name), table.failure);
                table.journalFile.closeQuietly();
                return false;
            }
            table.writes.forceAndApplyAll();
            if (table.compaction.isBehind()) {
                table.compaction.rewriteFile(false);
            }
            boolean hadJournal = table.journal != null || table.retired;
            if (table.journal != null) {
                table.journal.close();
                table.journal = null;
                table.context.journals().closed(table);
            }
            return hadJournal;
        } catch (IOException e) {
            table.journalFile.closeQuietly();
            throw new PikoDBException("Cannot close table '" + Validation.printable(table.name) + "' cleanly: " + e
                    + "; its journal " + table.journalPath + " is kept and replayed at the next start", e);
        } finally {
            table.unlockExclusive();
            table.compactionLock.unlock();
        }
    }

    /** Closing, second step: the directory was forced after {@link #closeAndRewrite()}. */
    void deleteJournal() throws IOException {
        table.context.io().deleteIfExists(table.retiredPath);
        table.context.io().deleteIfExists(table.journalPath);
    }

    /** Releases the table's files without writing anything: for a start that fails half-way. */
    void abandon() {
        table.compactionLock.lock();
        table.lockExclusive();
        try {
            table.gone = true;
            table.journalFile.closeQuietly();
        } finally {
            table.unlockExclusive();
            table.compactionLock.unlock();
        }
    }
}
