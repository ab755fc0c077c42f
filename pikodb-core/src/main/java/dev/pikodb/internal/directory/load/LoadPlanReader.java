package dev.pikodb.internal.directory.load;

import dev.pikodb.IgnoredFile;
import dev.pikodb.internal.Validation;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.internal.directory.io.FileNames;
import dev.pikodb.internal.directory.journal.JournalFormat;
import dev.pikodb.internal.directory.journal.JournalReader;
import dev.pikodb.internal.directory.load.LoadPlan.Aside;
import dev.pikodb.internal.directory.load.LoadPlan.Loaded;
import dev.pikodb.internal.directory.records.Records;
import dev.pikodb.internal.directory.records.Stats;
import dev.pikodb.internal.directory.tablefile.DropMarker;
import dev.pikodb.internal.directory.tablefile.TableFileFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first phase of a start, which only reads: lists the directory, reads every table file and
 * journal, checks journal headers (a header torn while the journal was being created is a leftover;
 * any other damage is kept aside), replays the journals, and decides in a {@link LoadPlan} what the
 * second phase ({@link LoadPlanActions}) will move aside, copy, cut or delete. It changes no file, so
 * a start that fails here has changed nothing.
 */
final class LoadPlanReader {

    /** The start's messages are all logged under {@link TableLoader}. */
    private static final Logger log = LoggerFactory.getLogger(TableLoader.class);

    private final FileIO io;
    private final Path directory;
    private final Stats stats;
    private final JournalFormat.Interner dictionaries;

    LoadPlanReader(FileIO io, Path directory, Stats stats, JournalFormat.Interner dictionaries) {
        this.io = io;
        this.directory = directory;
        this.stats = stats;
        this.dictionaries = dictionaries;
    }

    /**
     * Lists the directory, then reads the journals and the tables, several at a time
     * ({@link ParallelReads}): every file is read on its own, and what is decided from it is taken
     * in listing order, so the plan does not depend on which read finished first.
     */
    LoadPlan read() throws IOException {
        LoadPlan plan = new LoadPlan();
        List<Path> files = io.list(directory);
        for (Path path : files) {
            if (FileNames.isDropMarker(path.getFileName().toString())) {
                plan.dropMarkers.add(path);
                String table = DropMarker.tableOf(io, directory, path);
                if (table != null) {
                    plan.dropped.add(table);
                }
            }
        }
        List<String> tableFiles = new ArrayList<>();
        List<Path> journalFiles = new ArrayList<>();
        Map<String, byte[]> journals = new LinkedHashMap<>();
        Map<String, byte[]> retiredJournals = new LinkedHashMap<>();
        for (Path path : files) {
            String fileName = path.getFileName().toString();
            if (FileNames.isDropMarker(fileName)) {
                continue;
            }
            if (FileNames.isCompactionTemp(fileName) || fileName.equals(FileNames.DICTIONARIES + ".new")
                    || fileName.equals(FileNames.INDEXES + ".new")
                    || FileNames.isNodeLeftover(fileName)) {
                plan.leftovers.add(path);
            } else if (FileNames.isJournal(fileName) || FileNames.isRetiredJournal(fileName)) {
                journalFiles.add(path);
            } else if (!fileName.startsWith(".")) {
                String problem = FileNames.isTemporary(fileName)
                        ? "its name ends in '.tmp' or contains '.tmp.', as temporary files' names do"
                        : Validation.tableNameProblem(fileName);
                if (problem != null) {
                    plan.ignored.add(new IgnoredFile(path, problem));
                } else if (!plan.dropped.contains(fileName)) {
                    tableFiles.add(fileName);
                }
            }
        }
        byte[][] journalBytes = new byte[journalFiles.size()][];
        ParallelReads.run(journalFiles.size(), "pikodb-start",
                i -> journalBytes[i] = io.readAll(journalFiles.get(i)));
        for (int i = 0; i < journalFiles.size(); i++) {
            Path path = journalFiles.get(i);
            boolean retired = FileNames.isRetiredJournal(path.getFileName().toString());
            readJournalOwner(path, journalBytes[i], retired ? retiredJournals : journals, plan, retired);
            journalBytes[i] = null;
        }
        record TableFiles(String table, boolean hasFile, byte[] retired, byte[] journal) {
        }
        List<TableFiles> tables = new ArrayList<>();
        for (String table : tableFiles) {
            tables.add(new TableFiles(table, true, retiredJournals.remove(table), journals.remove(table)));
        }
        for (Map.Entry<String, byte[]> orphan : retiredJournals.entrySet()) {
            tables.add(new TableFiles(orphan.getKey(), false, orphan.getValue(), journals.remove(orphan.getKey())));
        }
        for (Map.Entry<String, byte[]> orphan : journals.entrySet()) {
            tables.add(new TableFiles(orphan.getKey(), false, null, orphan.getValue()));
        }
        journals.clear();
        retiredJournals.clear();
        LoadPlan[] read = new LoadPlan[tables.size()];
        ParallelReads.run(tables.size(), "pikodb-start", i -> {
            TableFiles table = tables.get(i);
            read[i] = new LoadPlan();
            readTable(table.table(), table.hasFile(), table.retired(), table.journal(), read[i]);
        });
        for (LoadPlan table : read) {
            plan.add(table);
        }
        return plan;
    }

