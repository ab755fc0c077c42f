package dev.pikodb.internal.directory;

import dev.pikodb.PikoDBException;
import dev.pikodb.internal.directory.io.DirectoryLock;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.internal.directory.load.TableLoader;
import dev.pikodb.internal.directory.records.Stats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Checks a database directory without changing anything: reads every table file and journal as a
 * start would (the loader's first phase, {@link TableLoader}) and reports what that start would move
 * aside, cut, remove or complete. Holds the directory's lock meanwhile, so it refuses a directory that
 * another process has open.
 */
public final class DirectoryCheck {

    /**
     * What the check found.
     *
     * @param tables the tables a start would open, with the records each holds (expired ones included)
     * @param findings one line per file a start would act on or ignore; empty when the directory is clean
     */
    public record Result(Map<String, Integer> tables, List<String> findings) {
    }

    private DirectoryCheck() {
    }

    /**
     * Checks a directory.
     *
     * @param directory the database directory
     * @return what a start would find
     * @throws PikoDBException when the directory is missing, held by another process, or cannot be read
     */
    public static Result check(Path directory) {
        Path absolute = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new PikoDBException("Database directory " + absolute + " does not exist");
        }
        try (DirectoryLock lock = DirectoryLock.acquire(absolute)) {
            DictionaryFile dictionaries = new DictionaryFile(absolute, FileIO.DEFAULT);
            String problem = dictionaries.load();
            TableLoader.Inspection inspection = new TableLoader(FileIO.DEFAULT, absolute, new Stats(), name -> name,
                    file -> { }, file -> { }).inspect(dictionaries.path(), problem);
            return new Result(inspection.tables(), inspection.findings());
        } catch (IOException e) {
            throw new PikoDBException("Cannot check " + absolute + ": " + e, e);
        }
    }
}
