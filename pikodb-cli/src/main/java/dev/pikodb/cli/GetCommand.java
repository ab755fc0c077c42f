package dev.pikodb.cli;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code pikodb get TABLE KEY}: one record with its metadata, as JSON. */
@Command(name = "get", description = "Print one record with its version, timestamp, expiration and dictionary"
        + " as JSON (read-only); exit code 1 when it is missing")
final class GetCommand extends DatabaseCommand {

    @Parameters(index = "0", paramLabel = "TABLE")
    String table;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Override
    public Integer call() {
        try (PikoDB db = open(false)) {
            Optional<DatabaseRecord> record = db.getRecord(table, key);
            if (record.isEmpty()) {
                err().printf("pikodb: no record '%s' in table '%s'%n", key, table);
                return 1;
            }
            out().println(Json.write(Json.record(table, key, record.get())));
        }
        return 0;
    }
}