    private void readJournalOwner(Path path, byte[] bytes, Map<String, byte[]> journals, LoadPlan plan, boolean retired) {
        JournalFormat.Header header = JournalFormat.readHeader(bytes);
        if (header == null) {
            // A retired journal was a complete journal when it was renamed: its header cannot be torn.
            if (!retired && isTornHeader(bytes, path.getFileName().toString())) {
                log.warn("Removing {}: its header was never completely written (a crash while creating it)", path);
                plan.leftovers.add(path);
            } else {
                plan.aside.add(new Aside(path.getFileName().toString(), path, "the journal header is damaged", null));
            }
            return;
        }
        if (plan.dropped.contains(header.table())) {
            return;
        }
        Path expected = retired ? FileNames.retiredJournal(directory, header.table())
                : FileNames.journal(directory, header.table());
        if (Validation.tableNameProblem(header.table()) != null || !expected.equals(path)) {
            plan.aside.add(new Aside(header.table(), path, "the journal does not belong to a valid table name", null));
            return;
        }
        journals.put(header.table(), bytes);
    }

    /**
     * Whether a journal without a valid header is one whose creation was cut short, and so holds no
     * write: it is all zeros, or a strict prefix of the header its file name implies. Anything else
     * (a damaged header in front of frames) is kept aside, never deleted.
     */
    private static boolean isTornHeader(byte[] bytes, String fileName) {
        if (allZero(bytes)) {
            return true;
        }
        String table = fileName.substring(1, fileName.length() - ".journal".length());
        byte[] expected = JournalFormat.header(table);
        if (bytes.length < expected.length && Arrays.equals(bytes, 0, bytes.length, expected, 0, bytes.length)) {
            return true;
        }
        // A shortened (hashed) file name does not spell the table name: accept a header cut inside the name.
        int nameLength = bytes.length >= 10 ? ((bytes[8] & 0xff) << 8) | (bytes[9] & 0xff) : -1;
        return table.contains("~") && nameLength > 0 && nameLength <= Validation.MAX_TABLE_NAME_BYTES
                && bytes.length < 10 + nameLength + 4
                && Arrays.equals(bytes, 0, JournalFormat.MAGIC.length, JournalFormat.MAGIC, 0, JournalFormat.MAGIC.length);
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** Reads one table into {@code plan}; runs beside the reading of other tables, each with its own plan. */
    private void readTable(String table, boolean hasFile, byte[] retiredBytes, byte[] journalBytes, LoadPlan plan)
            throws IOException {
        boolean[] usesDictionaries = {false};
        JournalFormat.Interner dictionaries = name -> {
            usesDictionaries[0] = true;
            return this.dictionaries.intern(name);
        };
        Path file = directory.resolve(table);
        Path journalPath = FileNames.journal(directory, table);
        Path retiredPath = FileNames.retiredJournal(directory, table);
        Records records = null;
        long fileBytes = 0;
        if (hasFile) {
            byte[] bytes = io.readAll(file);
            String problem = null;
            try {
                records = TableFileFormat.read(bytes, stats, dictionaries);
            } catch (TableFileFormat.MalformedTableFileException e) {
                problem = e.getMessage();
            } catch (RuntimeException e) {
                // Whatever the parser throws, it concerns this file alone: the other tables open.
                problem = e.toString();
            }
            if (problem != null) {
                plan.aside.add(new Aside(table, file, "the table file cannot be parsed: " + problem, null));
                if (retiredBytes != null) {
                    plan.aside.add(new Aside(table, retiredPath,
                            "its table file cannot be parsed, so its retired journal has no base", null));
                }
                if (journalBytes != null) {
                    plan.aside.add(new Aside(table, journalPath,
                            "its table file cannot be parsed, so its journal has no base", null));
                }
                return;
            }
            fileBytes = bytes.length;
        }
        if (records == null) {
            records = new Records(stats);
        }
        long retiredLength = -1;
        boolean gap = false;
        if (retiredBytes != null) {
            JournalReader.Result result = JournalReader.replay(retiredBytes, records, dictionaries);
            gap = result.ending() != JournalReader.Ending.CLEAN && journalBytes != null
                    && journalBytes.length > JournalFormat.header(table).length;
            if (gap) {
                String reason = "retired journal " + (result.ending() == JournalReader.Ending.TORN ? "cut" : "damaged")
                        + " at byte " + result.validLength() + " while the journal after it holds writes; the table"
                        + " opened with the " + result.frames() + " writes of the retired journal before that point";
                log.error("Retired journal {} of table '{}' does not end cleanly (byte {}) and the journal {} holds"
                        + " later writes, which follow a gap: a copy of the retired journal is kept, the journal is"
                        + " moved aside, and the table opens with the {} writes before the gap", retiredPath,
                        Validation.printable(table), result.validLength(), journalPath, result.frames());
                plan.aside.add(new Aside(table, retiredPath, reason, retiredBytes));
                plan.aside.add(new Aside(table, journalPath, "it follows a gap in the retired journal " + retiredPath,
                        null));
            } else {
                reportEnding("retired journal", retiredPath, retiredBytes, result, table, plan);
            }
            retiredLength = result.validLength();
        }
        long journalLength = -1;
        // After a gap the journal is moved aside, not replayed.
        if (journalBytes != null && !gap) {
            JournalReader.Result result = JournalReader.replay(journalBytes, records, dictionaries);
            reportEnding("journal", journalPath, journalBytes, result, table, plan);
            journalLength = result.validLength();
        }
        if (usesDictionaries[0]) {
            records.collectDictionaryNames(plan.dictionaryNamesInUse);
        }
        plan.tables.add(new Loaded(table, records, hasFile, fileBytes, journalLength,
                journalBytes == null ? -1 : journalBytes.length, retiredLength,
                retiredBytes == null ? -1 : retiredBytes.length));
    }

    /**
     * Reports how a replayed journal ends: a torn tail is logged (it is cut in the second phase), and
     * damage before valid frames is logged and a copy of the whole journal kept aside.
     *
     * @param label "journal" or "retired journal", for the messages
     */
    private static void reportEnding(String label, Path path, byte[] bytes, JournalReader.Result result, String table,
            LoadPlan plan) {
        String name = Character.toUpperCase(label.charAt(0)) + label.substring(1);
        switch (result.ending()) {
            case CLEAN -> {
            }
            case TORN -> log.warn("{} {} of table '{}' ends in an incomplete write at byte {} (a crash while writing);"
                    + " cutting off the last {} bytes, which were never acknowledged", name, path,
                    Validation.printable(table), result.validLength(), bytes.length - result.validLength());
            case DAMAGED -> {
                String reason = label + " damaged at byte " + result.validLength() + " with valid writes after it;"
                        + " the table opened with the " + result.frames() + " writes before the damage";
                log.error("{} {} of table '{}' is damaged at byte {} and valid frames follow: this is not a torn"
                        + " write. A copy is kept; the table opens with the {} writes before the damage", name, path,
                        Validation.printable(table), result.validLength(), result.frames());
                plan.aside.add(new Aside(table, path, reason, bytes));
            }
            case BAD_HEADER -> throw new IllegalStateException("journal header was checked before");
        }
    }
}
