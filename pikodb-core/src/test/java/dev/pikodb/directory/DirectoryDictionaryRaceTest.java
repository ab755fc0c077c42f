package dev.pikodb.directory;

import dev.pikodb.tck.DictionaryRaceContract;
import dev.pikodb.tck.EngineFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Dictionary registration racing writes on the directory engine. */
class DirectoryDictionaryRaceTest extends DictionaryRaceContract {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }
}
