package dev.pikodb.directory;

import dev.pikodb.tck.VersioningContract;
import dev.pikodb.tck.EngineFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Versions, timestamps and compare-and-write on the directory engine. */
class DirectoryVersioningTest extends VersioningContract {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }
}
