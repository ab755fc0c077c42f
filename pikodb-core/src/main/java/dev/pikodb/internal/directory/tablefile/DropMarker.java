package dev.pikodb.internal.directory.tablefile;

import dev.pikodb.internal.Validation;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.internal.directory.io.FileNames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes deleting a table all-or-nothing across crashes and failures, and keeps a deletion from ever
 * reaching a later table of the same name.
 *
 * <p><b>Procedure</b> (the {@code Table} holds its journal exclusively throughout):
 * <ol>
 * <li>{@link #place}: create {@code .<table>.drop} holding the table name, force it, force the
 * directory. A marker counts only when its content is exactly the name its file name is derived
 * from, so a marker whose writing was cut short (a crash, a failed or partial write) counts for
 * nothing and is removed at the next start.</li>
 * <li>The table is emptied in memory and its journal closed.</li>
 * <li>{@link #complete}: delete the journal (and a retired journal) and the table file, force the directory, delete the
 * marker, force the directory.</li>
 * <li>Only then is the name free: the next write to it creates a new table (a new journal).</li>
 * </ol>
 *
 * <p><b>Crash at any instant.</b> Before step 1's directory force returns the caller has no answer,
 * and the marker is either absent, cut short (the table stays whole) or complete (the next start
 * completes the deletion). After it, the next start completes the deletion, so the table is never
 * found half-deleted. The files are durably gone before the marker's removal is forced, so a start
 * never finds the table's files without their marker. And the name is reused (step 4) only once the
 * marker's removal is forced: every file of a later table of that name is created after the marker
 * is durably gone, so no start can find this marker next to them, and a deletion can never remove a
 * write acknowledged after it returned or threw, even after a power loss.
 *
 * <p><b>Failures</b> (the process goes on), and what the next start finds, which is what the failed
 * call reported:
 * <ul>
 * <li>Step 1 fails: the marker is withdrawn (deleted, directory forced) and the table is unchanged.
 * When it was never completely written it counts for nothing even if it cannot be deleted. When it
 * was completely written and cannot be deleted, it stands: the deletion goes on as if step 1 had
 * succeeded. When it was deleted but that deletion could not be forced, the table is unchanged
 * but refuses writes until the database is reopened: were the marker to come back after a power
 * loss, it would take no write acknowledged after the call with it.</li>
 * <li>Step 3 fails: the table stays deleted in memory (reads find nothing) and its name stays
 * taken: the next write to it, or {@code deleteTable}, or {@code close()} retries step 3 first, and
 * a write that cannot complete it throws without storing anything. The next start completes it
 * otherwise.</li>
 * </ul>
 */
public final class DropMarker {

    private static final Logger log = LoggerFactory.getLogger(DropMarker.class);

    /** What a failed {@link #place} left behind. */
    public enum Outcome {
        /** No marker counts: the table is unchanged. */
        UNCHANGED,
        /** No marker exists, but its deletion may not be durable: unchanged, but no write may be acknowledged. */
        UNCHANGED_UNFORCED,
        /** A complete marker could not be withdrawn: the deletion must go on. */
        STANDING
    }

    /** Thrown by {@link #place} when it fails; tells what it left behind. */
    public static final class PlacementException extends IOException {
        private static final long serialVersionUID = 1L;

        public final transient Outcome outcome;

        PlacementException(Outcome outcome, IOException cause) {
            super(cause.toString(), cause);
            this.outcome = outcome;
        }
    }

    private DropMarker() {
    }

    /**
     * Writes and forces the marker; once this returns, the deletion will complete.
     *
     * @throws PlacementException when it fails, saying what is left
     */
    public static Path place(FileIO io, Path directory, String table) throws PlacementException {
        Path marker = FileNames.dropMarker(directory, table);
        boolean complete = false;
        try {
            try (FileIO.Handle handle = io.open(marker, true, true)) {
                handle.append(ByteBuffer.wrap(table.getBytes(StandardCharsets.UTF_8)));
                complete = true;
                handle.force();
            }
            io.forceDirectory(directory);
            return marker;
        } catch (IOException e) {
            throw withdraw(io, directory, marker, complete, e);
        }
    }

    private static PlacementException withdraw(FileIO io, Path directory, Path marker, boolean complete,
            IOException failure) {
        try {
            io.deleteIfExists(marker);
        } catch (IOException e) {
            failure.addSuppressed(e);
            // A marker cut short counts for nothing; a complete one will be acted on at the next start.
            return new PlacementException(complete ? Outcome.STANDING : Outcome.UNCHANGED, failure);
        }
        try {
            io.forceDirectory(directory);
        } catch (IOException e) {
            failure.addSuppressed(e);
            return new PlacementException(complete ? Outcome.UNCHANGED_UNFORCED : Outcome.UNCHANGED, failure);
        }
        return new PlacementException(Outcome.UNCHANGED, failure);
    }

    /** Removes the table's files, then the marker; idempotent, so it can be retried after a failure. */
    public static void complete(FileIO io, Path directory, String table, Path marker) throws IOException {
        io.deleteIfExists(FileNames.journal(directory, table));
        io.deleteIfExists(FileNames.retiredJournal(directory, table));
        io.deleteIfExists(directory.resolve(table));
        io.forceDirectory(directory);
        io.deleteIfExists(marker);
        io.forceDirectory(directory);
    }

    /** At start: completes the deletion a marker stands for, or removes a marker that counts for nothing. */
    public static void recover(FileIO io, Path directory, Path marker) throws IOException {
        String table = tableOf(io, directory, marker);
        if (table != null) {
            log.info("Completing the deletion of table '{}' that was cut short", Validation.printable(table));
            complete(io, directory, table, marker);
        } else {
            log.info("Removing {}: a table deletion marker whose writing was cut short; it deletes nothing", marker);
            io.deleteIfExists(marker);
        }
    }

    /**
     * The table a marker deletes: its content, when that is exactly the valid table name its file name
     * comes from. Anything else is a marker whose writing was cut short, which deletes nothing.
     *
     * @return the table, or {@code null} when the marker counts for nothing
     */
    public static String tableOf(FileIO io, Path directory, Path marker) throws IOException {
        String table = new String(io.readAll(marker), StandardCharsets.UTF_8);
        return Validation.tableNameProblem(table) == null && FileNames.dropMarker(directory, table).equals(marker)
                ? table : null;
    }
}
