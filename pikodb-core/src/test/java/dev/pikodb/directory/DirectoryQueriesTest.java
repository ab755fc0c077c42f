package dev.pikodb.directory;

import dev.pikodb.tck.EngineFixture;
import dev.pikodb.tck.QueriesContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Secondary indexes and queries on the directory engine. */
class DirectoryQueriesTest extends QueriesContract {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }
}
