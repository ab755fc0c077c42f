package dev.pikodb.reliability;

import dev.pikodb.ForwardingFileIO;
import dev.pikodb.NoSyncFileIO;
import dev.pikodb.internal.directory.io.FileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link FileIO} over the real file system that counts every call per kind of operation and can
 * make the N-th call of one kind fail, either once or from then on (a disk that stays full or
 * broken). Every operation can fail: file content (open, read, append, force, truncate) and the
 * directory (create, rename, delete, list, force of the directory). A failing {@code append} first writes a prefix of the buffer, as a write that runs out of
 * space does, then throws {@code IOException("No space left on device")}.
 *
 * <p>The fault loops put it over {@link NoSyncFileIO}: forces are counted and can fail all the same,
 * but they check the store's logic, not the hardware, and fsync would dominate their running time.
 */
final class FaultyFileIO extends ForwardingFileIO {

    /** The operations that can be made to fail. */
    enum Kind {
        APPEND, FORCE, ATOMIC_MOVE, FORCE_DIRECTORY, OPEN_CREATE, OPEN_EXISTING, TRUNCATE, DELETE, LIST, READ
    }

    /** Whether an injected fault happens once or for every later call of its kind too. */
    enum Mode {
        ONCE, PERSISTENT
    }

    /** Where an injected fault happened. */
    record Fault(Kind kind, int call, Path path, String stack) {
    }

    private final Map<Kind, Integer> calls = new EnumMap<>(Kind.class);
    private Kind failKind;
    private int failAt;
    private Mode mode;
    private int partialNumerator;
    private Fault firstFault;
    private int faults;

    /**
     * Creates the layer.
     *
     * @param delegate the file system: {@link FileIO#DEFAULT}, or {@link NoSyncFileIO#INSTANCE} to skip
     *     fsync
     */
    FaultyFileIO(FileIO delegate) {
        super(delegate);
        for (Kind kind : Kind.values()) {
            calls.put(kind, 0);
        }
    }

    /**
     * Arms a fault.
     *
     * @param kind the operation
     * @param at the 1-based call of that operation, counted from now on, that fails
     * @param mode once, or that call and every later one
     * @param partialNumerator for appends: the failing call first writes {@code remaining * n / 2}
     *     bytes (0, half, or all but one for n = 2)
     */
    synchronized void failAt(Kind kind, int at, Mode mode, int partialNumerator) {
        for (Kind each : Kind.values()) {
            calls.put(each, 0);
        }
        this.failKind = kind;
        this.failAt = at;
        this.mode = mode;
        this.partialNumerator = partialNumerator;
        this.firstFault = null;
        this.faults = 0;
    }

    /** Disarms: every call succeeds from now on. */
    synchronized void heal() {
        failKind = null;
    }

    synchronized int calls(Kind kind) {
        return calls.get(kind);
    }

    synchronized Map<Kind, Integer> callCounts() {
        return new EnumMap<>(calls);
    }

    synchronized Fault firstFault() {
        return firstFault;
    }

    synchronized int faults() {
        return faults;
    }

    /** Counts a call; returns true when it must fail. */
    private synchronized boolean count(Kind kind, Path path) {
        int call = calls.merge(kind, 1, Integer::sum);
        if (kind != failKind) {
            return false;
        }
        boolean fail = mode == Mode.ONCE ? call == failAt : call >= failAt;
        if (fail) {
            faults++;
            if (firstFault == null) {
                StringBuilder stack = new StringBuilder();
                for (StackTraceElement element : new Throwable().getStackTrace()) {
                    if (element.getClassName().startsWith("dev.pikodb.internal")) {
                        stack.append("\n    at ").append(element);
                    }
                }
                firstFault = new Fault(kind, call, path, stack.toString());
            }
        }
        return fail;
    }

    private static IOException injected(Kind kind, Path path) {
        return new IOException("Injected " + kind + " failure on " + path);
    }

    @Override
    public Handle open(Path path, boolean create, boolean truncate) throws IOException {
        Kind kind = create ? Kind.OPEN_CREATE : Kind.OPEN_EXISTING;
        if (count(kind, path)) {
            throw injected(kind, path);
        }
        return super.open(path, create, truncate);
    }

    @Override
    protected Handle wrap(Path path, Handle handle) {
        return new FaultyHandle(handle, path);
    }

    @Override
    public void atomicMove(Path source, Path target) throws IOException {
        if (count(Kind.ATOMIC_MOVE, target)) {
            throw injected(Kind.ATOMIC_MOVE, source);
        }
        super.atomicMove(source, target);
    }

    @Override
    public void forceDirectory(Path directory) throws IOException {
        if (count(Kind.FORCE_DIRECTORY, directory)) {
            throw injected(Kind.FORCE_DIRECTORY, directory);
        }
        super.forceDirectory(directory);
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        if (count(Kind.DELETE, path)) {
            throw injected(Kind.DELETE, path);
        }
        return super.deleteIfExists(path);
    }

    @Override
    public List<Path> list(Path directory) throws IOException {
        if (count(Kind.LIST, directory)) {
            throw injected(Kind.LIST, directory);
        }
        return super.list(directory);
    }

    @Override
    public byte[] readAll(Path path) throws IOException {
        if (count(Kind.READ, path)) {
            throw injected(Kind.READ, path);
        }
        return super.readAll(path);
    }

    private final class FaultyHandle extends ForwardingHandle {

        private final Path path;

        FaultyHandle(Handle handle, Path path) {
            super(handle);
            this.path = path;
        }

        @Override
        public void append(ByteBuffer source) throws IOException {
            if (count(Kind.APPEND, path)) {
                int prefix = (int) ((long) source.remaining() * partialNumerator / 2);
                if (partialNumerator == 2) {
                    prefix = Math.max(0, source.remaining() - 1);
                }
                if (prefix > 0) {
                    ByteBuffer part = source.duplicate();
                    part.limit(part.position() + prefix);
                    super.append(part);
                    source.position(source.position() + prefix);
                }
                throw new IOException("No space left on device");
            }
            super.append(source);
        }

        @Override
        public void force() throws IOException {
            if (count(Kind.FORCE, path)) {
                throw injected(Kind.FORCE, path);
            }
            super.force();
        }

        @Override
        public void truncate(long size) throws IOException {
            if (count(Kind.TRUNCATE, path)) {
                throw injected(Kind.TRUNCATE, path);
            }
            super.truncate(size);
        }
    }
}
