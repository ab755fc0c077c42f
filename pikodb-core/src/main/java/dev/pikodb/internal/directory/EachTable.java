package dev.pikodb.internal.directory;

import dev.pikodb.internal.directory.io.HelperThreads;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs one piece of work (a flush, a close) on every table of a store. Rewriting a table file ends
 * in an fsync, and a disk completes concurrent fsyncs together (one journal commit of the file
 * system for many files), so with many tables the work runs on a few short-lived threads: closing
 * 100,000 tables then takes a fraction of the time one fsync after another would.
 */
final class EachTable {

    /** Below this many tables the work runs on the caller's thread. */
    static final int PARALLEL_FROM = 32;
    static final int THREADS = 8;

    private EachTable() {
    }

    /**
     * Runs {@code work} on every table; returns the messages of the {@link RuntimeException}s it threw.
     * Each table is worked on by one thread; several tables at once.
     */
    static List<String> run(Collection<Table> tables, Consumer<Table> work) {
        List<Table> list = new ArrayList<>(tables);
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < list.size(); i = next.getAndIncrement()) {
                try {
                    work.accept(list.get(i));
                } catch (RuntimeException e) {
                    failures.add(e.getMessage());
                }
            }
        };
        if (list.size() < PARALLEL_FROM) {
            worker.run();
            return failures;
        }
        // The tables must be left consistent: every thread finishes, and the caller's interrupt is kept.
        HelperThreads.run(worker, THREADS - 1, "pikodb-tables");
        return new ArrayList<>(failures);
    }
}
