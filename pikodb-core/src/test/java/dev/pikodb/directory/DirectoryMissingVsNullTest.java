package dev.pikodb.directory;

import dev.pikodb.tck.MissingVsNullContract;
import dev.pikodb.tck.EngineFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Missing keys versus stored nulls on the directory engine. */
class DirectoryMissingVsNullTest extends MissingVsNullContract {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }
}
