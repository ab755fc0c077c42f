package dev.pikodb.internal.directory.load;

import dev.pikodb.IgnoredFile;
import dev.pikodb.QuarantinedFile;
import dev.pikodb.internal.Validation;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.internal.directory.io.FileNames;
import dev.pikodb.internal.directory.journal.Journal;
import dev.pikodb.internal.directory.load.LoadPlan.Aside;
import dev.pikodb.internal.directory.load.LoadPlan.Loaded;
import dev.pikodb.internal.directory.load.TableLoader.LoadedTable;
import dev.pikodb.internal.directory.tablefile.DropMarker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second phase of a start, which acts on the {@link LoadPlan} once every table has been read:
 * completes the table deletions that were cut short, moves files aside and keeps copies of damaged
 * journals, cuts torn journal tails and opens the journals, then removes leftovers and reports.
 *
 * <p>If it fails part way, the files it moved aside are moved back and the copies it made are
 * removed ({@link #undo}), so a failed start changes nothing. What it does not undo is harmless:
 * cutting a torn journal tail (bytes of a write that was never acknowledged) and completing a table
 * deletion whose marker was already in place (that deletion had been decided; the next start would
 * complete it all the same). Temporary files are removed last, once the start can no longer fail;
 * one that cannot be removed is left for a later start.
 */
final class LoadPlanActions {

    /** The start's messages are all logged under {@link TableLoader}. */
    private static final Logger log = LoggerFactory.getLogger(TableLoader.class);

    /** A file set aside in the second phase. */
    private record Done(Aside aside, QuarantinedFile file) {
    }

    private final FileIO io;
    private final Path directory;
    private final Consumer<QuarantinedFile> quarantine;
    private final Consumer<IgnoredFile> ignore;

    LoadPlanActions(FileIO io, Path directory, Consumer<QuarantinedFile> quarantine, Consumer<IgnoredFile> ignore) {
        this.io = io;
        this.directory = directory;
        this.quarantine = quarantine;
        this.ignore = ignore;
    }

    /**
     * Carries out {@code plan}.
     *
     * @return the tables by name, in the order they are listed, each journal released (opened when the table is written)
     * @throws IOException when a file cannot be acted on; what was moved aside or copied is undone then
     */
    Map<String, LoadedTable> act(LoadPlan plan) throws IOException {
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
