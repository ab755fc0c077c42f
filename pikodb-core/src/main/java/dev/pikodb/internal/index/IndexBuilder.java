package dev.pikodb.internal.index;

import dev.pikodb.internal.directory.io.HelperThreads;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds indexes from a table's records in one pass (bulk loading, not entry by entry): the records
 * are taken in the order the table holds them, each record's JSON is read once for every path
 * ({@link IndexReads}), and each index is then made from the numbered values it collected
 * ({@link IndexAssembly}). A large table is read in consecutive runs of records on a few threads at
 * once, whose numbers are then merged; its indexes are then made each on one of those threads.
 */
final class IndexBuilder {

    private static final Logger log = LoggerFactory.getLogger(IndexBuilder.class);

    /** Tables of fewer records are indexed on the calling thread alone. */
    static final int PARALLEL_FROM = 16_384;
    /** The most threads one build uses (the caller's included). */
    static final int MAX_THREADS = 4;

    private IndexBuilder() {
    }

    /**
     * Builds indexes from every held record that is not expired at {@code now}. A large table is
     * read in runs of records on a few threads at once (the caller's and short-lived helpers), and
     * its indexes are then made each on one of them; every helper has ended when this returns.
     *
     * @param records the table's records (their writes paused, or not shared yet)
     * @param names the index names
     * @param paths their paths, in the same order
     * @param values reads the paths from a record's JSON (from any thread)
     * @param fallback reads the paths from a record the scanner leaves to Jackson or that uses a dictionary
     * @param now the current time, epoch milliseconds
     * @return the indexes, in the order of the names
     */
    static List<SecondaryIndex> build(IndexedRecords records, List<String> names, List<String> paths,
            PathValues values, TableIndexes.Reader fallback, long now) {
        long started = System.nanoTime();
        int expected = Math.max(16, records.size());
        String[][] keyArray = {new String[expected]};
        Object[][] heldArray = {new Object[expected]};
        int[] count = {0};
        records.forEachHeld((key, held) -> {
            int n = count[0];
            if (n == keyArray[0].length) {
                keyArray[0] = Arrays.copyOf(keyArray[0], n * 2);
                heldArray[0] = Arrays.copyOf(heldArray[0], n * 2);
            }
            keyArray[0][n] = key;
            heldArray[0][n] = held;
            count[0] = n + 1;
        });
        // The records are read in the order the table's map holds them, the keys unsorted: only the
        // keys of small groups, and those without a value, are put in key order, later.
        String[] keys = keyArray[0];
        Object[] helds = heldArray[0];
        int n = count[0];
        int indexes = names.size();
        int threads = n < PARALLEL_FROM ? 1 : Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors());

        long gathered = System.nanoTime();
        // The runs of records, read at once: each numbers its own values.
        int runs = Math.max(1, threads);
        IndexReads.Collected[][] collected = new IndexReads.Collected[runs][];
        boolean timed = log.isDebugEnabled();
        long[] readCpu = new long[runs];
        inParallel(runs, threads, run -> {
            long cpu = cpu(timed);
            int from = (int) ((long) n * run / runs);
            int to = (int) ((long) n * (run + 1) / runs);
            collected[run] = IndexReads.read(records, values, fallback, indexes, keys, helds, from, to, now);
            readCpu[run] = cpu(timed) - cpu;
        });

        long[] packed = KeySort.packedPrefixes(keys, n);
        long read = System.nanoTime();
        // Each index from the runs' collections, the index with the most entries first.
        Integer[] order = new Integer[indexes];
        long[] entries = new long[indexes];
        for (int i = 0; i < indexes; i++) {
            order[i] = i;
            for (IndexReads.Collected[] run : collected) {
                entries[i] += run[i].entries;
            }
        }
        Arrays.sort(order, (a, b) -> Long.compare(entries[b], entries[a]));
        SecondaryIndex[] built = new SecondaryIndex[indexes];
        long[] makeCpu = new long[indexes];
        inParallel(indexes, threads, task -> {
            long cpu = cpu(timed);
            int i = order[task];
            IndexReads.Collected into = collected[0][i];
            for (int c = 1; c < runs; c++) {
                into.merge(collected[c][i]);
                collected[c][i] = null;
            }
            collected[0][i] = null;
            built[i] = IndexAssembly.index(names.get(i), paths.get(i), into, keys, helds, packed);
            makeCpu[i] = cpu(timed) - cpu;
        });
        if (timed) {
            long ended = System.nanoTime();
            StringBuilder made = new StringBuilder();
            for (int i = 0; i < indexes; i++) {
                made.append(i == 0 ? "" : ", ").append(names.get(i)).append(' ').append(millis(0, makeCpu[i]));
            }
            log.debug("Built indexes {} over {} records on {} threads in {} ms of wall time: taking the records {} ms,"
                    + " reading their values {} ms, making the structures {} ms; in CPU time of the threads that"
                    + " built them (collections not included): reading {} ms, making {}", names, n, threads,
                    millis(started, ended), millis(started, gathered), millis(gathered, read), millis(read, ended),
                    millis(0, java.util.Arrays.stream(readCpu).sum()), made);
        }
        return List.of(built);
    }

    /** The CPU time of the current thread in nanoseconds when {@code timed}, else 0. */
    private static long cpu(boolean timed) {
        return timed ? java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() : 0;
    }

    private static String millis(long from, long to) {
        return String.format(java.util.Locale.ROOT, "%.1f", (to - from) / 1e6);
    }

    /** A task of a build, by number. */
    @FunctionalInterface
    private interface Task {
        void run(int task);
    }

    /**
     * Runs {@code tasks} tasks on {@code threads} threads (the caller's and helpers that have ended
     * when this returns); the first failure stops the others from taking tasks and is thrown.
     */
    private static void inParallel(int tasks, int threads, Task task) {
        if (threads <= 1 || tasks <= 1) {
            for (int t = 0; t < tasks; t++) {
                task.run(t);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        HelperThreads.run(() -> {
            for (int t = next.getAndIncrement(); t < tasks && failure.get() == null; t = next.getAndIncrement()) {
                try {
                    task.run(t);
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                }
            }
        }, Math.min(tasks, threads) - 1, "pikodb-index-build");
        Throwable failed = failure.get();
        if (failed instanceof RuntimeException e) {
            throw e;
        }
        if (failed instanceof Error e) {
            throw e;
        }
    }
}
