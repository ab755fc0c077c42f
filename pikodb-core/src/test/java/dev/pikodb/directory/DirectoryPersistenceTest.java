package dev.pikodb.directory;

import dev.pikodb.tck.PersistenceContract;
import dev.pikodb.tck.EngineFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Persistence across restarts on the directory engine. */
class DirectoryPersistenceTest extends PersistenceContract {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }
}
