package dev.pikodb.internal.directory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/** A buffered {@link OutputStream} over a {@link FileIO.Handle}; counts the bytes written. */
final class HandleOutputStream extends OutputStream {

    private final FileIO.Handle handle;
    private final ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
    private long written;

    HandleOutputStream(FileIO.Handle handle) {
        this.handle = handle;
    }

    @Override
    public void write(int b) throws IOException {
        if (!buffer.hasRemaining()) {
            drain();
        }
        buffer.put((byte) b);
        written++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            if (!buffer.hasRemaining()) {
                drain();
            }
            int chunk = Math.min(length, buffer.remaining());
            buffer.put(bytes, offset, chunk);
            offset += chunk;
            length -= chunk;
            written += chunk;
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
