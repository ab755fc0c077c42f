package dev.pikodb.internal.directory.io;

import dev.pikodb.PikoDBException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive ownership of a database directory: an OS file lock on {@code .lock}, which also holds the
 * owner's process id for error messages. The operating system releases the lock when the process
 * dies, so a killed process never blocks the next start.
 */
public final class DirectoryLock implements Closeable {

    private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(Path directory, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.channel = channel;
        this.lock = lock;
    }

    public static DirectoryLock acquire(Path directory) {
        Path real;
        try {
            real = directory.toRealPath();
        } catch (IOException e) {
            throw new PikoDBException("Cannot open database directory " + directory.toAbsolutePath() + ": " + e, e);
        }
        if (!HELD_IN_THIS_JVM.add(real)) {
            throw new PikoDBException("Database directory " + real + " is already open by another PikoDB in this JVM;"
                    + " use that instance or close it first");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(real.resolve(FileNames.LOCK),
                    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = readHolder(channel);
                throw new PikoDBException("Database directory " + real + " is in use by another process"
                        + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                        + "; stop it, or open another directory");
            }
            byte[] pid = Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            return new DirectoryLock(real, channel, lock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            HELD_IN_THIS_JVM.remove(real);
            if (e instanceof PikoDBException p) {
                throw p;
            }
            throw new PikoDBException("Cannot lock database directory " + real + ": " + e, e);
        }
    }

    private static String readHolder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing more can be done: the lock goes with the channel.
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel below releases it as well.
        } finally {
            closeQuietly(channel);
            HELD_IN_THIS_JVM.remove(directory);
        }
    }
}
