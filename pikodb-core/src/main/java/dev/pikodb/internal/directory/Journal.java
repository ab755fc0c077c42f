package dev.pikodb.internal.directory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The open, append-only journal of one table (format: {@link JournalFormat}). Not thread-safe: the
 * owning {@link Table} serialises access.
 */
final class Journal implements Closeable {

    private final FileIO.Handle handle;
    private final long headerLength;
    private long size;

    private Journal(FileIO.Handle handle, long headerLength, long size) {
        this.handle = handle;
        this.headerLength = headerLength;
        this.size = size;
    }

    /** Creates a new, empty journal (replacing any file at {@code path}). */
    static Journal create(FileIO io, Path directory, Path path, String table, boolean durable) throws IOException {
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
        return new Journal(handle, header.length, header.length);
    }

    /** Opens an existing journal whose valid content ends at {@code validLength}, cutting anything after. */
    static Journal open(FileIO io, Path path, String table, long validLength) throws IOException {
        FileIO.Handle handle = io.open(path, false, false);
        try {
            if (handle.size() != validLength) {
                handle.truncate(validLength);
                handle.force();
            }
        } catch (IOException e) {
            handle.close();
            throw e;
        }
        return new Journal(handle, JournalFormat.header(table).length, validLength);
    }

    void append(ByteBuffer frame) throws IOException {
        int length = frame.remaining();
        handle.append(frame);
        size += length;
    }

    void force() throws IOException {
        handle.force();
    }

    /** Empties the journal after its content has been written to the table file. */
    void reset() throws IOException {
        handle.truncate(headerLength);
        handle.force();
        size = headerLength;
    }

    boolean hasFrames() {
        return size > headerLength;
    }

    long size() {
        return size;
    }


    @Override
    public void close() throws IOException {
        handle.close();
    }
}
