package dev.pikodb.internal.directory;

import dev.pikodb.internal.directory.records.RecordsSnapshot;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.Lock;

/**
 * The state of every table at one instant, taken while writers go on: what a backup writes.
 *
 * <p><b>The barrier.</b> {@link #take} holds, for a moment, the lock that creating a table takes
 * and then every table's append lock, in name order; under all of them it starts a
 * {@link RecordsSnapshot} of each table and reads the clock, then lets everything go. That is all
 * writers ever wait for: a few lock acquisitions and an object per table, however many records the
 * tables hold. The snapshots are then collected (a walk over references) and written out with
 * writers running.
 *
 * <p><b>Why this is one instant across tables.</b> A write becomes visible (is put in its table's
 * {@link Records}) only under its table's append lock, and only then is it acknowledged (in durable
 * mode after its force, when it is applied under that lock). While the barrier holds every append
 * lock and the creation lock, no write becomes visible anywhere and no table appears, so the visible
 * state of the whole database is one state throughout the barrier; each {@link RecordsSnapshot}
 * keeps its table's records as they are in that state (its class comment holds that argument). So:
 * a write acknowledged before the backup was called is in the cut; and if a write W is in the cut,
 * it was visible before the barrier, so every write acknowledged before W was issued was visible
 * before that, and is in the cut too. Records that are expired at the barrier's time are left out.
 *
 * <p><b>What runs beside it.</b> Locks are always taken in one order (creation lock, then append
 * locks by name), and nobody else holds two append locks, so the barrier cannot deadlock with
 * writers; work that holds a table exclusively (a compaction's retirement step, a flush, a
 * deletion) holds its append lock only for its own short step, and the barrier waits for that step.
 * A background compaction never changes the records in memory, so it does not touch the cut at
 * all. A table deleted after the barrier clears its records only after its snapshot is collected
 * ({@link Records#clear()}), so it is in the cut as it was; a table deleted before is not.
 */
final class PointInTimeCut {

    /** One table of the cut. */
    record TableView(String table, RecordsSnapshot snapshot) {
    }

    /**
     * Runs inside the barrier after each table's snapshot is installed, for tests that write while
     * the barrier holds; {@code null} in normal operation.
     */
    static volatile Runnable afterEachSnapshotForTesting;

    private final List<TableView> tables;
    private final long now;
    private final long barrierNanos;

    private PointInTimeCut(List<TableView> tables, long now, long barrierNanos) {
        this.tables = tables;
        this.now = now;
        this.barrierNanos = barrierNanos;
    }

    /**
     * Takes the cut: the barrier, then the collection of every table's snapshot (outside it).
     *
     * @param all the store's tables
     * @param creation the lock held while a table is created
     * @param clock the store's clock
     */
    static PointInTimeCut take(Collection<Table> all, Lock creation, Clock clock) {
        List<TableView> views = new ArrayList<>();
        long now;
        long started;
        long barrier;
        creation.lock();
        started = System.nanoTime();
        List<Table> held = new ArrayList<>();
        try {
            List<Table> ordered = new ArrayList<>(all);
            ordered.sort(Comparator.comparing(table -> table.name));
            for (Table table : ordered) {
                table.holdVisibility();
                held.add(table);
            }
            for (Table table : ordered) {
                RecordsSnapshot snapshot = table.snapshotHeld();
                if (snapshot != null) {
                    views.add(new TableView(table.name, snapshot));
                }
                Runnable hook = afterEachSnapshotForTesting;
                if (hook != null) {
                    hook.run();
                }
            }
            now = clock.millis();
        } finally {
            for (int i = held.size() - 1; i >= 0; i--) {
                held.get(i).resumeVisibility();
            }
            barrier = System.nanoTime() - started;
            creation.unlock();
        }
        for (TableView view : views) {
            view.snapshot().collect();
        }
        return new PointInTimeCut(List.copyOf(views), now, barrier);
    }

    /** The tables of the cut, by name. */
    List<TableView> tables() {
        return tables;
    }

    /** The time of the cut, for leaving out expired records. */
    long now() {
        return now;
    }

    /** How long writers were held, in nanoseconds. */
    long barrierNanos() {
        return barrierNanos;
    }
}
