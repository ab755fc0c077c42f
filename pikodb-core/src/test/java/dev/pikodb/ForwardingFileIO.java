package dev.pikodb;

import dev.pikodb.internal.directory.io.FileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link FileIO} that forwards every call to another one, by default the real file system;
 * subclasses override the calls they want to observe, count, break or skip. Handles opened through
 * it pass through {@link #wrap}, where a subclass can put a {@link ForwardingHandle} of its own.
 */
public class ForwardingFileIO implements FileIO {

    /** The file layer every call goes to. */
    protected final FileIO delegate;

    /** Forwards to {@link FileIO#DEFAULT}. */
    protected ForwardingFileIO() {
        this(FileIO.DEFAULT);
    }

    /**
     * Forwards to {@code delegate}.
     *
     * @param delegate the file layer every call goes to
     */
    protected ForwardingFileIO(FileIO delegate) {
        this.delegate = delegate;
    }

    @Override
    public Handle open(Path path, boolean create, boolean truncate) throws IOException {
        return wrap(path, delegate.open(path, create, truncate));
    }

    /**
     * Wraps a handle just opened by {@link #open}; the default keeps it as is.
     *
     * @param path the file
     * @param handle the delegate's handle
     * @return the handle given to the store
     */
    protected Handle wrap(Path path, Handle handle) {
        return handle;
    }

    @Override
    public byte[] readAll(Path path) throws IOException {
        return delegate.readAll(path);
    }

    @Override
    public void atomicMove(Path source, Path target) throws IOException {
        delegate.atomicMove(source, target);
    }

    @Override
    public void forceDirectory(Path directory) throws IOException {
        delegate.forceDirectory(directory);
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        return delegate.deleteIfExists(path);
    }

    @Override
    public List<Path> list(Path directory) throws IOException {
        return delegate.list(directory);
    }

    @Override
    public long size(Path path) throws IOException {
        return delegate.size(path);
    }

    /** A {@link FileIO.Handle} that forwards every call to another one; subclasses override what they change. */
    public static class ForwardingHandle implements Handle {

        /** The handle every call goes to. */
        protected final Handle delegate;

        /**
         * Forwards to {@code delegate}.
         *
         * @param delegate the handle every call goes to
         */
        public ForwardingHandle(Handle delegate) {
            this.delegate = delegate;
        }

        @Override
        public void append(ByteBuffer source) throws IOException {
            delegate.append(source);
        }

        @Override
        public void force() throws IOException {
            delegate.force();
        }

        @Override
        public void truncate(long size) throws IOException {
            delegate.truncate(size);
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public void moveTo(Path target, Rename rename) throws IOException {
            delegate.moveTo(target, rename);
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
