package dev.pikodb.internal.directory.io;

import java.util.List;

/**
 * Runs one piece of work on the calling thread and on a few short-lived daemon helpers at once, and
 * returns only once every helper has ended, whatever happens: an interrupt of the caller is kept
 * for after the wait, never cuts it short, so no helper is still touching the store's files when
 * the caller goes on. The work itself shares its tasks out (each thread takes the next one).
 */
public final class HelperThreads {

    private HelperThreads() {
    }

    /**
     * Runs {@code work} on {@code helpers} new threads and on the calling thread.
     *
     * @param work what every thread runs
     * @param helpers how many threads to start besides the caller
     * @param namePrefix the helpers' name; each gets {@code -1}, {@code -2}... after it
     */
    public static void run(Runnable work, int helpers, String namePrefix) {
        Thread[] threads = new Thread[helpers];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(work, namePrefix + "-" + (i + 1));
            threads[i].setDaemon(true);
            threads[i].start();
        }
        try {
            work.run();
        } finally {
            joinAll(List.of(threads));
        }
    }

    /**
     * Returns once every one of {@code threads} has ended. An interrupt of the caller does not cut the
     * wait short; the caller's interrupt flag is set again once the wait is over.
     *
     * @param threads the threads to wait for
     */
    public static void joinAll(Iterable<Thread> threads) {
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
