package dev.pikodb.internal.directory;

import dev.pikodb.internal.Validation;
import dev.pikodb.QuarantinedFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the tables of a directory at start, recovering from whatever a crash left behind:
 * <ul>
 * <li>a table deletion cut short (a {@code .drop} marker) is completed;</li>
 * <li>temporary files of an interrupted compaction, ours or the Node.js PikoDB's, are removed
 * (the table file they were meant to replace is intact);</li>
 * <li>each table is its file plus the replay of its journal; a journal ending in a torn frame is cut
 * there; a journal damaged in the middle is kept aside and the table opens with its intact prefix;</li>
 * <li>a table file that cannot be parsed is moved aside with its journal, never overwritten or deleted.</li>
 * </ul>
 * Everything moved aside is reported through the quarantine callback.
 */
final class TableLoader {

    private static final Logger log = LoggerFactory.getLogger(TableLoader.class);

    private final StoreContext context;
    private final JournalFormat.Interner dictionaries;
    private final Consumer<QuarantinedFile> quarantine;

    TableLoader(StoreContext context, JournalFormat.Interner dictionaries, Consumer<QuarantinedFile> quarantine) {
        this.context = context;
        this.dictionaries = dictionaries;
        this.quarantine = quarantine;
    }

    Map<String, Table> loadAll() throws IOException {
        FileIO io = context.io();
        Path directory = context.directory();
        completeDrops(io.list(directory));
        List<String> tableFiles = new ArrayList<>();
        Map<String, byte[]> journals = new LinkedHashMap<>();
        for (Path path : io.list(directory)) {
            String fileName = path.getFileName().toString();
            if (FileNames.isCompactionTemp(fileName) || fileName.equals(FileNames.DICTIONARIES + ".new")) {
                log.info("Removing {}, left by an interrupted rewrite; the file it was to replace is intact", path);
                io.deleteIfExists(path);
            } else if (!fileName.startsWith(".") && FileNames.isTemporary(fileName)) {
                log.info("Removing {}, a temporary file left by an interrupted write of the Node.js PikoDB", path);
                io.deleteIfExists(path);
            } else if (FileNames.isJournal(fileName)) {
                readJournalOwner(path, journals);
            } else if (FileNames.isTableFile(fileName)) {
                String problem = Validation.tableNameProblem(fileName);
                if (problem == null) {
                    tableFiles.add(fileName);
                } else {
                    log.warn("Ignoring {}: not a valid table name ({})", path, problem);
                }
            }
        }
        Map<String, Table> tables = new LinkedHashMap<>();
        try {
            for (String table : tableFiles) {
                Table loaded = load(table, true, journals.remove(table));
                if (loaded != null) {
                    tables.put(table, loaded);
                }
            }
            for (Map.Entry<String, byte[]> orphan : journals.entrySet()) {
                Table loaded = load(orphan.getKey(), false, orphan.getValue());
                if (loaded != null) {
                    tables.put(orphan.getKey(), loaded);
                }
            }
        } catch (IOException | RuntimeException e) {
            tables.values().forEach(Table::abandon);
            throw e;
        }
        return tables;
    }

    private void completeDrops(List<Path> files) throws IOException {
        for (Path path : files) {
            if (FileNames.isDropMarker(path.getFileName().toString())) {
                DropMarker.recover(context.io(), context.directory(), path);
            }
        }
    }

    private void readJournalOwner(Path path, Map<String, byte[]> journals) throws IOException {
        byte[] bytes = context.io().readAll(path);
        JournalFormat.Header header = JournalFormat.readHeader(bytes);
        if (header == null) {
            if (isTornHeader(bytes, path.getFileName().toString())) {
                log.warn("Removing {}: its header was never completely written (a crash while creating it)", path);
                context.io().deleteIfExists(path);
            } else {
                moveAside(path.getFileName().toString(), path, "the journal header is damaged");
            }
            return;
        }
        if (Validation.tableNameProblem(header.table()) != null
                || !FileNames.journal(context.directory(), header.table()).equals(path)) {
            moveAside(header.table(), path, "the journal does not belong to a valid table name");
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

    private Table load(String table, boolean hasFile, byte[] journalBytes) throws IOException {
        FileIO io = context.io();
        Path file = context.directory().resolve(table);
        Path journalPath = FileNames.journal(context.directory(), table);
        Records records = new Records(context.stats());
        long fileBytes = 0;
        if (hasFile) {
            byte[] bytes = io.readAll(file);
            try {
                TableFileFormat.read(bytes, records, dictionaries);
            } catch (TableFileFormat.MalformedTableFileException e) {
                moveAside(table, file, "the table file cannot be parsed: " + e.getMessage());
                if (journalBytes != null) {
                    moveAside(table, journalPath, "its table file cannot be parsed, so its journal has no base");
                }
                return null;
            }
            fileBytes = bytes.length;
        }
        Journal journal = null;
        if (journalBytes != null) {
            JournalReader.Result result = JournalReader.replay(journalBytes, records, dictionaries);
            switch (result.ending()) {
                case CLEAN -> {
                }
                case TORN -> log.warn("Journal {} of table '{}' ends in an incomplete write at byte {} (a crash while"
                        + " writing); cutting off the last {} bytes, which were never acknowledged", journalPath,
                        Validation.printable(table), result.validLength(), journalBytes.length - result.validLength());
                case DAMAGED -> {
                    Path copy = keepCopy(journalPath, journalBytes);
                    String reason = "journal damaged at byte " + result.validLength() + " with valid writes after it;"
                            + " the table opened with the " + result.frames() + " writes before the damage";
                    log.error("Journal {} of table '{}' is damaged at byte {} and valid frames follow: this is not a"
                            + " torn write. A copy is kept at {}; the table opens with the {} writes before the damage",
                            journalPath, Validation.printable(table), result.validLength(), copy, result.frames());
                    quarantine.accept(new QuarantinedFile(table, journalPath, copy, reason, Instant.now()));
                }
                case BAD_HEADER -> throw new IllegalStateException("journal header was checked before");
            }
            journal = Journal.open(io, journalPath, table, result.validLength());
        }
        return new Table(context, table, records, hasFile, fileBytes, journal);
    }

    private Path keepCopy(Path journalPath, byte[] bytes) throws IOException {
        Path copy = FileNames.quarantine(context.directory(), journalPath, Instant.now());
        try (FileIO.Handle handle = context.io().open(copy, true, true)) {
            handle.append(ByteBuffer.wrap(bytes));
            handle.force();
        }
        context.io().forceDirectory(context.directory());
        return copy;
    }

    private void moveAside(String table, Path file, String reason) throws IOException {
        Instant now = Instant.now();
        Path target = FileNames.quarantine(context.directory(), file, now);
        context.io().atomicMove(file, target);
        context.io().forceDirectory(context.directory());
        log.error("Table '{}': {}. The file {} was moved to {} (kept, not deleted); the rest of the database opens",
                Validation.printable(table), reason, file, target);
        quarantine.accept(new QuarantinedFile(table, file, target, reason, now));
    }
}
