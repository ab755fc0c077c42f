package dev.pikodb.internal.directory.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A buffered {@link OutputStream} over a {@link FileIO.Handle}; counts the bytes written. The buffer
 * starts small and doubles while it fills, up to {@link #MAX_BUFFER}: a small file (most tables) is
 * written in one call without allocating and clearing the large buffer a big file is written with.
 */
final class HandleOutputStream extends OutputStream {

    static final int MIN_BUFFER = 8 * 1024;
    static final int MAX_BUFFER = 256 * 1024;

    private final FileIO.Handle handle;
    private ByteBuffer buffer = ByteBuffer.allocate(MIN_BUFFER);
    private long written;

    HandleOutputStream(FileIO.Handle handle) {
        this.handle = handle;
    }

    @Override
    public void write(int b) throws IOException {
        if (!buffer.hasRemaining()) {
            makeRoom();
        }
        buffer.put((byte) b);
        written++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            if (!buffer.hasRemaining()) {
                makeRoom();
            }
            int chunk = Math.min(length, buffer.remaining());
            buffer.put(bytes, offset, chunk);
            offset += chunk;
            length -= chunk;
            written += chunk;
        }
    }

    /** The buffer is full: doubles it while below the maximum, writes it out once there. */
    private void makeRoom() throws IOException {
        if (buffer.capacity() < MAX_BUFFER) {
            ByteBuffer larger = ByteBuffer.allocate(Math.min(MAX_BUFFER, buffer.capacity() * 2));
            buffer.flip();
            larger.put(buffer);
            buffer = larger;
        } else {
            drain();
        }
    }

    @Override
    public void flush() throws IOException {
        drain();
    }

    private void drain() throws IOException {
        buffer.flip();
        handle.append(buffer);
        buffer.clear();
    }

    long written() {
        return written;
    }
}
