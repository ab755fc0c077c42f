package dev.pikodb.directory;

import dev.pikodb.tck.EngineFixture;
import dev.pikodb.tck.QueriesDifferentialContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Queries compared with a model, and under concurrent writes, on the directory engine. */
class DirectoryQueriesDifferentialTest extends QueriesDifferentialContract {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }
}
