package dev.pikodb.internal.directory;

import dev.pikodb.ChangeEvent;
import dev.pikodb.PikoDBException;
import dev.pikodb.internal.Validation;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Runs changes on the tables of a {@link DirectoryStorage} while it is open: finds the table, creates
 * a missing one under the creation lock (with its indexes attached), runs the change again on the
 * table that replaces one a deletion or a close took away, and deletes tables.
 */
final class TableChanges {

    private final boolean readOnly;
    private final DirectoryOpenAndClose openAndClose;
    /** Writers share it; close takes it alone, so it waits for writes in flight and none starts after. */
    private final ReentrantReadWriteLock lifecycle;
    private final Map<String, Table> tables;
    /** Taken shared to create a table; a backup's barrier takes it alone (see {@link PointInTimeCut}). */
    private final ReentrantReadWriteLock creation;
    private final DirectoryIndexes indexes;
    private final LongSupplier now;

    TableChanges(boolean readOnly, DirectoryOpenAndClose openAndClose, ReentrantReadWriteLock lifecycle,
            Map<String, Table> tables, ReentrantReadWriteLock creation, DirectoryIndexes indexes, LongSupplier now) {
        this.readOnly = readOnly;
        this.openAndClose = openAndClose;
        this.lifecycle = lifecycle;
        this.tables = tables;
        this.creation = creation;
        this.indexes = indexes;
        this.now = now;
    }

    /**
     * Runs a change on a table while the store is open, again on the table that replaces it when a
     * deletion or a close took it away meanwhile; a failed change counts as a failed write.
     * {@link DirectoryStorage#write} does the same, written out.
     *
     * @param create whether a missing table is created (a write) or the change answers {@code missing}
     */
    <T> T change(String table, boolean create, T missing, Function<Table, T> change) {
        if (readOnly) {
            throw openAndClose.readOnlyException("changing table '" + Validation.printable(table) + "'");
        }
        lifecycle.readLock().lock();
        try {
            openAndClose.checkNotClosed();
            while (true) {
                Table target = tables.get(table);
                if (target == null && create) {
                    target = createTable(table);
                }
                if (target == null) {
                    return missing;
                }
                try {
                    return change.apply(target);
                } catch (Table.GoneException e) {
                    if (!target.dropPending()) {
                        tables.remove(table, target);
                    }
                }
            }
        } catch (PikoDBException e) {
            openAndClose.context().stats().failedWrites.increment();
            throw e;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    Table createTable(String table) {
        creation.readLock().lock();
        try {
            return tables.computeIfAbsent(table,
                    name -> indexes.attach(Table.empty(openAndClose.context(), name), now));
        } finally {
            creation.readLock().unlock();
        }
    }

    /**
     * Deletes a table and its indexes, publishing the deletion when the table existed; see
     * {@link TableDeletion} for what a failed deletion leaves.
     */
    boolean deleteTable(String table) {
        if (readOnly) {
            throw openAndClose.readOnlyException("deleting table '" + Validation.printable(table) + "'");
        }
        lifecycle.readLock().lock();
        try {
            openAndClose.checkNotClosed();
            Table target = tables.get(table);
            if (target == null) {
                indexes.tableDeleted(table, null);
                return false;
            }
            try {
                boolean existed = target.drop();
                // Its indexes go too: a build of them, waiting or running, installs nothing.
                indexes.tableDeleted(table, target);
                if (existed && openAndClose.context().changes().active()) {
                    openAndClose.context().changes().publish(ChangeEvent.tableDeleted(table));
                }
                return existed;
            } finally {
                // A table whose deletion failed stays: unchanged, or holding its name until its files are gone.
                if (target.isGone()) {
                    tables.remove(table, target);
                }
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }
}
