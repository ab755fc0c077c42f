package dev.pikodb.directory;

import dev.pikodb.tck.TablesContract;
import dev.pikodb.tck.EngineFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Tables on the directory engine. */
class DirectoryTablesTest extends TablesContract {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }
}
