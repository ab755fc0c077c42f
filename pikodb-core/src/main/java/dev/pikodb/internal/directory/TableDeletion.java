package dev.pikodb.internal.directory;

import dev.pikodb.PikoDBException;
import dev.pikodb.internal.Validation;
import dev.pikodb.internal.directory.io.FileNames;
import dev.pikodb.internal.directory.tablefile.DropMarker;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table's deletion, with the pending state a deletion cut short leaves.
 *
 * <p><b>Deletion</b> goes through a marker ({@link DropMarker}, which holds its procedure and crash
 * argument). A deletion that fails either leaves the table as it was or leaves it deleted in memory
 * but pending: its name stays taken (writes first retry removing the files, and throw, storing
 * nothing, while they cannot) until the marker's removal is forced, so no later table of that name
 * can ever meet the old marker.
 */
final class TableDeletion {

    private static final Logger log = LoggerFactory.getLogger(Table.class);

    private final Table table;

    TableDeletion(Table table) {
        this.table = table;
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
        table.compactionLock.lock();
        table.lockExclusive();
        try {
            if (table.gone) {
                return false;
            }
            if (table.dropPending) {
                finishDrop("Deleting table '" + Validation.printable(table.name) + "' failed again");
                return false;
            }
            boolean existed = table.exists();
            if (table.failure == null && table.journal != null) {
                try {
                    table.writes.forceAndApplyAll();
                } catch (PikoDBException e) {
                    log.debug("Pending writes of table '{}' failed before it was deleted", table.name, e);
                }
            }
            try {
                DropMarker.place(table.context.io(), table.context.directory(), table.name);
            } catch (DropMarker.PlacementException e) {
                switch (e.outcome) {
                    case UNCHANGED -> throw new PikoDBException("Cannot delete table '"
                            + Validation.printable(table.name)
                            + "': writing its deletion marker failed: " + e.getMessage() + "; the table is unchanged",
                            e);
                    case UNCHANGED_UNFORCED -> {
                        table.fail("withdrawing the deletion marker of the table could not be forced to disk: "
                                + e.getMessage(), e);
                        throw new PikoDBException("Cannot delete table '" + Validation.printable(table.name)
                                + "': writing its deletion marker failed: " + e.getMessage() + "; the table is"
                                + " unchanged but refuses writes until the database is reopened", e);
                    }
                    case STANDING -> log.warn("The deletion marker of table '{}' could not be forced, nor removed"
                            + " ({}); the deletion goes on", Validation.printable(table.name), e.getMessage());
                    default -> throw new IllegalStateException(e.outcome.name());
                }
            }
            table.journalFile.closeQuietly();
            table.records.clear();
            table.pending.clear();
            table.fileExists = false;
            table.fileBytes = 0;
            table.journalBytes = 0;
            table.retired = false;
            table.dropPending = true;
            finishDrop("Deleting table '" + Validation.printable(table.name) + "' was cut short");
            return existed;
        } finally {
            table.unlockExclusive();
            table.compactionLock.unlock();
        }
    }

    /**
     * Holding the journal exclusively, with the marker in place: removes the files and the marker,
     * after which the name is free; throws, leaving the table pending deletion, when that fails.
     */
    void finishDrop(String failureMessage) {
        try {
            DropMarker.complete(table.context.io(), table.context.directory(), table.name,
                    FileNames.dropMarker(table.context.directory(), table.name));
        } catch (IOException e) {
            throw new PikoDBException(failureMessage + ": " + e + ". The table is deleted (it reads as empty), but"
                    + " its name cannot be used again until its files are removed: the next write to it or"
                    + " deleteTable retries, and the next start completes the deletion", e);
        }
        table.gone = true;
        table.dropPending = false;
    }

    /**
     * Before a write to a table whose deletion was cut short: completes it, then tells the store to
     * write to a new table of that name; throws, storing nothing, when it still cannot be completed.
     */
    void retryPendingDrop() {
        table.lockExclusive();
        try {
            if (table.dropPending) {
                finishDrop("Cannot write to table '" + Validation.printable(table.name) + "': completing its earlier"
                        + " deletion failed");
            }
        } finally {
            table.unlockExclusive();
        }
        throw new Table.GoneException();
    }

    void closePendingDrop() {
        try {
            finishDrop("Completing the deletion of table '" + Validation.printable(table.name) + "' failed");
        } catch (PikoDBException e) {
            table.gone = true;
            log.warn("{}", e.getMessage());
        }
    }
}
