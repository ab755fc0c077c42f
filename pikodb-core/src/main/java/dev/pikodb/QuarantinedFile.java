package dev.pikodb;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A file that could not be read at {@link PikoDB#start()} and was moved aside instead of being
 * overwritten or deleted. Its content is kept at {@link #movedTo()} for inspection or repair.
 *
 * @param table the table the file belonged to
 * @param originalFile where the file was
 * @param movedTo where it is now (a hidden file in the database directory)
 * @param reason why it could not be read
 * @param detectedAt when the problem was found
 */
public record QuarantinedFile(String table, Path originalFile, Path movedTo, String reason, Instant detectedAt) {
}
