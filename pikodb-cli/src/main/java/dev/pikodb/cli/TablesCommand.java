package dev.pikodb.cli;

import dev.pikodb.PikoDB;
import dev.pikodb.TableSummary;
import picocli.CommandLine.Command;

/** {@code pikodb tables}: every table with its figures. */
@Command(name = "tables", description = "List the tables with their records and bytes on disk (read-only)")
final class TablesCommand extends DatabaseCommand {

    @Override
    public Integer call() {
        try (PikoDB db = open(false)) {
            out().printf("%-30s %12s %14s %14s%n", "TABLE", "RECORDS", "FILE BYTES", "JOURNAL BYTES");
            for (TableSummary table : db.tableSummaries()) {
                out().printf("%-30s %,12d %,14d %,14d%n", table.name(), table.records(), table.fileBytes(),
                        table.journalBytes());
            }
        }
        return 0;
    }
}
