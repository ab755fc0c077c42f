package dev.pikodb.crash;

import dev.pikodb.internal.FileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link FileIO} that forwards every call to the real file system; subclasses override the calls
 * they want to observe or break.
 */
class ForwardingFileIO implements FileIO {

    final FileIO delegate;

    ForwardingFileIO() {
        this(FileIO.DEFAULT);
    }

    ForwardingFileIO(FileIO delegate) {
        this.delegate = delegate;
    }

    @Override
    public Handle open(Path path, boolean create, boolean truncate) throws IOException {
        return wrap(path, delegate.open(path, create, truncate));
    }

    /** Wraps an opened handle; the default keeps it as is. */
    Handle wrap(Path path, Handle handle) {
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

    /** A handle that forwards every call. */
    static class ForwardingHandle implements Handle {

        final Handle delegate;

        ForwardingHandle(Handle delegate) {
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
        public void close() throws IOException {
            delegate.close();
        }
    }
}
