package dev.pikodb.reliability;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/** File helpers shared by the reliability tests. */
final class TestFiles {

    private TestFiles() {
    }

    /** The file names in a directory, sorted. */
    static List<String> names(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return new ArrayList<>(files.map(p -> p.getFileName().toString()).collect(
                    java.util.stream.Collectors.toCollection(TreeSet::new)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the regular files of {@code from} (except the lock) into a new or empty {@code to}. */
    static void copyDirectory(Path from, Path to) {
        try {
            Files.createDirectories(to);
            try (Stream<Path> files = Files.list(from)) {
                for (Path file : files.toList()) {
                    String name = file.getFileName().toString();
                    if (Files.isRegularFile(file) && !name.equals(".lock")) {
                        Files.copy(file, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory tree. */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The targets of this process's open file descriptors that lie inside {@code directory}. */
    static List<String> openFilesUnder(Path directory) {
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

    /** The number of entries in /proc/self/fd. */
    static int openFileCount() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count() - 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code body} with the store's logging switched off: the fault loops provoke thousands of
     * expected ERROR lines.
     */
    static <T> T quietly(Supplier<T> body) {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.pikodb");
        Level previous = logger.getLevel();
        logger.setLevel(Level.OFF);
        try {
            return body.get();
        } finally {
            logger.setLevel(previous);
        }
    }
}
