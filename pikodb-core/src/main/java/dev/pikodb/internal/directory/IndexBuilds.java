package dev.pikodb.internal.directory;

import dev.pikodb.internal.directory.io.HelperThreads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the pending indexes of the tables loaded at start, in the background, after
 * {@code start()} has returned: a fixed list of tables, taken one at a time by at most as many
 * daemon threads as there are cores ({@code pikodb-index-build-<store>-<n>}), each table's build with
 * its writes paused ({@link dev.pikodb.internal.index.TableIndexes#buildPending}). A table whose
 * indexes a query or {@code createIndex} needs first is built by that caller instead, and skipped
 * here. The threads end when the list is done.
 *
 * <p>{@link #stop} (close) makes the threads take no further table and waits for the builds they are
 * running; the tables left are never built by this store, and are built again at the next start.
 */
final class IndexBuilds {

    private static final Logger log = LoggerFactory.getLogger(IndexBuilds.class);
    private static final AtomicInteger STORES = new AtomicInteger();

    /**
     * Run by a background build with the table's writes paused, before it reads the records, with the
     * table's name: lets tests hold a build at that point. Null in production.
     */
    static volatile Consumer<String> whileBuildingForTesting;

    private final Path directory;
    private final List<Table> tables;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger left;
    private final List<Thread> threads = new ArrayList<>();
    private final long started = System.nanoTime();
    private volatile boolean stopped;

    private IndexBuilds(Path directory, List<Table> tables) {
        this.directory = directory;
        this.tables = tables;
        this.left = new AtomicInteger(tables.size());
    }

    /**
     * Starts building the pending indexes of {@code tables} in the background.
     *
     * @param directory the database directory, for the log
     * @param tables the tables with pending indexes
     * @return the builds, to stop at close
     */
    static IndexBuilds start(Path directory, List<Table> tables) {
        IndexBuilds builds = new IndexBuilds(directory, List.copyOf(tables));
        if (tables.isEmpty()) {
            return builds;
        }
        long records = tables.stream().mapToLong(Table::heldCount).sum();
        int count = Math.min(tables.size(), Math.max(1, Runtime.getRuntime().availableProcessors()));
        log.info("Building the indexes of {} table(s), {} records, of {} in the background on {} thread(s);"
                + " queries on them wait for their table's build", tables.size(), records, directory, count);
        int store = STORES.incrementAndGet();
        for (int i = 1; i <= count; i++) {
            Thread thread = new Thread(builds::work, "pikodb-index-build-" + store + "-" + i);
            thread.setDaemon(true);
            builds.threads.add(thread);
        }
        builds.threads.forEach(Thread::start);
        return builds;
    }

    private void work() {
        for (int i = next.getAndIncrement(); i < tables.size() && !stopped; i = next.getAndIncrement()) {
            Table table = tables.get(i);
            Consumer<String> hook = whileBuildingForTesting;
            // False when a query or createIndex needed the table first and built it on its own thread.
            table.records().indexes().buildPending(hook == null ? null : () -> hook.accept(table.name));
            if (left.decrementAndGet() == 0) {
                log.info("The background index builds of {} table(s) of {} ended {} ms after start", tables.size(),
                        directory, (System.nanoTime() - started) / 1_000_000);
            }
        }
    }

    /**
     * Makes the threads take no further table and waits for the builds they are running (each ends:
     * a build installs its indexes or fails). The caller's interrupt flag is kept.
     */
    void stop() {
        stopped = true;
        HelperThreads.joinAll(threads);
        int skipped = left.get();
        if (skipped > 0) {
            log.debug("Closed {} with the indexes of {} table(s) not built; they are built at the next start",
                    directory, skipped);
        }
    }
}
