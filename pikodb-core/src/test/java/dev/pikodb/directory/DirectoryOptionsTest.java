package dev.pikodb.directory;

import dev.pikodb.tck.OptionsContract;
import dev.pikodb.tck.EngineFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Options taking effect on the directory engine. */
class DirectoryOptionsTest extends OptionsContract {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }
}
