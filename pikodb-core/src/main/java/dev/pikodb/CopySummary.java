package dev.pikodb;

import java.time.Duration;

/**
 * What a {@link PikoDB#backup(java.nio.file.Path, CopyProgress) backup} or a
 * {@link PikoDB#copyTo(PikoDB, CopyProgress) copy} wrote.
 *
 * @param target where it went: the backup directory, or the target's storage description
 * @param tables the number of tables copied
 * @param records the number of records copied (records expired at the copied instant are left out)
 * @param bytes the bytes of the records' values (the JSON as stored)
 * @param duration how long it took
 */
public record CopySummary(String target, int tables, long records, long bytes, Duration duration) {
}
