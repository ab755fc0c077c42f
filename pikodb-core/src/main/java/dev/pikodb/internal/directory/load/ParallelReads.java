package dev.pikodb.internal.directory.load;

import dev.pikodb.internal.directory.io.HelperThreads;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs independent read-only tasks of a start (reading and parsing the files of different tables) on
 * a few threads: the calling thread and at most {@link #MAX_THREADS}{@code - 1} short-lived helpers,
 * no more than the processors the JVM may use. Every helper has ended when {@link #run} returns or
 * throws, so nothing of a start keeps running after it.
 *
 * <p>A failing task stops the others from starting new tasks, and {@link #run} throws its exception
 * as it is: when several fail, the one of the lowest index, so that the report does not depend on
 * timing more than it must.
 */
final class ParallelReads {

    /** Enough to overlap file reads with parsing; more only adds contention on small machines. */
    static final int MAX_THREADS = 8;

    /** One task, by index. */
    @FunctionalInterface
    interface Task {
        void run(int index) throws IOException;
    }

    private final Task task;
    private final int count;
    private final AtomicInteger next = new AtomicInteger();
    private int failedIndex = Integer.MAX_VALUE;
    private Throwable failure;
    private volatile boolean failed;

    private ParallelReads(int count, Task task) {
        this.count = count;
        this.task = task;
    }

    /**
     * Runs {@code task} for every index in {@code [0, count)}, each exactly once unless one fails.
     *
     * @param threadName the helpers' name, as a prefix
     * @throws IOException the failure of a task, when one failed with it
     */
    static void run(int count, String threadName, Task task) throws IOException {
        int threads = Math.min(count, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()));
        if (threads <= 1) {
            for (int i = 0; i < count; i++) {
                task.run(i);
            }
            return;
        }
        ParallelReads reads = new ParallelReads(count, task);
        // The helpers finish their file reads (a few at most) whatever happens: the caller waits for them.
        HelperThreads.run(reads::work, threads - 1, threadName);
        reads.rethrow();
    }

    private void work() {
        int index;
        while (!failed && (index = next.getAndIncrement()) < count) {
            try {
                task.run(index);
            } catch (IOException | RuntimeException | Error e) {
                fail(index, e);
            }
        }
    }

    private synchronized void fail(int index, Throwable e) {
        if (index < failedIndex) {
            if (failure != null) {
                e.addSuppressed(failure);
            }
            failedIndex = index;
            failure = e;
        } else {
            failure.addSuppressed(e);
        }
        failed = true;
    }

    private synchronized void rethrow() throws IOException {
        if (failure instanceof IOException e) {
            throw e;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }
}
