package dev.pikodb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.DatabaseRecord;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDB;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands on a real directory database. */
class DirectoryCommandsTest {

    @TempDir
    Path temp;

    Path data;

    @BeforeEach
    void fill() {
        data = temp.resolve("data");
        try (PikoDB db = open(data)) {
            db.addDictionary("sensors", Dictionary.deflate(Map.of("sensor", "s", "temperature", "t")));
            db.write("users", "alice", Map.of("name", "Alice"));
            db.write("users", "alice", Map.of("name", "Alice", "age", 31));
            db.write("users", "bob", Map.of("name", "Bob"), System.currentTimeMillis() + 3_600_000);
            db.write("readings", "r1", Map.of("sensor", "DHT22", "temperature", 23.5), null, "sensors");
        }
    }

    @Test
    void infoAndTablesDescribeTheDatabaseAndChangeNoFile() throws Exception {
        Map<String, byte[]> before = contents(data);
        Cli info = Cli.run("-d", data.toString(), "info");
        assertThat(info.exitCode()).isZero();
        assertThat(info.out()).contains("storage:      directory " + data.toAbsolutePath(), "tables:       2",
                "records:      3", "dictionaries: [sensors]");
        Cli tables = Cli.run("tables", "-d", data.toString());
        assertThat(tables.exitCode()).isZero();
        assertThat(tables.out()).containsPattern("readings +1 ").containsPattern("users +2 ");
        Map<String, byte[]> after = contents(data);
        assertThat(after).as("read-only").containsOnlyKeys(before.keySet());
        before.forEach((name, bytes) -> assertThat(after.get(name)).as(name).isEqualTo(bytes));
    }

    @Test
    void getPrintsTheRecordWithItsMetadata() {
        Cli get = Cli.run("-d", data.toString(), "get", "users", "alice");
        assertThat(get.exitCode()).isZero();
        assertThat(get.out()).contains("\"key\":\"alice\"", "\"value\":{", "\"version\":2", "\"expiration\":null");
        Cli missing = Cli.run("-d", data.toString(), "get", "users", "nobody");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("no record 'nobody' in table 'users'");
    }

    @Test
    void exportThenImportIsEqualRecordForRecord() throws Exception {
        Path export = temp.resolve("export.ndjson");
        Cli exported = Cli.run("-d", data.toString(), "export", "-o", export.toString());
        assertThat(exported.exitCode()).as(exported.err()).isZero();
        assertThat(exported.err()).contains("export: 3 records");
        List<String> lines = Files.readAllLines(export, StandardCharsets.UTF_8);
        assertThat(lines).first().asString().isEqualTo("{\"dictionary\":\"sensors\",\"deflate\":{\"sensor\":\"s\","
                + "\"temperature\":\"t\"}}");
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"key\":\"r1\"",
                "\"sensor\":\"DHT22\"", "\"temperature\":23.5", "\"dictionary\":\"sensors\""));

        Path copy = temp.resolve("copy");
        Files.createDirectories(copy);
        Cli imported = Cli.run("-d", copy.toString(), "import", export.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.err()).contains("import: 3 records");
        assertEqual(data, copy);

        Cli again = Cli.run("-d", copy.toString(), "import", export.toString());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("Table 'readings' already holds 1 record(s)");
    }

    @Test
    void backupAndCopyWriteDirectoryDatabases() {
        Cli backup = Cli.run("-d", data.toString(), "backup", temp.resolve("backup").toString());
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        assertThat(backup.out()).contains("backup written to " + temp.resolve("backup").toAbsolutePath()
                + ": 2 tables, 3 records");
        assertEqual(data, temp.resolve("backup"));

        Cli copy = Cli.run("-d", data.toString(), "copy", "--to-directory", temp.resolve("copy").toString());
        assertThat(copy.exitCode()).as(copy.err()).isZero();
        assertThat(copy.out()).contains("copied 2 tables, 3 records");
        assertEqual(data, temp.resolve("copy"));
        Cli refused = Cli.run("-d", data.toString(), "copy", "--to-directory", temp.resolve("copy").toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("Cannot copy table", "nothing was copied");
    }

    @Test
    void verifyReportsWhatAStartWouldDoWithoutChangingAnything() throws Exception {
        Cli clean = Cli.run("-d", data.toString(), "verify");
        assertThat(clean.exitCode()).isZero();
        assertThat(clean.out()).contains("2 tables, 3 records read", "OK");

        Files.writeString(data.resolve("broken"), "[[\"k\",{\"d\":", StandardCharsets.UTF_8);
        Map<String, byte[]> before = contents(data);
        Cli found = Cli.run("-d", data.toString(), "verify");
        assertThat(found.exitCode()).isEqualTo(1);
        assertThat(found.out()).contains("- would move aside " + data.toAbsolutePath().resolve("broken"),
                "1 finding(s); nothing was changed");
        assertThat(contents(data).keySet()).isEqualTo(before.keySet());
    }

    @Test
    void aDirectoryThatAnotherInstanceHoldsIsRefused() {
        try (PikoDB held = open(data)) {
            for (String command : List.of("info", "tables", "verify", "export")) {
                Cli refused = Cli.run("-d", data.toString(), command);
                assertThat(refused.exitCode()).as(command).isEqualTo(1);
                assertThat(refused.err()).as(command).contains("already open");
            }
        }
    }

    @Test
    void aMissingDirectoryIsReportedAndNotCreated() {
        Path missing = temp.resolve("missing");
        Cli info = Cli.run("-d", missing.toString(), "info");
        assertThat(info.exitCode()).isEqualTo(1);
        assertThat(info.err()).contains("does not exist");
        assertThat(Files.exists(missing)).isFalse();
        assertThat(Cli.run("info").err()).contains("Give the database");
    }

    @Test
    void progressIsPlainLinesWhenNotOnATerminal() {
        java.io.StringWriter text = new java.io.StringWriter();
        Progress progress = new Progress(new java.io.PrintWriter(text), "export", false);
        String line = progress.line(250_000, 25 * 1024 * 1024, 1_000_000, System.nanoTime() + 5_000_000_000L);
        assertThat(line).matches("export: 250,000 of 1,000,000 records \\(25%\\), [0-9,]+ records/s, [0-9.]+ MB/s,"
                + " about .* left");
        progress.done(10, 100);
        assertThat(text.toString()).doesNotContain("\r").startsWith("export: 10 records, 100 B in ");
    }

    static void assertEqual(Path expected, Path actual) {
        try (PikoDB a = open(expected); PikoDB b = open(actual)) {
            assertThat(b.listTables()).isEqualTo(a.listTables());
            for (String table : a.listTables()) {
                assertThat(records(b, table)).as(table).isEqualTo(records(a, table));
            }
        }
    }

    static Map<String, DatabaseRecord> records(PikoDB db, String table) {
        Map<String, DatabaseRecord> records = new TreeMap<>();
        db.getRecords(table).forEach(entry -> records.put(entry.getKey(), entry.getValue()));
        return records;
    }

    static PikoDB open(Path directory) {
        PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).build());
        db.start();
        return db;
    }

    private static Map<String, byte[]> contents(Path directory) throws Exception {
        Map<String, byte[]> contents = new LinkedHashMap<>();
        try (var files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                if (!file.getFileName().toString().equals(".lock")) {
                    contents.put(file.getFileName().toString(), Files.readAllBytes(file));
                }
            }
        }
        return contents;
    }
}
