package dev.pikodb.internal.directory.load;

import dev.pikodb.IgnoredFile;
import dev.pikodb.QuarantinedFile;
import dev.pikodb.internal.Validation;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.internal.directory.io.FileNames;
import dev.pikodb.internal.directory.journal.Journal;
import dev.pikodb.internal.directory.journal.JournalFormat;
import dev.pikodb.internal.directory.load.LoadPlan.Aside;
import dev.pikodb.internal.directory.load.LoadPlan.Loaded;
import dev.pikodb.internal.directory.records.Records;
import dev.pikodb.internal.directory.records.Stats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

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
 * <p><b>A failed start changes nothing.</b> Loading runs in two phases. The first only reads
 * ({@link LoadPlanReader}): it lists the directory, reads and parses every file (the files of
 * different tables on a few threads at once, {@link ParallelReads}), and decides in a
 * {@link LoadPlan} what to move aside, copy, cut or delete. Only when every table has been read does
 * the second phase act ({@link LoadPlanActions}); if it fails part way, it undoes what it moved aside
 * or copied (what it leaves and why that is harmless is written there). Read-only opening and
 * {@link #inspect} run the first phase alone.
 */
public final class TableLoader {

    private final Path directory;
    private final LoadPlanReader reader;
    private final LoadPlanActions actions;
    private final Set<String> dictionaryNamesInUse = new HashSet<>();

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
        this.directory = directory;
        this.reader = new LoadPlanReader(io, directory, stats, dictionaries);
        this.actions = new LoadPlanActions(io, directory, quarantine, ignore);
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
        LoadPlan plan = reader.read();
        dictionaryNamesInUse.addAll(plan.dictionaryNamesInUse);
        if (dictionariesProblem != null) {
            plan.aside.add(0, new Aside(FileNames.DICTIONARIES, dictionaries, dictionariesProblem, null));
        }
        return actions.act(plan);
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
        LoadPlan plan = reader.read();
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
        LoadPlan plan = reader.read();
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
}
