package dev.pikodb.internal.directory.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Replaces a file so that a crash at any instant leaves either the old or the new content, never a
 * mix: write a hidden temporary file, force it, rename it over the target, force the directory.
 * Always forced, whatever the durability mode: callers rely on the new content being on disk before
 * they discard what it replaces.
 */
public final class AtomicFile {

    /** Writes the new content. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {
    }

    /**
     * Replaces {@code target} with {@code content}, going through {@code temp}.
     *
     * @return the number of bytes written
     * @throws IOException when any step fails; the target is then unchanged or fully replaced
     */
    public static long replace(FileIO io, Path directory, Path target, Path temp, Content content) throws IOException {
        return replace(io, directory, target, temp, content, true);
    }

    /**
     * Replaces {@code target} with {@code content}, going through {@code temp}; the directory force
     * may be left to the caller, who then forces it once for several replacements before relying on
     * any of them.
     *
     * @return the number of bytes written
     * @throws IOException when any step fails; the target is then unchanged or fully replaced
     */
    public static long replace(FileIO io, Path directory, Path target, Path temp, Content content, boolean forceDirectory)
            throws IOException {
        long written;
        try (FileIO.Handle handle = io.open(temp, true, true)) {
            HandleOutputStream out = new HandleOutputStream(handle);
            content.writeTo(out);
            out.flush();
            written = out.written();
            handle.force();
        } catch (IOException | RuntimeException e) {
            try {
                io.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        io.atomicMove(temp, target);
        if (forceDirectory) {
            io.forceDirectory(directory);
        }
        return written;
    }
}
