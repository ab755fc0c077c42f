package dev.pikodb.internal.directory.load;

import dev.pikodb.IgnoredFile;
import dev.pikodb.QuarantinedFile;
import dev.pikodb.internal.Validation;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.internal.directory.io.FileNames;
import dev.pikodb.internal.directory.journal.Journal;
import dev.pikodb.internal.directory.journal.JournalFormat;
import dev.pikodb.internal.directory.journal.JournalReader;
import dev.pikodb.internal.directory.records.Records;
import dev.pikodb.internal.directory.records.Stats;
import dev.pikodb.internal.directory.tablefile.DropMarker;
import dev.pikodb.internal.directory.tablefile.TableFileFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the tables of a directory at start, recovering from whatever a crash left behind:
 * <ul>
 * <li>a table deletion cut short (a {@code .drop} marker) is completed;</li>
 * <li>temporary files of an interrupted rewrite, ours or exactly the Node.js PikoDB's
 * ({@link FileNames#isNodeLeftover}), are removed (the file they were meant to replace is intact);</li>
 * <li>each table is its file plus the replay of its journal; a journal ending in a torn frame is cut
 * there; a journal damaged in the middle is kept aside and the table opens with its intact prefix;</li>
 * <li>a journal retired by a compaction that was cut short ({@code .<table>.retired}, see the store's compaction)
 * is replayed between the table file and the journal, the two being one journal in two files: if the
 * retired one does not end cleanly and the journal holds writes, those writes follow a gap, so the
 * table opens with the intact prefix, a copy of the retired journal is kept and the journal is moved
 * aside, both reported; the next compaction removes the retired journal;</li>
 * <li>a table file that cannot be parsed is moved aside with its journal, never overwritten or deleted,
 * and the other tables open;</li>
 * <li>any other file the store did not create and cannot load as a table is left exactly where it is
 * and reported as ignored.</li>
 * </ul>
 *
 * <p><b>A failed start changes nothing.</b> Loading runs in two phases. The first only reads: it
 * lists the directory, reads and parses every file (the files of different tables on a few threads at
 * once, {@link ParallelReads}), and decides what to move aside, copy, cut or delete. Only when every table has been read does the second phase act; if it fails part way, the
 * files it moved aside are moved back and the copies it made are removed. What it does not undo is
 * harmless: cutting a torn journal tail (bytes of a write that was never acknowledged) and
 * completing a table deletion whose marker was already in place (that deletion had been decided;
 * the next start would complete it all the same). Temporary files are removed last, once the start
 * can no longer fail; one that cannot be removed is left for a later start.
 */
public final class TableLoader {

    private static final Logger log = LoggerFactory.getLogger(TableLoader.class);

    private final FileIO io;
    private final Path directory;
    private final Stats stats;
    private final JournalFormat.Interner dictionaries;
    private final Consumer<QuarantinedFile> quarantine;
    private final Consumer<IgnoredFile> ignore;

    /**
     * A loader of one directory.
     *
     * @param io the file layer
     * @param directory the database directory
     * @param stats the store's counters, which the loaded records update
     * @param dictionaries shares one instance per dictionary name among the records
     * @param quarantine told of each file moved aside
     * @param ignore told of each file left where it is
     */
    public TableLoader(FileIO io, Path directory, Stats stats, JournalFormat.Interner dictionaries,
            Consumer<QuarantinedFile> quarantine, Consumer<IgnoredFile> ignore) {
        this.io = io;
        this.directory = directory;
        this.stats = stats;
        this.dictionaries = dictionaries;
        this.quarantine = quarantine;
        this.ignore = ignore;
    }

    /**
     * A table as loaded: its records, whether its file exists and its size, its journal (released:
     * opened when the table is written) and whether a retired journal is on disk.
     *
     * @param name the table's name
     * @param records its records
     * @param hasFile whether its table file exists
     * @param fileBytes the table file's size
     * @param journal its journal, or {@code null} when it has none
     * @param retired whether a retired journal is on disk
     */
    public record LoadedTable(String name, Records records, boolean hasFile, long fileBytes, Journal journal,
            boolean retired) {
    }

    /** A table read in the first phase, opened in the second. */
    private record Loaded(String table, Records records, boolean hasFile, long fileBytes, long journalLength,
            long journalFileLength, long retiredLength, long retiredFileLength) {
    }

    /** A file to move aside (or, with {@code copy}, to keep a copy of) in the second phase. */
    private record Aside(String table, Path file, String reason, byte[] copy) {
    }

    /** A file set aside in the second phase. */
    private record Done(Aside aside, QuarantinedFile file) {
    }

    /** What the first phase decided. */
    private static final class Plan {
        final List<Path> dropMarkers = new ArrayList<>();
        final Set<String> dropped = new HashSet<>();
        final List<Path> leftovers = new ArrayList<>();
        final List<Aside> aside = new ArrayList<>();
        final List<IgnoredFile> ignored = new ArrayList<>();
        final List<Loaded> tables = new ArrayList<>();
        final Set<String> dictionaryNamesInUse = new HashSet<>();

        /** Takes what the reading of one table decided, in the order the tables are listed. */
        void add(Plan table) {
            aside.addAll(table.aside);
            tables.addAll(table.tables);
            dictionaryNamesInUse.addAll(table.dictionaryNamesInUse);
        }
    }

    private final Set<String> dictionaryNamesInUse = new HashSet<>();

    /**
     * Loads every table.
     *
     * @param dictionaries the dictionaries file
     * @param dictionariesProblem why the dictionaries file cannot be read, or {@code null} when it can:
     *     it is then moved aside with the rest, once every table has been read
     * @return the tables by name, in the order they are listed
     * @throws IOException when the directory cannot be read or acted on; nothing was changed then
     */
    public Map<String, LoadedTable> loadAll(Path dictionaries, String dictionariesProblem) throws IOException {
        Plan plan = read();
        dictionaryNamesInUse.addAll(plan.dictionaryNamesInUse);
        if (dictionariesProblem != null) {
            plan.aside.add(0, new Aside(FileNames.DICTIONARIES, dictionaries, dictionariesProblem, null));
        }
        return act(plan);
    }

    /**
     * Loads every table without changing any file (the first phase alone): tables a start would move
     * aside are left out, torn journal tails are left in place and not replayed, leftovers stay. For
     * opening a directory read-only; the tables have no journal and must never be written.
     *
     * @return the tables by name
     * @throws IOException when the directory cannot be read
     */
    public Map<String, LoadedTable> loadReadOnly() throws IOException {
        Plan plan = read();
        dictionaryNamesInUse.addAll(plan.dictionaryNamesInUse);
        Map<String, LoadedTable> tables = new LinkedHashMap<>();
        for (Loaded loaded : plan.tables) {
            tables.put(loaded.table(), new LoadedTable(loaded.table(), loaded.records(), true, loaded.fileBytes(),
                    null, false));
        }
        return tables;
    }

    /**
     * What {@link #inspect} found.
     *
     * @param tables the tables a start would open, with the records each holds (expired ones included)
     * @param findings one line per file a start would act on or ignore; empty when the directory is clean
     */
    public record Inspection(Map<String, Integer> tables, List<String> findings) {
    }

    /**
     * What a start would find and do, without changing anything (the first phase alone): one line
     * per file it would move aside, copy, cut, remove or ignore, and per deletion it would complete.
     *
     * @param dictionaries the dictionaries file
     * @param dictionariesProblem why it cannot be read, or {@code null}
     * @return the findings, and the tables that would open with their record counts
     * @throws IOException when the directory cannot be read
     */
    public Inspection inspect(Path dictionaries, String dictionariesProblem) throws IOException {
        Plan plan = read();
        List<String> findings = new ArrayList<>();
        if (dictionariesProblem != null) {
            findings.add("would move aside " + dictionaries + ": " + dictionariesProblem);
        }
        for (Path marker : plan.dropMarkers) {
            findings.add("would complete a table deletion that was cut short (marker " + marker + ")");
        }
        for (Aside aside : plan.aside) {
            findings.add((aside.copy() == null ? "would move aside " : "would keep a copy of ") + aside.file()
                    + " (table '" + Validation.printable(aside.table()) + "'): " + aside.reason());
        }
        Map<String, Integer> tables = new LinkedHashMap<>();
        for (Loaded loaded : plan.tables) {
            tables.put(loaded.table(), loaded.records().size());
            if (loaded.journalLength() >= 0 && loaded.journalLength() < loaded.journalFileLength()) {
                findings.add("would cut " + (loaded.journalFileLength() - loaded.journalLength()) + " bytes of an"
                        + " incomplete write (never acknowledged) at the end of "
                        + FileNames.journal(directory, loaded.table()));
            }
            if (loaded.retiredLength() >= 0 && loaded.retiredLength() < loaded.retiredFileLength()) {
                findings.add("would cut " + (loaded.retiredFileLength() - loaded.retiredLength()) + " bytes at the"
                        + " end of " + FileNames.retiredJournal(directory, loaded.table()));
            }
        }
        for (Path leftover : plan.leftovers) {
            findings.add("would remove " + leftover + ", left by an interrupted write");
        }
        for (IgnoredFile file : plan.ignored) {
            findings.add("ignores " + file.file() + " (not a table: " + file.reason() + ")");
        }
        return new Inspection(tables, findings);
    }

    /** The dictionaries that the loaded records use; known once {@link #loadAll} returned. */
    public Set<String> dictionaryNamesInUse() {
        return dictionaryNamesInUse;
    }

    // ---- first phase: read only --------------------------------------------------------------

    /**
     * Lists the directory, then reads the journals and the tables, several at a time
     * ({@link ParallelReads}): every file is read on its own, and what is decided from it is taken
     * in listing order, so the plan does not depend on which read finished first.
     */

    private Plan read() throws IOException {
        Plan plan = new Plan();
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
        Plan[] read = new Plan[tables.size()];
        ParallelReads.run(tables.size(), "pikodb-start", i -> {
            TableFiles table = tables.get(i);
            read[i] = new Plan();
            readTable(table.table(), table.hasFile(), table.retired(), table.journal(), read[i]);
        });
        for (Plan table : read) {
            plan.add(table);
        }
        return plan;
    }

    private void readJournalOwner(Path path, byte[] bytes, Map<String, byte[]> journals, Plan plan, boolean retired) {
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
    private void readTable(String table, boolean hasFile, byte[] retiredBytes, byte[] journalBytes, Plan plan)
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
            Plan plan) {
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

    // ---- second phase: act -------------------------------------------------------------------

    private Map<String, LoadedTable> act(Plan plan) throws IOException {
        List<Done> done = new ArrayList<>();
        Map<String, LoadedTable> tables = new LinkedHashMap<>();
        try {
            for (Path marker : plan.dropMarkers) {
                DropMarker.recover(io, directory, marker);
            }
            for (Aside aside : plan.aside) {
                done.add(new Done(aside, aside.copy() == null ? moveAside(aside) : keepCopy(aside)));
            }
            if (!plan.aside.isEmpty()) {
                io.forceDirectory(directory);
            }
            for (Loaded loaded : plan.tables) {
                Journal journal = loaded.journalLength() < 0 ? null
                        : Journal.open(io, FileNames.journal(directory, loaded.table()), loaded.table(),
                                loaded.journalLength(), loaded.journalFileLength());
                if (loaded.retiredLength() >= 0) {
                    // Cut what follows its valid frames, so that new writes never follow a gap in it.
                    Journal.open(io, FileNames.retiredJournal(directory, loaded.table()), loaded.table(),
                            loaded.retiredLength(), loaded.retiredFileLength()).close();
                }
                tables.put(loaded.table(), new LoadedTable(loaded.table(), loaded.records(), loaded.hasFile(),
                        loaded.fileBytes(), journal, loaded.retiredLength() >= 0));
            }
        } catch (IOException | RuntimeException e) {
            // The journals opened above are released (not open): nothing of theirs to close.
            undo(done, e);
            throw e;
        }
        for (Path leftover : plan.leftovers) {
            removeLeftover(leftover);
        }
        for (Done each : done) {
            QuarantinedFile file = each.file();
            log.error("Table '{}': {}. The file {} was {} {} (kept, not deleted); the rest of the database opens",
                    Validation.printable(file.table()), file.reason(), file.originalFile(),
                    each.aside().copy() != null ? "copied to" : "moved to", file.movedTo());
            quarantine.accept(file);
        }
        for (IgnoredFile file : plan.ignored) {
            log.warn("Ignoring {}: not loaded as a table ({}). It is left as it is; rename or remove it if it"
                    + " should not be in the database directory", file.file(), file.reason());
            ignore.accept(file);
        }
        return tables;
    }

    /** A leftover that cannot be removed does no harm (it is never loaded): the start goes on. */
    private void removeLeftover(Path leftover) {
        log.info("Removing {}, left by an interrupted rewrite; the file it was to replace is intact", leftover);
        try {
            io.deleteIfExists(leftover);
        } catch (IOException e) {
            log.warn("Could not remove {} ({}); it is left in place and will be removed at a later start",
                    leftover, e.toString());
        }
    }

    private QuarantinedFile moveAside(Aside aside) throws IOException {
        Instant now = Instant.now();
        Path target = FileNames.quarantine(directory, aside.file(), now);
        io.atomicMove(aside.file(), target);
        return new QuarantinedFile(aside.table(), aside.file(), target, aside.reason(), now);
    }

    /** Keeps a copy of a damaged journal; the journal itself is then cut after its intact prefix. */
    private QuarantinedFile keepCopy(Aside aside) throws IOException {
        Instant now = Instant.now();
        Path copy = FileNames.quarantine(directory, aside.file(), now);
        try (FileIO.Handle handle = io.open(copy, true, true)) {
            handle.append(ByteBuffer.wrap(aside.copy()));
            handle.force();
        }
        return new QuarantinedFile(aside.table(), aside.file(), copy, aside.reason(), now);
    }

    /** After a failed second phase: puts moved files back and removes copies, newest first. */
    private void undo(List<Done> done, Exception failure) {
        for (int i = done.size() - 1; i >= 0; i--) {
            QuarantinedFile file = done.get(i).file();
            try {
                if (done.get(i).aside().copy() != null) {
                    io.deleteIfExists(file.movedTo());
                } else {
                    io.atomicMove(file.movedTo(), file.originalFile());
                }
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
                log.error("Start failed and {} could not be put back as {}: {}", file.movedTo(), file.originalFile(),
                        e.toString());
            }
        }
    }
}
