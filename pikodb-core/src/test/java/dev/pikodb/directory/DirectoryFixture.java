package dev.pikodb.directory;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.TestFiles;
import dev.pikodb.tck.EngineFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The directory engine over a test's temporary directory: the default engine, behind the contract suite. */
final class DirectoryFixture implements EngineFixture {

    private final Path directory;

    DirectoryFixture(Path directory) {
        this.directory = directory;
    }

    @Override
    public DatabaseOptions.Builder options() {
        return DatabaseOptions.builder().databaseDirectory(directory);
    }

    /** The visible files of the directory: each one is a table. */
    @Override
    public List<String> storedTables() {
        return TestFiles.fileNames(directory).stream().filter(name -> !name.startsWith("."))
                .collect(Collectors.toList());
    }

    @Override
    public boolean sharesDataAcrossInstances() {
        return false;
    }
}
