package dev.pikodb.cli;

import dev.pikodb.internal.directory.DirectoryCheck;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code pikodb verify}: reads every table file and journal of a directory as a start would, and
 * reports what that start would move aside, cut or remove, without changing anything. Exit code 0
 * when nothing would be, 1 otherwise.
 */
@Command(name = "verify", description = "Check every table file and journal of a directory and report what a"
        + " start would set aside, cut or remove, changing nothing; exit code 1 when it finds something")
final class VerifyCommand extends DatabaseCommand {

    @Override
    public Integer call() {
        Path directory = location().directory();
        if (directory == null) {
            throw new IllegalArgumentException("verify checks a directory database: give -d DIR (a Redis server"
                    + " checks its own data)");
        }
        DirectoryCheck.Result result = DirectoryCheck.check(directory);
        long records = 0;
        for (Map.Entry<String, Integer> table : result.tables().entrySet()) {
            records += table.getValue();
        }
        out().printf("%d tables, %,d records read%n", result.tables().size(), records);
        if (result.findings().isEmpty()) {
            out().println("OK: a start would open every table as it is");
            return 0;
        }
        result.findings().forEach(line -> out().println("- " + line));
        out().printf("%d finding(s); nothing was changed%n", result.findings().size());
        return 1;
    }
}
