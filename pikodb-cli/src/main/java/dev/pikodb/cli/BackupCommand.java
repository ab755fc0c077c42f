package dev.pikodb.cli;

import dev.pikodb.CopySummary;
import dev.pikodb.PikoDB;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code pikodb backup TARGET}: a backup as a directory database. A directory database is opened
 * read-only, so it must not be open in another process; to back up a running application's database,
 * call {@code PikoDB.backup} in it (or its actuator endpoint).
 */
@Command(name = "backup", description = "Write a backup as a directory database into TARGET (missing or empty)")
final class BackupCommand extends DatabaseCommand {

    @Parameters(index = "0", paramLabel = "TARGET")
    Path target;

    @Override
    public Integer call() {
        try (PikoDB db = open(false)) {
            Progress progress = Progress.on(err(), "backup");
            CopySummary summary = db.backup(target, progress);
            progress.done(summary.records(), summary.bytes());
            out().printf("backup written to %s: %d tables, %,d records%n", summary.target(), summary.tables(),
                    summary.records());
        }
        return 0;
    }
}
