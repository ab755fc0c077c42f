package dev.pikodb.internal.directory.journal;

import dev.pikodb.internal.directory.io.FileIO;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The append-only journal of one table (format: {@link JournalFormat}). Its file is open only while
 * the table uses it: {@code OpenJournals} releases the journals of idle tables, so that open files
 * stay within a budget however many tables exist, and {@link #ensureOpen()} opens the file again.
 * Not thread-safe: the owning {@code Table} serialises appends, truncations and releases; a force
 * may run beside an append.
 */
public final class Journal implements Closeable {

    private final FileIO io;
    // Changes once, when a compaction sets the journal aside (renameTo).
    private volatile Path path;
    private final long headerLength;
    // Null while released.
    private volatile FileIO.Handle handle;
    private volatile long size;
    // The buffer the last frame was built in, lent to the next one (appends are serialised): a write
    // allocates no frame. Dropped on release, so only open journals hold one; never kept beyond
    // MAX_REUSED_FRAME bytes.
    private ByteBuffer frameBuffer;

    /** The largest frame buffer a journal keeps for reuse. */
    static final int MAX_REUSED_FRAME = 64 * 1024;

    private Journal(FileIO io, Path path, FileIO.Handle handle, long headerLength, long size) {
        this.io = io;
        this.path = path;
        this.handle = handle;
        this.headerLength = headerLength;
        this.size = size;
    }

    /** Creates a new, empty journal (replacing any file at {@code path}); it is left open. */
    public static Journal create(FileIO io, Path directory, Path path, String table, boolean durable) throws IOException {
        byte[] header = JournalFormat.header(table);
        FileIO.Handle handle = io.open(path, true, true);
        try {
            handle.append(ByteBuffer.wrap(header));
            if (durable) {
                handle.force();
                io.forceDirectory(directory);
            }
        } catch (IOException e) {
            handle.close();
            throw e;
        }
        return new Journal(io, path, handle, header.length, header.length);
    }

    /**
     * Takes over an existing journal whose valid content ends at {@code validLength}, cutting anything
     * after; it is left released (closed), to be opened when the table is written.
     *
     * @param length the file's length as it was just read: when it is {@code validLength}, there is
     *     nothing to cut and the file is not even opened (a start over many tables opens each journal
     *     only once, to read it)
     */
    public static Journal open(FileIO io, Path path, String table, long validLength, long length) throws IOException {
        if (length != validLength) {
            try (FileIO.Handle handle = io.open(path, false, false)) {
                if (handle.size() != validLength) {
                    handle.truncate(validLength);
                    handle.force();
                }
            }
        }
        return new Journal(io, path, null, JournalFormat.header(table).length, validLength);
    }

    /**
     * Opens the file again if it was released.
     *
     * @return true if it was opened now
     * @throws IOException when it cannot be opened, or no longer has the length this journal wrote
     */
    public boolean ensureOpen() throws IOException {
        // Every append comes here: an open journal costs no lock (a rename may hold it meanwhile).
        return handle == null && reopen();
    }

    private synchronized boolean reopen() throws IOException {
        if (handle != null) {
            return false;
        }
        FileIO.Handle opened = io.open(path, false, false);
        try {
            long actual = opened.size();
            if (actual != size) {
                throw new IOException("Journal " + path + " is " + actual + " bytes long instead of the " + size
                        + " written to it: another program changed it");
            }
        } catch (IOException e) {
            opened.close();
            throw e;
        }
        handle = opened;
        return true;
    }

    /**
     * Renames the file while it stays in use: an open handle keeps appending to it under its new
     * name, and opens it again under that name if an interrupt closed it ({@link FileIO.Handle#moveTo});
     * a released one is opened again under that name. When the rename reports a failure, whether it
     * happened is found out from the file system.
     *
     * @throws IOException when the file is still under its old name, or its name is unknown
     */
    public synchronized void renameTo(Path target) throws IOException {
        Path source = path;
        FileIO.Handle open = handle;
        if (open == null) {
            move(source, target);
        } else {
            open.moveTo(target, () -> move(source, target));
        }
        path = target;
    }

    private void move(Path source, Path target) throws IOException {
        try {
            io.atomicMove(source, target);
        } catch (IOException e) {
            long moved;
            try {
                // A journal is never empty (its header): no size at the target means no such file.
                moved = io.size(target);
            } catch (IOException unknown) {
                e.addSuppressed(unknown);
                throw new UnknownNameException(source, target, e);
            }
            if (moved == 0) {
                throw e;
            }
        }
    }

    /** A rename reported a failure and the file system could not tell whether it happened. */
    public static final class UnknownNameException extends IOException {
        private static final long serialVersionUID = 1L;

        UnknownNameException(Path from, Path to, IOException cause) {
            super("renaming " + from + " to " + to + " failed, and whether it moved is unknown: " + cause, cause);
        }
    }

    public boolean isOpen() {
        return handle != null;
    }

    /** Closes the file until {@link #ensureOpen()}; nothing may be using it. */
    public synchronized void release() throws IOException {
        FileIO.Handle open = handle;
        frameBuffer = null;
        if (open != null) {
            handle = null;
            open.close();
        }
    }

    /**
     * A buffer to build the next frame in (its content may be overwritten), or {@code null}; the
     * caller serialises appends, and passes the frame it built to {@link #append}.
     */
    public ByteBuffer frameBuffer() {
        return frameBuffer;
    }

    /**
     * Appends one frame; once this returns, the buffer is this journal's to reuse for the next frame
     * ({@link #frameBuffer()}): the file has its bytes.
     */
    public void append(ByteBuffer frame) throws IOException {
        int length = frame.remaining();
        open().append(frame);
        size += length;
        if (frame.capacity() <= MAX_REUSED_FRAME) {
            frameBuffer = frame;
        }
    }

    public void force() throws IOException {
        open().force();
    }

    /** Empties the journal after its content has been written to the table file. */
    public void reset() throws IOException {
        FileIO.Handle open = open();
        open.truncate(headerLength);
        open.force();
        size = headerLength;
    }

    private FileIO.Handle open() throws IOException {
        FileIO.Handle open = handle;
        if (open == null) {
            throw new IOException("Journal " + path + " is not open");
        }
        return open;
    }

    public boolean hasFrames() {
        return size > headerLength;
    }

    public long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        release();
    }
}
