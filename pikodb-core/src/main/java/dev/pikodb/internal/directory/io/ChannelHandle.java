package dev.pikodb.internal.directory.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@link FileIO.Handle} over a {@link FileChannel} that a thread interrupt cannot break.
 *
 * <p>A {@code FileChannel} is interruptible: an operation by a thread whose interrupt flag is set, or
 * that is interrupted during the operation, closes the channel for every thread
 * ({@code ClosedByInterruptException} for the interrupted one, {@code AsynchronousCloseException} or
 * {@code ClosedChannelException} for the others). A table's journal is written on its callers'
 * threads, so one cancelled task would take the table out of service. Here every operation:
 * <ul>
 * <li>clears the caller's interrupt flag while it runs and sets it again before returning, so a
 * thread interrupted before the call cannot close the channel;</li>
 * <li>when the channel was closed under it anyway (an interrupt that arrived during the operation,
 * its own or another thread's), opens the file again and finishes the operation. Appends are
 * positional writes at the end this handle keeps ({@code size}): after a close the file's real size
 * tells how much of the buffer reached the file, and the rest is written; a force, truncation or
 * size query is simply repeated.</li>
 * </ul>
 * So an interrupt never fails an operation: the caller's call completes and finds its interrupt flag
 * set afterwards. The file is opened again by the name it has now, which a rename of the open file
 * changes ({@link #moveTo}): the rename and the new name are one step for a reopening, so the bytes
 * and forces of an operation always reach the file the handle was opened on, never a file created
 * later under its old name (a compaction renames a journal in use, then creates the next journal
 * under the old name). Appends and truncations come from one thread at a time (the table's lock);
 * a force or size query may run beside them.
 */
final class ChannelHandle implements FileIO.Handle {

    /** More reopenings than this in one operation means something else closes the file: give up. */
    private static final int MAX_REOPENS = 10_000;

    // Changed by moveTo, under this handle's lock, which a reopening holds too.
    private volatile Path path;
    private volatile FileChannel channel;
    private volatile boolean closed;
    // Where the next append goes; written by appends and truncations, one at a time.
    private volatile long end;

    private ChannelHandle(Path path, FileChannel channel, long end) {
        this.path = path;
        this.channel = channel;
        this.end = end;
    }

    /** Opens a file; later appends go at its end. */
    static ChannelHandle open(Path path, boolean create, boolean truncate) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 0; ; attempt++) {
                FileChannel channel = FileChannel.open(path, options(create, truncate));
                try {
                    // A file just cut is empty: no need to ask its size.
                    return new ChannelHandle(path, channel, truncate ? 0 : channel.size());
                } catch (ClosedChannelException e) {
                    interrupted |= Thread.interrupted();
                    checkAttempts(attempt, path, e);
                    // The file now exists and is already cut: open it again as it is.
                    create = false;
                    truncate = false;
                }
            }
        } finally {
            restore(interrupted);
        }
    }

    private static StandardOpenOption[] options(boolean create, boolean truncate) {
        if (create && truncate) {
            return new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING};
        }
        if (create) {
            return new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE};
        }
        if (truncate) {
            return new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING};
        }
        return new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE};
    }

    @Override
    public void append(ByteBuffer source) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            int attempt = 0;
            int start = source.position();
            boolean resync = false;
            // After a close, the buffer may already say "all written": resync before trusting it.
            while (resync || source.hasRemaining()) {
                FileChannel current = channel;
                try {
                    if (resync) {
                        // The write may have reached the file, wholly or in part, before the close was reported.
                        long size = current.size();
                        long written = size - end;
                        if (written < 0 || written > source.limit() - start) {
                            throw new IOException("File " + path + " changed size unexpectedly while an interrupted"
                                    + " write was recovered (expected " + end + " to " + (end + source.limit() - start)
                                    + " bytes, found " + size + ")");
                        }
                        source.position(start + (int) written);
                        end = size;
                        resync = false;
                        continue;
                    }
                    start = source.position();
                    end += current.write(source, end);
                } catch (ClosedChannelException e) {
                    interrupted |= Thread.interrupted();
                    checkAttempts(attempt++, path, e);
                    reopen(current, e);
                    resync = true;
                }
            }
        } finally {
            restore(interrupted);
        }
    }

    @Override
    public void force() throws IOException {
        // fsync of the file through a new descriptor covers what was written through the old one.
        uninterruptibly(current -> {
            current.force(false);
            return null;
        });
    }

    @Override
    public void truncate(long size) throws IOException {
        uninterruptibly(current -> {
            current.truncate(size);
            end = size;
            return null;
        });
    }

    @Override
    public long size() throws IOException {
        return uninterruptibly(FileChannel::size);
    }

    /** One operation on the channel, as {@link #uninterruptibly} runs it. */
    @FunctionalInterface
    private interface ChannelCall<T> {
        T apply(FileChannel channel) throws IOException;
    }

    /**
     * Runs an operation that is safe to repeat with the caller's interrupt flag cleared, on a reopened
     * channel when an interrupt closed it anyway, and restores the flag afterwards.
     */
    private <T> T uninterruptibly(ChannelCall<T> call) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 0; ; attempt++) {
                FileChannel current = channel;
                try {
                    return call.apply(current);
                } catch (ClosedChannelException e) {
                    interrupted |= Thread.interrupted();
                    checkAttempts(attempt, path, e);
                    reopen(current, e);
                }
            }
        } finally {
            restore(interrupted);
        }
    }

    /** Replaces a channel closed by an interrupt (unless another thread already did); returns the new one. */
    private synchronized FileChannel reopen(FileChannel failed, ClosedChannelException cause) throws IOException {
        if (closed) {
            throw cause;
        }
        if (channel == failed) {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        return channel;
    }

    /** Renames holding the lock that a reopening takes: no reopening comes between the rename and the new name. */
    @Override
    public synchronized void moveTo(Path target, FileIO.Rename rename) throws IOException {
        rename.run();
        path = target;
    }

    private static void checkAttempts(int attempt, Path path, ClosedChannelException e) throws IOException {
        if (attempt >= MAX_REOPENS) {
            throw new IOException("File " + path + " was closed " + MAX_REOPENS + " times during one operation", e);
        }
    }

    private static void restore(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        channel.close();
    }

    /** Runs a file operation with the caller's interrupt flag cleared, retrying it when an interrupt closed its channel. */
    static <T> T uninterruptibly(Path path, IoCall<T> call) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 0; ; attempt++) {
                try {
                    return call.run();
                } catch (ClosedChannelException e) {
                    interrupted |= Thread.interrupted();
                    checkAttempts(attempt, path, e);
                }
            }
        } finally {
            restore(interrupted);
        }
    }

    /** A file operation that opens and closes its own channel, so it can be repeated. */
    @FunctionalInterface
    interface IoCall<T> {
        T run() throws IOException;
    }
}
