package dev.pikodb.internal.directory;

import dev.pikodb.internal.Validation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes deleting a table all-or-nothing across crashes. The marker {@code .<table>.drop}, holding the
 * table name, is forced to disk before any of the table's files is removed; a start that finds a
 * marker completes the deletion. So a crash leaves the table either whole or, after the next start,
 * entirely gone, never a journal without its table file or the reverse.
 */
final class DropMarker {

    private static final Logger log = LoggerFactory.getLogger(DropMarker.class);

    private DropMarker() {
    }

    /** Writes and forces the marker; once this returns, the deletion will complete. */
    static Path place(FileIO io, Path directory, String table) throws IOException {
        Path marker = FileNames.dropMarker(directory, table);
        try (FileIO.Handle handle = io.open(marker, true, true)) {
            handle.append(ByteBuffer.wrap(table.getBytes(StandardCharsets.UTF_8)));
            handle.force();
        }
        io.forceDirectory(directory);
        return marker;
    }

    /** Removes the table's files, then the marker. */
    static void complete(FileIO io, Path directory, String table, Path marker) throws IOException {
        io.deleteIfExists(FileNames.journal(directory, table));
        io.deleteIfExists(directory.resolve(table));
        io.forceDirectory(directory);
        io.deleteIfExists(marker);
    }

    /** At start: completes the deletion a marker stands for. */
    static void recover(FileIO io, Path directory, Path marker) throws IOException {
        String table = new String(io.readAll(marker), StandardCharsets.UTF_8);
        if (Validation.tableNameProblem(table) == null) {
            log.info("Completing the deletion of table '{}' that was cut short", Validation.printable(table));
            complete(io, directory, table, marker);
        } else {
            io.deleteIfExists(marker);
        }
    }
}
