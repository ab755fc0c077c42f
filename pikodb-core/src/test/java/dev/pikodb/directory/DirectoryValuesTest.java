package dev.pikodb.directory;

import dev.pikodb.tck.ValuesContract;
import dev.pikodb.tck.EngineFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Values and typed reads on the directory engine. */
class DirectoryValuesTest extends ValuesContract {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }
}
