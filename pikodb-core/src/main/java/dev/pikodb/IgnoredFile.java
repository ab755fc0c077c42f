package dev.pikodb;

import java.nio.file.Path;

/**
 * A file in the database directory that the store found at {@link PikoDB#start()}, did not create
 * and does not load as a table: for example {@code report.tmp} (a name of the kind temporary files
 * have) or {@code CON} (not a valid table name). The store never deletes, moves or changes such a
 * file; it lists it so that it can be noticed, renamed or removed by whoever put it there.
 *
 * @param file the file
 * @param reason why it is not loaded as a table
 */
public record IgnoredFile(Path file, String reason) {
}
