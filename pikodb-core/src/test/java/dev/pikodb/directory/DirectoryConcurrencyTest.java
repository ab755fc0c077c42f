package dev.pikodb.directory;

import dev.pikodb.tck.ConcurrencyContract;
import dev.pikodb.tck.EngineFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Thread safety on the directory engine. */
class DirectoryConcurrencyTest extends ConcurrencyContract {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }
}
