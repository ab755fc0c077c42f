package dev.pikodb.internal.directory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the number of open journal files within a budget, however many tables exist: when a journal
 * opens beyond the budget, the journals of the least recently written tables are released (closed;
 * each opens again when its table is next written). Only an idle table's journal is released: one
 * that no thread is appending to or forcing, and in durable mode with nothing waiting for a force.
 * A table busy at that instant is skipped, so with more busy tables than the budget the count can
 * exceed it for a while, rather than a writer waiting for another table.
 *
 * <p>Each release sorts the open tables by last use and closes the oldest until a tenth of the
 * budget is free again, so the sorting is amortised over many openings.
 */
final class OpenJournals {

    private static final Logger log = LoggerFactory.getLogger(OpenJournals.class);

    private final int budget;
    private final Map<Table, Boolean> open = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final ReentrantLock releasing = new ReentrantLock();

    OpenJournals(int budget) {
        if (budget < 1) {
            throw new IllegalArgumentException("The open journal budget must be at least 1, not " + budget);
        }
        this.budget = budget;
    }

    int budget() {
        return budget;
    }

    /** Journals open now. */
    int count() {
        return count.get();
    }

    /** Called by a table whose journal was just opened, holding its append lock. */
    void opened(Table table) {
        if (open.put(table, Boolean.TRUE) == null && count.incrementAndGet() > budget) {
            releaseIdle(table);
        }
    }

    /** Called by a table whose journal was just closed. */
    void closed(Table table) {
        if (open.remove(table) != null) {
            count.decrementAndGet();
        }
    }

    private void releaseIdle(Table opener) {
        // One thread releases at a time; the others go on (the budget is soft for that instant).
        if (!releasing.tryLock()) {
            return;
        }
        try {
            int target = budget - Math.max(1, budget / 10);
            List<Table> candidates = new ArrayList<>(open.keySet());
            candidates.remove(opener);
            candidates.sort(Comparator.comparingLong(Table::lastUsed));
            int released = 0;
            for (Table table : candidates) {
                if (count.get() <= target) {
                    break;
                }
                // Never waits: a busy table is skipped, so no lock order with the opener's locks arises.
                if (table.releaseJournalIfIdle()) {
                    released++;
                }
            }
            log.debug("Released {} idle journals; {} open (budget {})", released, count.get(), budget);
        } finally {
            releasing.unlock();
        }
    }
}
