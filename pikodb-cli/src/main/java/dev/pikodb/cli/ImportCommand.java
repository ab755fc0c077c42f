package dev.pikodb.cli;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDB;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pikodb import FILE}: stores the records of an {@code export} with their versions, timestamps,
 * expirations and dictionaries. A table that already holds records is refused (nothing more is
 * imported from that point); expired records are skipped.
 */
@Command(name = "import", description = "Store the records of an export (newline-delimited JSON) with their"
        + " versions, timestamps, expirations and dictionaries; refuses tables that already hold records")
final class ImportCommand extends DatabaseCommand {

    private static final int BATCH = 1000;

    @Parameters(index = "0", paramLabel = "FILE", description = "The export to read ('-' for standard input)")
    String input;

    @Override
    public Integer call() throws IOException {
        long total = input.equals("-") ? 0 : Files.size(Path.of(input));
        try (PikoDB db = open(true);
                BufferedReader reader = input.equals("-")
                        ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                        : Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8)) {
            Progress progress = Progress.on(err(), "import");
            Set<String> checked = new HashSet<>();
            Map<String, List<Map.Entry<String, DatabaseRecord>>> batches = new LinkedHashMap<>();
            long records = 0;
            long stored = 0;
            long bytes = 0;
            int number = 0;
            String text;
            while ((text = reader.readLine()) != null) {
                number++;
                bytes += text.length() + 1;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode line = Json.MAPPER.readTree(text);
                if (line.has("dictionary") && line.has("deflate")) {
                    Map<String, String> mapping = Json.MAPPER.convertValue(line.get("deflate"),
                            Json.MAPPER.getTypeFactory().constructMapType(Map.class, String.class, String.class));
                    db.addDictionary(line.get("dictionary").asString(), Dictionary.deflate(mapping));
                } else if (line.has("index")) {
                    db.createIndex(line.get("table").asString(), line.get("index").asString(),
                            line.get("path").asString());
                } else if (line.has("table") && line.has("key")) {
                    String table = line.get("table").asString();
                    if (checked.add(table) && db.getTableSize(table) > 0) {
                        throw new IllegalStateException("Table '" + table + "' already holds " + db.getTableSize(table)
                                + " record(s) (line " + number + " of " + input + "); import into an empty table,"
                                + " or delete it first. Records before this line were imported");
                    }
                    JsonNode expiration = line.get("expiration");
                    JsonNode dictionary = line.get("dictionary");
                    DatabaseRecord record = new DatabaseRecord(Json.MAPPER.treeToValue(line.get("value"), Object.class),
                            line.get("version").asLong(), line.get("timestamp").asLong(),
                            expiration == null || expiration.isNull() ? null : expiration.asLong(),
                            dictionary == null || dictionary.isNull() ? null : dictionary.asString());
                    List<Map.Entry<String, DatabaseRecord>> batch = batches.computeIfAbsent(table, t -> new ArrayList<>());
                    batch.add(Map.entry(line.get("key").asString(), record));
                    records++;
                    if (batch.size() == BATCH) {
                        stored += db.importRecords(table, batch);
                        batch.clear();
                        progress.progressed(records, bytes, 0);
                    }
                } else {
                    throw new IllegalArgumentException("Line " + number + " of " + input + " is not a record, a"
                            + " dictionary or an index of a PikoDB export: " + abbreviate(text));
                }
            }
            for (Map.Entry<String, List<Map.Entry<String, DatabaseRecord>>> batch : batches.entrySet()) {
                if (!batch.getValue().isEmpty()) {
                    stored += db.importRecords(batch.getKey(), batch.getValue());
                }
            }
            progress.done(records, bytes);
            if (stored < records) {
                err().printf("%,d expired record(s) skipped%n", records - stored);
            }
        }
        return 0;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
