package dev.pikodb.directory;

import dev.pikodb.tck.LifecycleContract;
import dev.pikodb.tck.EngineFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** start and close rules on the directory engine. */
class DirectoryLifecycleTest extends LifecycleContract {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }
}
