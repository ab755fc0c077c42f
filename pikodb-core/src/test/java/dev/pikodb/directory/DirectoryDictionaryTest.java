package dev.pikodb.directory;

import dev.pikodb.tck.DictionaryContract;
import dev.pikodb.tck.EngineFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Dictionaries on the directory engine. */
class DirectoryDictionaryTest extends DictionaryContract {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }
}
