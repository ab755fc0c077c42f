package dev.pikodb.internal.directory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the compactions of a store's tables off the writers' path: a writer whose append pushes a
 * journal past its threshold only schedules its table here and returns, and one of a few background
 * threads rewrites the table file ({@link Table#compactInBackground()}). A table is queued at most
 * once at a time. The threads end when idle, so a quiet store holds none.
 *
 * <p>An inline compactor runs the compaction on the scheduling thread, after its write: the file
 * operations of a workload then happen in one deterministic order, which the crash tests rely on
 * to stop at every step.
 */
final class Compactor {

    private static final Logger log = LoggerFactory.getLogger(Compactor.class);
    private static final int THREADS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    private static final AtomicInteger STORES = new AtomicInteger();

    private final ThreadPoolExecutor executor;

    private Compactor(ThreadPoolExecutor executor) {
        this.executor = executor;
    }

    /** Compacts on background threads. */
    static Compactor background() {
        int store = STORES.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "pikodb-compaction-" + store + "-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return new Compactor(executor);
    }

    /** Compacts on the thread that schedules, right away. */
    static Compactor inline() {
        return new Compactor(null);
    }

    /** Runs the table's compaction soon; the table guards against being queued twice. */
    void schedule(Table table) {
        if (executor == null) {
            table.compactInBackground();
            return;
        }
        try {
            executor.execute(table::compactInBackground);
        } catch (RejectedExecutionException e) {
            // The store is closing: close rewrites every table file anyway.
            log.debug("Compaction of table '{}' not scheduled: the store is closing", table.name);
        }
    }

    /**
     * Stops taking compactions and waits for the running ones; called once every table is closed, so
     * queued ones find their table gone and return at once.
     */
    void shutdown() {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (executor.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
                log.warn("Still waiting for a table compaction to end");
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
