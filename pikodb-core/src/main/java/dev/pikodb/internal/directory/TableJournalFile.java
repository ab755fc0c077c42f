package dev.pikodb.internal.directory;

import dev.pikodb.internal.directory.journal.Journal;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table's journal file, open only while needed, for the store's open-file budget.
 *
 * <p><b>Open files.</b> The journal's file is open only while needed: {@link OpenJournals} closes the
 * journals of idle tables beyond a budget, and the next write opens it again.
 */
final class TableJournalFile {

    private static final Logger log = LoggerFactory.getLogger(Table.class);

    private final Table table;

    TableJournalFile(Table table) {
        this.table = table;
    }

    void closeQuietly() {
        if (table.journal != null) {
            try {
                table.journal.close();
            } catch (IOException e) {
                log.debug("Closing {} failed", table.journalPath, e);
            }
            table.journal = null;
            table.context.journals().closed(table);
        }
    }

    /** Opens the journal file again if it was released; the caller holds the append lock or the journal exclusively. */
    void open() throws IOException {
        if (table.journal != null && table.journal.ensureOpen()) {
            table.context.journals().opened(table);
        }
    }

    /**
     * Closes the journal file if the table is idle: nobody appending or forcing, and in durable mode
     * nothing waiting for a force. Never waits for a lock ({@link OpenJournals}).
     *
     * @return true if the journal is closed now
     */
    boolean releaseIfIdle() {
        if (table.appendLock.isHeldByCurrentThread() || !table.commit.tryLockExclusive()) {
            return false;
        }
        try {
            if (!table.appendLock.tryLock()) {
                return false;
            }
            try {
                Journal current = table.journal;
                if (current != null && current.isOpen()) {
                    if (table.context.durable() && table.failure == null
                            && table.commit.forcedSequence() < table.appendedSequence) {
                        return false;
                    }
                    try {
                        current.release();
                    } catch (IOException e) {
                        log.debug("Closing {} failed", table.journalPath, e);
                    }
                }
                table.context.journals().closed(table);
                return true;
            } finally {
                table.appendLock.unlock();
            }
        } finally {
            table.commit.unlockExclusive();
        }
    }
}
