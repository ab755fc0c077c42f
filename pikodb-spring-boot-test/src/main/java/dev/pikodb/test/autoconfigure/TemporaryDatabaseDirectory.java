package dev.pikodb.test.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * The temporary database directory of one test application context, a bean of every context of a
 * test with {@link AutoConfigurePikoDB} or {@link PikoDBTest}. It is deleted, with everything in it,
 * when the context closes, after every {@code PikoDB} bean has been closed.
 */
public final class TemporaryDatabaseDirectory implements DisposableBean {

    /** The name of this bean. */
    public static final String BEAN_NAME = "pikoDBTemporaryDatabaseDirectory";

    private static final Logger logger = LoggerFactory.getLogger(TemporaryDatabaseDirectory.class);

    private final Path path;

    private TemporaryDatabaseDirectory(Path path) {
        this.path = path;
    }

    /**
     * Creates a fresh, empty directory under the system's temporary directory.
     *
     * @return the directory
     * @throws UncheckedIOException when it cannot be created
     */
    static TemporaryDatabaseDirectory create() {
        try {
            Path path = Files.createTempDirectory("pikodb-test-");
            logger.debug("Test database directory {} created", path);
            return new TemporaryDatabaseDirectory(path);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot create a temporary PikoDB database directory under "
                    + System.getProperty("java.io.tmpdir") + ": " + ex.getMessage()
                    + ". Check that java.io.tmpdir exists and is writable.", ex);
        }
    }

    /**
     * The directory, the value of {@code pikodb.database-directory} in the context.
     *
     * @return the absolute path
     */
    public Path getPath() {
        return path;
    }

    /** Deletes the directory and everything in it; a failure is logged, not thrown. */
    @Override
    public void destroy() {
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
            logger.debug("Test database directory {} deleted", path);
        }
        catch (NoSuchFileException ex) {
            // Already gone.
        }
        catch (IOException ex) {
            logger.warn("Could not delete the test database directory {}: {}", path, ex.toString());
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
