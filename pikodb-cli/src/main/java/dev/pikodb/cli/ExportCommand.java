package dev.pikodb.cli;

import dev.pikodb.PikoDB;
import dev.pikodb.TableSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pikodb export}: the database as newline-delimited JSON, readable by any tool. First one line
 * per dictionary ({@code {"dictionary":"sensors","deflate":{...}}}) and per index definition
 * ({@code {"index":"owner","table":"orders","path":"/owner"}}), then one line per record:
 * <pre>{"table":"users","key":"alice","value":{"name":"Alice"},"version":2,"timestamp":1732400000000,"expiration":null,"dictionary":null}</pre>
 * Values are written with their original keys (inflated); {@code dictionary} names the dictionary the
 * record was stored with, so that {@code import} stores it the same way.
 */
@Command(name = "export", description = "Write every record as newline-delimited JSON with its version,"
        + " timestamp, expiration and dictionary (read-only)")
final class ExportCommand extends DatabaseCommand {

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "The file to write (default: standard output)")
    Path output;

    @Option(names = {"-t", "--table"}, paramLabel = "TABLE", description = "Only these tables (repeatable)")
    List<String> tables;

    @Override
    public Integer call() throws IOException {
        try (PikoDB db = open(false);
                Writer file = output == null ? null : Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            Writer target = file == null ? out() : file;
            List<String> chosen = tables == null ? db.listTables() : tables;
            long expected = db.tableSummaries().stream().filter(summary -> chosen.contains(summary.name()))
                    .mapToLong(TableSummary::records).sum();
            Progress progress = Progress.on(err(), "export");
            long[] counts = new long[2];
            for (Map.Entry<String, dev.pikodb.Dictionary> dictionary : db.storedDictionaries().entrySet()) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("dictionary", dictionary.getKey());
                line.put("deflate", new java.util.TreeMap<>(dictionary.getValue().deflateMapping()));
                writeLine(target, line, counts);
            }
            for (String table : chosen) {
                for (Map.Entry<String, String> index : indexes(db, table).entrySet()) {
                    writeLine(target, Map.of("index", index.getKey(), "table", table, "path", index.getValue()), counts);
                }
            }
            long[] records = {0};
            for (String table : chosen) {
                db.forEachRecord(table, (key, record) -> {
                    writeLine(target, Json.record(table, key, record), counts);
                    records[0]++;
                    progress.progressed(records[0], counts[1], expected);
                });
            }
            target.flush();
            progress.done(records[0], counts[1]);
        }
        return 0;
    }

    private static Map<String, String> indexes(PikoDB db, String table) {
        try {
            return db.listIndexes(table);
        } catch (UnsupportedOperationException e) {
            return Map.of();
        }
    }

    private static void writeLine(Writer writer, Object line, long[] counts) {
        String json = Json.write(line);
        try {
            writer.write(json);
            writer.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the export: " + e.getMessage(), e);
        }
        counts[0]++;
        counts[1] += json.length() + 1;
    }
}
