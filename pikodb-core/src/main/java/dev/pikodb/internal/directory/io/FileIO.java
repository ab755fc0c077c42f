package dev.pikodb.internal.directory.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every file operation the storage code performs, in one small interface, so that tests can inject
 * faults (a failing write, force or rename) and simulate power loss. Not part of the public API.
 */
public interface FileIO {

    /** The real file system, through {@link FileChannel}; thread interrupts do not break its operations. */
    FileIO DEFAULT = new NioFileIO();

    /**
     * Opens a file for reading and writing.
     *
     * @param path the file
     * @param create create it when missing
     * @param truncate empty it first
     * @return the open file
     * @throws IOException when the file cannot be opened
     */
    Handle open(Path path, boolean create, boolean truncate) throws IOException;

    /**
     * Reads a whole file.
     *
     * @param path the file
     * @return its bytes
     * @throws IOException when it cannot be read
     */
    byte[] readAll(Path path) throws IOException;

    /**
     * Renames {@code source} to {@code target} atomically, replacing {@code target}.
     *
     * @param source the existing file
     * @param target the new name
     * @throws IOException when the rename fails
     */
    void atomicMove(Path source, Path target) throws IOException;

    /**
     * Forces a directory's entries (creates, renames, deletes) to stable storage.
     *
     * @param directory the directory
     * @throws IOException when the platform reports a failure
     */
    void forceDirectory(Path directory) throws IOException;

    /**
     * Deletes a file when it exists.
     *
     * @param path the file
     * @return whether a file was deleted
     * @throws IOException when deletion fails
     */
    boolean deleteIfExists(Path path) throws IOException;

    /**
     * Lists the regular files directly inside a directory.
     *
     * @param directory the directory
     * @return the files
     * @throws IOException when the directory cannot be listed
     */
    List<Path> list(Path directory) throws IOException;

    /**
     * The size of a file, 0 when it does not exist.
     *
     * @param path the file
     * @return its size in bytes
     * @throws IOException when it cannot be read
     */
    long size(Path path) throws IOException;

    /** An open file. */
    interface Handle extends Closeable {

        /**
         * Writes all of {@code source} at the end of the file.
         *
         * @param source the bytes
         * @throws IOException when the write fails
         */
        void append(ByteBuffer source) throws IOException;

        /**
         * Forces written bytes to stable storage (fdatasync).
         *
         * @throws IOException when the platform reports a failure
         */
        void force() throws IOException;

        /**
         * Cuts the file to {@code size} bytes; later appends go there.
         *
         * @param size the new size
         * @throws IOException when truncation fails
         */
        void truncate(long size) throws IOException;

        /**
         * The file's size.
         *
         * @return size in bytes
         * @throws IOException when it cannot be read
         */
        long size() throws IOException;

        /**
         * Renames the open file while it stays in use, so that the handle goes on with the file under
         * its new name: whenever the handle has to open the file again (a thread interrupt closed it),
         * it opens {@code target}, never a file created later under the old name. The handle opens
         * nothing while {@code rename} runs; when {@code rename} throws, the handle keeps the old name.
         *
         * @param target the file's new name
         * @param rename the rename itself, through {@link FileIO#atomicMove}
         * @throws IOException what {@code rename} throws
         */
        void moveTo(Path target, Rename rename) throws IOException;
    }

    /** A rename of an open file, run by {@link Handle#moveTo}. */
    @FunctionalInterface
    interface Rename {

        /**
         * Renames the file.
         *
         * @throws IOException when the rename failed and the file is still under its old name
         */
        void run() throws IOException;
    }

    /** {@link FileIO} over the JDK's {@link FileChannel} and {@link Files}. */
    final class NioFileIO implements FileIO {

        private static final Logger log = LoggerFactory.getLogger(NioFileIO.class);

        private volatile boolean directoryForceUnsupported;

        @Override
        public Handle open(Path path, boolean create, boolean truncate) throws IOException {
            return ChannelHandle.open(path, create, truncate);
        }

        @Override
        public byte[] readAll(Path path) throws IOException {
            return ChannelHandle.uninterruptibly(path, () -> Files.readAllBytes(path));
        }

        @Override
        public void atomicMove(Path source, Path target) throws IOException {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public void forceDirectory(Path directory) throws IOException {
            if (directoryForceUnsupported) {
                return;
            }
            try {
                ChannelHandle.uninterruptibly(directory, () -> {
                    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
                        channel.force(true);
                    }
                    return null;
                });
            } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
                // Some platforms (Windows) cannot open or force a directory: the rename is still atomic there.
                directoryForceUnsupported = true;
                log.debug("Directory fsync is not supported for {}; renames rely on the file system's ordering", directory, e);
            } catch (IOException e) {
                if (isUnsupported(e)) {
                    directoryForceUnsupported = true;
                    log.debug("Directory fsync is not supported for {}: {}", directory, e.toString());
                    return;
                }
                throw e;
            }
        }

        private static boolean isUnsupported(IOException e) {
            String message = String.valueOf(e.getMessage());
            return message.contains("Is a directory") || message.contains("Invalid argument");
        }

        @Override
        public boolean deleteIfExists(Path path) throws IOException {
            return Files.deleteIfExists(path);
        }

        @Override
        public List<Path> list(Path directory) throws IOException {
            try (Stream<Path> files = Files.list(directory)) {
                return files.filter(Files::isRegularFile).toList();
            }
        }

        @Override
        public long size(Path path) throws IOException {
            try {
                return Files.size(path);
            } catch (NoSuchFileException e) {
                return 0;
            }
        }
    }
}
