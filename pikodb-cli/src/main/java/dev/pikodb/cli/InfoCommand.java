package dev.pikodb.cli;

import dev.pikodb.PikoDB;
import dev.pikodb.TableSummary;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code pikodb info}: where the database is and what it holds. */
@Command(name = "info", description = "Show where the database is and what it holds (read-only)")
final class InfoCommand extends DatabaseCommand {

    @Override
    public Integer call() {
        try (PikoDB db = open(false)) {
            List<TableSummary> tables = db.tableSummaries();
            long records = tables.stream().mapToLong(TableSummary::records).sum();
            long bytes = tables.stream().mapToLong(TableSummary::bytesOnDisk).sum();
            out().printf("storage:      %s%n", db.storageDescription());
            out().printf("tables:       %,d%n", tables.size());
            out().printf("records:      %,d%n", records);
            if (db.databaseDirectory() != null) {
                out().printf("on disk:      %s%n", Progress.size(bytes));
            }
            out().printf("dictionaries: %s%n", db.storedDictionaries().keySet());
            db.quarantinedFiles().forEach(file -> out().printf("quarantined:  %s (%s)%n", file.movedTo(), file.reason()));
            db.ignoredFiles().forEach(file -> out().printf("ignored:      %s (%s)%n", file.file(), file.reason()));
        }
        return 0;
    }
}
