package dev.pikodb.internal.index;

import dev.pikodb.PikoDBException;
import dev.pikodb.internal.Validation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The indexes of one table that are attached but not built yet (<em>pending</em>), and their one
 * build (see {@link TableIndexes} for what callers see). The build is claimed by exactly one thread,
 * which runs it: a background thread of the engine, or the first query or {@code createIndex} that
 * needs the indexes; every other thread that needs them waits until it has ended, built or failed.
 *
 * <p>The build reads the records with the table's writes paused, then, under this object's lock,
 * installs each index whose definition is still pending: {@link #drop} removes a definition under the
 * same lock, so a dropped index is never installed afterwards. Nobody waits for the build while
 * holding the lock.
 */
final class PendingIndexes {

    private static final Logger log = LoggerFactory.getLogger(PendingIndexes.class);

    private final TableIndexes indexes;
    private final String table;
    private final Object lock = new Object();
    /** The definitions attached and not built yet (or whose build failed): name to path. */
    private final Map<String, String> pending = new LinkedHashMap<>();
    /** The build of {@link #pending}: waiting, running, or failed; null when nothing is pending. */
    private Build build;

    /** One build of the pending indexes: claimed once, awaited by the others. */
    private static final class Build {
        private final AtomicBoolean claimed = new AtomicBoolean();
        private final CountDownLatch finished = new CountDownLatch(1);
        /** Why the build failed; null while it has not, or when it succeeded. */
        volatile Throwable failure;

        /** Makes the calling thread the one that runs the build: true once, false for every later call. */
        boolean claim() {
            return claimed.compareAndSet(false, true);
        }

        boolean isDone() {
            return finished.getCount() == 0;
        }

        /**
         * Waits until the build has ended. A build always ends (its thread installs or fails), so an
         * interrupt does not cut the wait short; the thread's interrupt flag is kept.
         */
        void await() {
            boolean interrupted = false;
            while (true) {
                try {
                    finished.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    PendingIndexes(TableIndexes indexes, String table) {
        this.indexes = indexes;
        this.table = table;
    }

    /** Attaches definitions not built yet as pending; true when a build is due. */
    boolean pend(Map<String, String> definitions) {
        synchronized (lock) {
            definitions.forEach((name, path) -> {
                if (indexes.find(name) == null) {
                    pending.put(name, path);
                }
            });
            if (pending.isEmpty() || build != null && !build.isDone()) {
                return !pending.isEmpty();
            }
            build = new Build();
            return true;
        }
    }

    /** Runs the build on this thread unless another thread has claimed it; true when this call ran it. */
    boolean buildIfUnclaimed(Runnable whilePaused) {
        Build claimed;
        synchronized (lock) {
            claimed = build;
            if (claimed == null || !claimed.claim()) {
                return false;
            }
        }
        run(claimed, whilePaused);
        return true;
    }

    private void run(Build claimed, Runnable whilePaused) {
        long started = System.nanoTime();
        int[] built = {0};
        try {
            indexes.pauseWrites(() -> {
                if (whilePaused != null) {
                    whilePaused.run();
                }
                Map<String, String> wanted;
                synchronized (lock) {
                    wanted = new LinkedHashMap<>(pending);
                }
                if (wanted.isEmpty()) {
                    return;
                }
                long removals = indexes.removals();
                List<SecondaryIndex> made = indexes.buildFromRecords(List.copyOf(wanted.keySet()),
                        List.copyOf(wanted.values()));
                List<SecondaryIndex> installed = new ArrayList<>();
                synchronized (lock) {
                    for (SecondaryIndex index : made) {
                        // Dropped meanwhile (or dropped and created again on another path): not installed.
                        if (index.path.equals(pending.get(index.name))) {
                            pending.remove(index.name);
                            installed.add(index);
                        }
                    }
                    indexes.install(installed);
                }
                indexes.removeStaleIfRemovedSince(installed, removals);
                built[0] = installed.size();
            });
            log.debug("Built {} index(es) of table '{}' over {} records in {} ms", built[0],
                    Validation.printable(table), indexes.records().size(), (System.nanoTime() - started) / 1_000_000);
        } catch (Throwable e) {
            claimed.failure = e;
            log.error("Building the indexes of table '{}' failed; queries on them throw until the database is"
                    + " reopened or each index is created again", Validation.printable(table), e);
        } finally {
            synchronized (lock) {
                if (build == claimed && claimed.failure == null && pending.isEmpty()) {
                    build = null;
                }
            }
            claimed.finished.countDown();
        }
    }

    /**
     * Waits for a build, running it on this thread when no other thread has claimed it yet (so a
     * caller never waits behind the builds of other tables).
     */
    private void await(Build awaited) {
        if (awaited.claim()) {
            run(awaited, null);
        } else {
            awaited.await();
        }
    }

    /**
     * For a query on a path without a built index: waits for the build when the path's index is pending.
     *
     * @return the index, or null when the table has no definition on the path (or it was dropped meanwhile)
     * @throws PikoDBException when its build failed
     */
    SecondaryIndex awaitOn(String path) {
        Build awaited;
        synchronized (lock) {
            if (!pending.containsValue(path)) {
                // Installed since the caller looked (a build installs under this lock), or no definition.
                return indexes.builtOn(path);
            }
            awaited = build;
        }
        await(awaited);
        SecondaryIndex index = indexes.builtOn(path);
        if (index != null) {
            return index;
        }
        Throwable failure = awaited.failure;
        synchronized (lock) {
            if (failure != null && pending.containsValue(path)) {
                throw new PikoDBException("The index on \"" + path + "\" of table '" + Validation.printable(table)
                        + "' could not be built: " + failure + "; reopen the database, or build it again with"
                        + " createIndex(\"" + Validation.printable(table) + "\", name, \"" + path + "\")", failure);
            }
        }
        return null;
    }

    /**
     * Before {@code createIndex} builds an index: when the same index (name and path) is pending, waits
     * for its build. If that build failed, the index is no longer pending: the caller builds it alone.
     */
    void awaitBeforeCreate(String name, String path) {
        Build awaited;
        synchronized (lock) {
            awaited = path.equals(pending.get(name)) ? build : null;
        }
        if (awaited == null) {
            return;
        }
        await(awaited);
        synchronized (lock) {
            pending.remove(name, path);
            forgetEndedBuild();
        }
    }

    /** Drops a pending index: its build, waiting or running, will not install it. */
    boolean drop(String name) {
        synchronized (lock) {
            if (pending.remove(name) == null) {
                return false;
            }
            forgetEndedBuild();
            return true;
        }
    }

    /** Drops every pending index. */
    void dropAll() {
        synchronized (lock) {
            pending.clear();
            forgetEndedBuild();
        }
    }

    /** With nothing pending, an ended (failed) build is let go; a running one lets itself go. */
    private void forgetEndedBuild() {
        if (pending.isEmpty() && build != null && build.isDone()) {
            build = null;
        }
    }
}
