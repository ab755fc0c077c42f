package dev.pikodb.internal.directory;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who forces a table's journal, and when: durable writers share one force (group commit).
 *
 * <p>A writer whose frame is appended but not yet forced calls {@link #await}. If no force is under
 * way it becomes the leader: it forces, holding no lock (other writers go on appending), everything
 * appended so far and makes it visible, then wakes the waiters, who find their frame forced through
 * a volatile read. A writer whose frame came too late for that force leads the next one.
 *
 * <p>Adaptive batching: before forcing, when recent forces covered several frames, a leader gives the
 * other writers a moment (yielding the CPU, at most as long as the last force took) to append,
 * until as many frames wait as recent forces covered. The expected batch is the largest recent one,
 * decaying by one frame per force, so a writer left alone stops waiting after a few forces and a lone
 * writer never waits. Without this, on few cores the first writer back after a force would force
 * for its own frame alone.
 *
 * <p>Work that needs the journal to itself (compaction, flush, close, delete) holds
 * {@link #lockExclusive()}, which waits for a running force to finish and keeps new leaders out.
 */
final class GroupCommit {

    /** Forces every frame appended so far and makes it visible; the caller has the right to force. */
    @FunctionalInterface
    interface Force {
        void run();
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition forceDone = lock.newCondition();
    // Guarded by lock: a leader is forcing.
    private boolean forcing;
    // Written after the writes a force covers are visible.
    private volatile long forcedSequence;
    // Written by appenders (one at a time, under the table's append lock).
    private volatile long appendedFrames;
    // Written only by whoever has the right to force.
    private long forcedFrames;
    private long expectedBatchFrames;
    private long lastForceNanos;

    /** Called by an appender, holding the table's append lock, for each frame appended. */
    void frameAppended() {
        appendedFrames++;
    }

    long appendedFrames() {
        return appendedFrames;
    }

    long forcedSequence() {
        return forcedSequence;
    }

    /** Called by whoever forced: the force covered frames up to {@code frames} and took {@code nanos}. */
    void forced(long frames, long nanos) {
        expectedBatchFrames = Math.max(frames - forcedFrames, expectedBatchFrames - 1);
        lastForceNanos = nanos;
        forcedFrames = frames;
    }

    /** Called by whoever forced, once every write up to {@code sequence} is visible. */
    void visibleUpTo(long sequence) {
        forcedSequence = sequence;
    }

    /**
     * Returns once the write ending at {@code sequence} is forced and visible.
     *
     * @param failedCheck throws when the table has failed (the write's force may have failed)
     * @param force what a leader runs; throws when the force fails
     */
    void await(long sequence, Runnable failedCheck, Force force) {
        while (forcedSequence < sequence) {
            lock.lock();
            try {
                while (forcing && forcedSequence < sequence) {
                    forceDone.awaitUninterruptibly();
                }
                if (forcedSequence >= sequence) {
                    return;
                }
                failedCheck.run();
                forcing = true;
            } finally {
                lock.unlock();
            }
            try {
                gatherBatch();
                force.run();
            } finally {
                lock.lock();
                try {
                    forcing = false;
                    forceDone.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void gatherBatch() {
        long wanted = expectedBatchFrames;
        if (wanted <= 1) {
            return;
        }
        long deadline = System.nanoTime() + lastForceNanos;
        while (appendedFrames - forcedFrames < wanted && System.nanoTime() < deadline) {
            Thread.yield();
        }
    }

    /** Takes the journal exclusively: waits for a running force, and keeps new leaders out. */
    void lockExclusive() {
        lock.lock();
        while (forcing) {
            forceDone.awaitUninterruptibly();
        }
    }

    /** Takes the journal exclusively if that needs no waiting; returns whether it did. */
    boolean tryLockExclusive() {
        if (!lock.tryLock()) {
            return false;
        }
        if (forcing) {
            lock.unlock();
            return false;
        }
        return true;
    }

    void unlockExclusive() {
        lock.unlock();
    }
}
