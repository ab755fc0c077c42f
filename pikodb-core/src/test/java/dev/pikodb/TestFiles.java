package dev.pikodb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * File helpers for the tests that work on database directories directly: copying a directory as a
 * killed process would leave it, listing, reading and writing files, and finding the file
 * descriptors this process holds open. Every {@link IOException} is rethrown unchecked.
 */
public final class TestFiles {

    /** The name of the directory lock file, which a copy leaves out. */
    public static final String LOCK = ".lock";

    private TestFiles() {
    }

    /**
     * Copies every regular file of {@code source} except the lock file into {@code target} (created,
     * emptied first). Taken while a store is open, this is exactly what SIGKILL leaves on disk: the
     * bytes a write(2) handed to the operating system are visible to every reader of the file.
     *
     * @param source the directory to copy
     * @param target the directory to create or replace
     * @return {@code target}
     */
    public static Path copyDirectory(Path source, Path target) {
        try {
            deleteTree(target);
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(source)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String name = file.getFileName().toString();
                    if (!name.equals(LOCK)) {
                        Files.copy(file, target.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy " + source + " to " + target, e);
        }
    }

    /**
     * Deletes a directory tree; nothing happens when it does not exist.
     *
     * @param root the directory
     */
    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + root, e);
        }
    }

    /**
     * The names of the files in a directory, hidden ones included, sorted.
     *
     * @param directory the directory
     * @return a new, modifiable list
     */
    public static List<String> fileNames(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return new ArrayList<>(files.map(p -> p.getFileName().toString()).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a whole file.
     *
     * @param file the file
     * @return its bytes
     */
    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates or replaces a file with the given bytes.
     *
     * @param file the file
     * @param bytes its new content
     */
    public static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The size of a file.
     *
     * @param file the file
     * @return its size in bytes
     */
    public static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The targets of this process's open file descriptors that lie inside {@code directory} (Linux,
     * through {@code /proc/self/fd}).
     *
     * @param directory the directory
     * @return the paths of the open files
     */
    public static List<String> openFilesUnder(Path directory) {
        List<String> open = new ArrayList<>();
        String prefix;
        try {
            prefix = directory.toRealPath().toString();
        } catch (IOException e) {
            prefix = directory.toAbsolutePath().toString();
        }
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(prefix)) {
                        open.add(target);
                    }
                } catch (IOException e) {
                    // The descriptor was closed while listing (e.g. the listing's own).
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return open;
    }

    /**
     * The number of file descriptors this process holds open (Linux), not counting the one used to
     * list them.
     *
     * @return the count
     */
    public static int openFileCount() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count() - 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
