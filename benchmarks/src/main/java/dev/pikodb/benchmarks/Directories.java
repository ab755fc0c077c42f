package dev.pikodb.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** File-system helpers for the temporary databases of a run. */
public final class Directories {

    private Directories() {
    }

    /**
     * Copies the files of a directory (not recursively), skipping {@code .lock} and files that vanish
     * while being copied, as a process killed at that instant would leave them.
     *
     * @param source the directory of an open store
     * @param target a directory to create
     */
    public static void copyAsCrashed(Path source, Path target) {
        try {
            Files.createDirectories(target);
            for (Path file : list(source)) {
                if (file.getFileName().toString().equals(".lock") || !Files.isRegularFile(file)) {
                    continue;
                }
                try {
                    Files.copy(file, target.resolve(file.getFileName()));
                } catch (NoSuchFileException vanished) {
                    // renamed or deleted while copying: a crash at this instant would not have it either
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy " + source + " to " + target, e);
        }
    }

    /**
     * An empty directory for one store of a probe, in the run's work directory (the system property
     * {@code bench.workDir}, {@code target/bench-work} by default): what a former run left there is
     * deleted.
     *
     * @param name the directory's name
     * @return its path, not created
     * @throws UncheckedIOException when the work directory cannot be made
     */
    public static Path fresh(String name) {
        Path work = Path.of(System.getProperty("bench.workDir", "target/bench-work"));
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make the work directory " + work + "; check bench.workDir", e);
        }
        Path directory = work.resolve(name);
        delete(directory);
        return directory;
    }

    /**
     * Deletes a directory and everything in it; a missing directory is fine.
     *
     * @param directory the directory
     */
    public static void delete(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + directory + "; remove it by hand", e);
        }
    }

    /**
     * The total size of the regular files directly in a directory.
     *
     * @param directory the directory
     * @return bytes
     */
    public static long size(Path directory) {
        long total = 0;
        for (Path file : list(directory)) {
            try {
                if (Files.isRegularFile(file)) {
                    total += Files.size(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the size of " + file, e);
            }
        }
        return total;
    }

    private static List<Path> list(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + directory, e);
        }
    }
}
