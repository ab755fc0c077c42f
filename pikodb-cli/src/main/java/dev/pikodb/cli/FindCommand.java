package dev.pikodb.cli;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import dev.pikodb.Query;
import dev.pikodb.QueryResult;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pikodb find TABLE --eq /path=value ...}: records that match, answered from the table's
 * indexes (never by reading the whole table), as one JSON line each.
 */
@Command(name = "find", description = "Print the records that match, as JSON lines, from the table's indexes"
        + " (read-only)")
final class FindCommand extends DatabaseCommand {

    @Parameters(index = "0", paramLabel = "TABLE")
    String table;

    @Option(names = "--eq", paramLabel = "PATH=VALUE", description = "A condition: the value at PATH (a JSON"
            + " Pointer, or 'key' for the record's key) equals VALUE (JSON: 42, true, \"text\"; else taken as text)")
    Map<String, String> equal = Map.of();

    @Option(names = "--prefix-of-key", paramLabel = "PREFIX", description = "Keys starting with PREFIX")
    String keyPrefix;

    @Option(names = "--limit", defaultValue = "100", description = "At most this many records (default: ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() {
        Query query = keyPrefix == null ? Query.all() : Query.prefix(Query.KEY, keyPrefix);
        for (Map.Entry<String, String> condition : equal.entrySet()) {
            String path = condition.getKey().equals("key") ? Query.KEY : condition.getKey();
            query = query.and(Query.eq(path, parse(condition.getValue())));
        }
        try (PikoDB db = open(false)) {
            QueryResult result = db.find(table, query.limit(limit));
            for (Map.Entry<String, DatabaseRecord> entry : result.records()) {
                out().println(Json.write(Json.record(table, entry.getKey(), entry.getValue())));
            }
            result.nextCursor().ifPresent(cursor -> err().println("more records match; the next page starts after "
                    + cursor));
        }
        return 0;
    }

    private static Object parse(String value) {
        try {
            Object parsed = Json.MAPPER.readValue(value, Object.class);
            return parsed instanceof String || parsed instanceof Number || parsed instanceof Boolean ? parsed : value;
        } catch (RuntimeException e) {
            return value;
        }
    }
}
