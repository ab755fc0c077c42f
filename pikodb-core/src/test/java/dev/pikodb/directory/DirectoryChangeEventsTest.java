package dev.pikodb.directory;

import dev.pikodb.tck.ChangeEventsContract;
import dev.pikodb.tck.EngineFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Change listeners on the directory engine. */
class DirectoryChangeEventsTest extends ChangeEventsContract {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }
}
