package dev.pikodb.internal.directory;

import dev.pikodb.PikoDBException;
import dev.pikodb.internal.directory.journal.Journal;
import dev.pikodb.internal.directory.journal.JournalFormat;
import dev.pikodb.internal.directory.records.Records;
import dev.pikodb.internal.directory.records.StoredRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table's write path: writes and deletes, appended to the journal, made visible, and in
 * durable mode forced through the group commit.
 *
 * <p><b>Writes.</b> A write is validated and encoded by the caller, then, under {@code appendLock},
 * gets its version, is appended to the journal as one frame, and only then becomes visible in
 * {@code records}. In durable mode the frame must also be forced first: the writer queues it as
 * pending and waits for a force that covers it, shared with the other durable writers
 * ({@link GroupCommit}); the force makes the pending writes visible in append order.
 * Versions are computed against the latest appended state (pending included), so per key they
 * strictly increase in commit order. Conditional writes and deletes decide against the visible
 * state, which reads return: when a pending write of the key would change their answer, they wait
 * for its force first ({@link #put}).
 *
 * <p>A failed append or force puts the table in its failed state ({@link Table}).
 */
final class TableWrites {

    private static final Logger log = LoggerFactory.getLogger(Table.class);

    private final Table table;

    TableWrites(Table table) {
        this.table = table;
    }

    /**
     * Writes a record.
     *
     * <p>A conditional write decides against the state reads return. In durable mode a write of the
     * key may be appended but not yet forced: invisible to reads, and its force may still fail. When
     * the answer against that pending state differs from the answer against the visible one, the
     * write first waits for the pending write to be forced (and visible), then decides again; when
     * both agree, the answer holds either way and nothing waits.
     *
     * @param expectedVersion the version the key must have (0: absent), or -1 for any
     * @return the new version, or 0 when {@code expectedVersion} did not match
     */
    long put(String key, byte[] value, Long expiration, String dictionaryName, long expectedVersion) {
        if (table.dropPending) {
            table.deletion.retryPendingDrop();
        }
        while (true) {
            StoredRecord record;
            long sequence;
            long awaited = -1;
            table.appendLock.lock();
            try {
                table.checkWritable();
                long now = table.context.clock().millis();
                long currentVersion = latestVersion(key, now);
                if (expectedVersion >= 0) {
                    boolean matches = expectedVersion == currentVersion;
                    if (table.pending.contains(key)) {
                        StoredRecord visible = table.records.raw(key);
                        long visibleVersion = visible == null || visible.isExpired(now) ? 0 : visible.version;
                        if (matches != (expectedVersion == visibleVersion)) {
                            awaited = table.pending.latestSequence(key);
                        }
                    }
                    if (awaited < 0 && !matches) {
                        return 0;
                    }
                }
                if (awaited < 0) {
                    record = StoredRecord.of(value, currentVersion + 1, now, expiration, dictionaryName);
                    sequence = append(JournalFormat.setFrame(key, record, frameBuffer()));
                    if (table.context.durable()) {
                        table.pending.add(key, record, sequence);
                    } else {
                        table.records.put(key, record);
                    }
                } else {
                    record = null;
                    sequence = 0;
                }
            } finally {
                table.appendLock.unlock();
            }
            if (awaited >= 0) {
                awaitForced(awaited);
                continue;
            }
            finishWrite(sequence);
            return record.version;
        }
    }

    /**
     * Stores records exactly as given (version, timestamp, expiration, dictionary), for a copy or a
     * restore: each is appended as one frame (a frame carries the key's whole state, so replay and
     * the crash argument are those of any write) and becomes visible like any write; in durable mode
     * one force covers the whole batch. A failure leaves the records before the failing one stored.
     */
    void putExact(List<Map.Entry<String, StoredRecord>> batch) {
        if (table.dropPending) {
            table.deletion.retryPendingDrop();
        }
        long sequence = -1;
        table.appendLock.lock();
        try {
            table.checkWritable();
            for (Map.Entry<String, StoredRecord> entry : batch) {
                sequence = append(JournalFormat.setFrame(entry.getKey(), entry.getValue(), frameBuffer()));
                if (table.context.durable()) {
                    table.pending.add(entry.getKey(), entry.getValue(), sequence);
                } else {
                    table.records.put(entry.getKey(), entry.getValue());
                }
            }
        } finally {
            table.appendLock.unlock();
        }
        if (sequence >= 0) {
            finishWrite(sequence);
        }
    }

    /**
     * Deletes a key; like a conditional write, its answer is decided against the state reads return.
     *
     * @return true if a live key was removed
     */
    boolean delete(String key) {
        while (true) {
            long sequence;
            long awaited = -1;
            table.appendLock.lock();
            try {
                if (table.dropPending) {
                    return false;
                }
                table.checkWritable();
                long now = table.context.clock().millis();
                boolean live = latest(key, now) != null;
                if (table.pending.contains(key) && live != (table.records.live(key, now) != null)) {
                    awaited = table.pending.latestSequence(key);
                    sequence = 0;
                } else if (!live) {
                    table.records.live(key, now);
                    return false;
                } else {
                    sequence = append(JournalFormat.deleteFrame(key, frameBuffer()));
                    if (table.context.durable()) {
                        table.pending.add(key, null, sequence);
                    } else {
                        table.records.remove(key);
                    }
                }
            } finally {
                table.appendLock.unlock();
            }
            if (awaited >= 0) {
                awaitForced(awaited);
                continue;
            }
            finishWrite(sequence);
            return true;
        }
    }

    /**
     * Returns once every write of {@code key} decided so far is visible: what a reader waits for
     * before it takes the key's record for expired ({@link Records.ExpiryBarrier}).
     * A write decides under {@code appendLock}, against the clock it reads there, and in default mode
     * becomes visible before releasing it: taking the lock waits for one in between. In durable mode a
     * decided write stays pending until its force: this waits for that force too. A caller holding
     * {@code appendLock} is a writer, which decides against the pending writes itself, and does not
     * wait. A table that failed dropped its pending writes: reads go on from what is visible.
     */
    void awaitDecidedWrites(String key) {
        if (table.appendLock.isHeldByCurrentThread()) {
            return;
        }
        while (true) {
            long awaited;
            table.appendLock.lock();
            try {
                if (!table.pending.contains(key)) {
                    return;
                }
                awaited = table.pending.latestSequence(key);
            } finally {
                table.appendLock.unlock();
            }
            try {
                awaitForced(awaited);
            } catch (PikoDBException e) {
                log.debug("A pending write of table '{}' failed while a read waited for it", table.name, e);
                return;
            }
        }
    }

    void finishWrite(long sequence) {
        if (table.context.durable()) {
            awaitForced(sequence);
        }
        if (table.compactionDue) {
            table.scheduleCompaction();
        }
    }

    /** The version of the latest appended state of a key, pending writes included; 0 when absent or expired. */
    private long latestVersion(String key, long now) {
        if (table.pending.contains(key)) {
            StoredRecord current = table.pending.latest(key);
            return current == null || current.isExpired(now) ? 0 : current.version;
        }
        return table.records.liveVersion(key, now);
    }

    /** The latest appended state of a key, pending writes included; null when absent or expired. */
    StoredRecord latest(String key, long now) {
        StoredRecord current = table.pending.contains(key) ? table.pending.latest(key) : table.records.raw(key);
        return current == null || current.isExpired(now) ? null : current;
    }

    /** The journal's buffer for the next frame, or {@code null}; the caller holds the append lock. */
    private ByteBuffer frameBuffer() {
        Journal current = table.journal;
        return current == null ? null : current.frameBuffer();
    }

    long append(ByteBuffer frame) {
        int length = frame.remaining();
        if (table.journal == null) {
            try {
                table.journal = Journal.create(table.context.io(), table.context.directory(), table.journalPath,
                        table.name, table.context.durable());
            } catch (IOException e) {
                // Nothing was acknowledged from this file: the next write simply tries to create it again.
                throw new PikoDBException("Cannot write to table '" + table.name + "': creating its journal "
                        + table.journalPath
                        + " failed: " + e + ". Check that the database directory is writable and has free space", e);
            }
            table.context.journals().opened(table);
        } else {
            try {
                table.journalFile.open();
            } catch (IOException e) {
                // Nothing was written: the table stays as it was.
                throw new PikoDBException("Cannot write to table '" + table.name + "': opening its journal "
                        + table.journalPath
                        + " failed: " + e + ". Check the process's open file limit and the directory's permissions",
                        e);
            }
        }
        table.lastUsed = System.nanoTime();
        try {
            table.journal.append(frame);
        } catch (IOException e) {
            table.fail("appending to " + table.journalPath + " failed: " + e, e);
            throw table.failedException();
        }
        table.appendedSequence += length;
        table.commit.frameAppended();
        table.journalBytes = table.journal.size();
        table.context.stats().journalBytes.add(length);
        if (table.journal.size() > table.compactAt) {
            table.compactionDue = true;
        }
        return table.appendedSequence;
    }

    /** Returns once the write at {@code sequence} is forced and visible, or throws if it failed. */
    void awaitForced(long sequence) {
        table.commit.await(sequence, () -> {
            if (table.failure != null) {
                throw table.failedException();
            }
        }, this::forceAndApplyAll);
    }

    /**
     * Forces every appended frame and makes every pending write visible. The caller is the leader, or
     * holds the journal exclusively: nobody else forces meanwhile.
     */
    void forceAndApplyAll() {
        long target;
        long frames;
        Journal current;
        table.appendLock.lock();
        try {
            target = table.appendedSequence;
            frames = table.commit.appendedFrames();
            current = table.journal;
        } finally {
            table.appendLock.unlock();
        }
        if (target <= table.commit.forcedSequence()) {
            return;
        }
        if (table.context.durable()) {
            try {
                long started = System.nanoTime();
                if (current.ensureOpen()) {
                    table.context.journals().opened(table);
                }
                current.force();
                table.commit.forced(frames, System.nanoTime() - started);
            } catch (IOException e) {
                table.appendLock.lock();
                try {
                    table.fail("forcing " + table.journalPath + " to disk failed: " + e, e);
                    table.pending.clear();
                } finally {
                    table.appendLock.unlock();
                }
                throw table.failedException();
            }
        }
        table.appendLock.lock();
        try {
            table.pending.applyUpTo(target, table.records);
        } finally {
            table.appendLock.unlock();
        }
        table.commit.visibleUpTo(target);
    }
}
