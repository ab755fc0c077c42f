package dev.pikodb.directory;

import dev.pikodb.tck.EngineFixture;
import dev.pikodb.tck.ValidationContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Validation of table names, keys and values on the directory engine. Each fixture has its own
 * directory under one temporary directory of the class, since the cases that share a database
 * outlive the test that opened it.
 */
class DirectoryValidationTest extends ValidationContract {

    @TempDir
    static Path databases;

    @Override
    protected EngineFixture newFixture() {
        try {
            return new DirectoryFixture(Files.createTempDirectory(databases, "db"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a database directory under " + databases, e);
        }
    }
}
