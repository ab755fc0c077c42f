package dev.pikodb.internal.directory.load;

import dev.pikodb.IgnoredFile;
import dev.pikodb.internal.directory.records.Records;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the first phase of a start decided ({@link LoadPlanReader}) and the second carries out
 * ({@link LoadPlanActions}): the deletions to complete, the leftovers to remove, the files to move
 * aside or keep a copy of, the files to ignore, and the tables to open with their records and the
 * valid lengths of their journals.
 */
final class LoadPlan {

    /** A table read in the first phase, opened in the second. */
    record Loaded(String table, Records records, boolean hasFile, long fileBytes, long journalLength,
            long journalFileLength, long retiredLength, long retiredFileLength) {
    }

    /** A file to move aside (or, with {@code copy}, to keep a copy of) in the second phase. */
    record Aside(String table, Path file, String reason, byte[] copy) {
    }

    final List<Path> dropMarkers = new ArrayList<>();
    final Set<String> dropped = new HashSet<>();
    final List<Path> leftovers = new ArrayList<>();
    final List<Aside> aside = new ArrayList<>();
    final List<IgnoredFile> ignored = new ArrayList<>();
    final List<Loaded> tables = new ArrayList<>();
    final Set<String> dictionaryNamesInUse = new HashSet<>();

    /** Takes what the reading of one table decided, in the order the tables are listed. */
    void add(LoadPlan table) {
        aside.addAll(table.aside);
        tables.addAll(table.tables);
        dictionaryNamesInUse.addAll(table.dictionaryNamesInUse);
    }
}
