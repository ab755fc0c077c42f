package dev.pikodb.directory;

import dev.pikodb.tck.ExpirationContract;
import dev.pikodb.tck.EngineFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Expiration on the directory engine. */
class DirectoryExpirationTest extends ExpirationContract {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }
}
