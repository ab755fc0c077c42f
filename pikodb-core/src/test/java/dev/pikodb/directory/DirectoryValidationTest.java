package dev.pikodb.directory;

import dev.pikodb.tck.ValidationContract;
import dev.pikodb.tck.EngineFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Validation of table names, keys and values on the directory engine. */
class DirectoryValidationTest extends ValidationContract {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }
}
