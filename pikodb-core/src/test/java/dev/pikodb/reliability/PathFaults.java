package dev.pikodb.reliability;

import dev.pikodb.ForwardingFileIO;
import dev.pikodb.internal.directory.io.FileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A {@link FileIO} over the real file system that fails chosen operations on chosen files, for as
 * long as a rule is set: deleting a file, creating one, writing or forcing it, forcing the directory.
 * Where {@link FaultyFileIO} fails the N-th call of a kind to sweep a workload, this one aims at one
 * step of one procedure (say, unlinking one table file) and keeps failing it until {@link #heal()}.
 */
final class PathFaults extends ForwardingFileIO {

    private static final Predicate<Path> NONE = path -> false;

    private volatile Predicate<Path> failDelete = NONE;
    private volatile Predicate<Path> failCreate = NONE;
    private volatile Predicate<Path> failAppend = NONE;
    private volatile Predicate<Path> failForce = NONE;
    private volatile boolean failForceDirectory;
    private final AtomicInteger faults = new AtomicInteger();

    PathFaults() {
        super(FileIO.DEFAULT);
    }

    /** Fails every deletion of a file whose name matches. */
    PathFaults failDelete(Predicate<Path> files) {
        failDelete = files;
        return this;
    }

    /** Fails every creation of a file whose name matches. */
    PathFaults failCreate(Predicate<Path> files) {
        failCreate = files;
        return this;
    }

    /** Fails every append to a file whose name matches, after writing half of the bytes. */
    PathFaults failAppend(Predicate<Path> files) {
        failAppend = files;
        return this;
    }

    /** Fails every force of a file whose name matches. */
    PathFaults failForce(Predicate<Path> files) {
        failForce = files;
        return this;
    }

    /** Fails every force of the directory. */
    PathFaults failForceDirectory(boolean fail) {
        failForceDirectory = fail;
        return this;
    }

    /** Every operation succeeds from now on. */
    void heal() {
        failDelete = NONE;
        failCreate = NONE;
        failAppend = NONE;
        failForce = NONE;
        failForceDirectory = false;
    }

    /** How many operations were failed. */
    int faults() {
        return faults.get();
    }

    /** Matches files by name. */
    static Predicate<Path> named(String fileName) {
        return path -> path.getFileName().toString().equals(fileName);
    }

    private IOException injected(String what, Path path) {
        faults.incrementAndGet();
        return new IOException("Injected failure: " + what + " " + path);
    }

    @Override
    public Handle open(Path path, boolean create, boolean truncate) throws IOException {
        if (create && failCreate.test(path)) {
            throw injected("cannot create", path);
        }
        return super.open(path, create, truncate);
    }

    @Override
    protected Handle wrap(Path path, Handle handle) {
        return new ForwardingHandle(handle) {
            @Override
            public void append(ByteBuffer source) throws IOException {
                if (failAppend.test(path)) {
                    ByteBuffer half = source.duplicate();
                    half.limit(half.position() + source.remaining() / 2);
                    super.append(half);
                    source.position(half.position());
                    throw injected("no space left writing", path);
                }
                super.append(source);
            }

            @Override
            public void force() throws IOException {
                if (failForce.test(path)) {
                    throw injected("cannot force", path);
                }
                super.force();
            }
        };
    }

    @Override
    public void forceDirectory(Path directory) throws IOException {
        if (failForceDirectory) {
            throw injected("cannot force directory", directory);
        }
        super.forceDirectory(directory);
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        if (failDelete.test(path)) {
            throw injected("cannot delete", path);
        }
        return super.deleteIfExists(path);
    }
}
