package dev.pikodb.autoconfigure.health;

import dev.pikodb.IgnoredFile;
import dev.pikodb.PikoDB;
import dev.pikodb.QuarantinedFile;
import dev.pikodb.TableSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of a {@link PikoDB}, reported as {@code pikodb}.
 *
 * <p>The check is cheap: it uses the per-table summaries the store keeps in memory and never reads a
 * value. Details: {@code directory}, {@code durableWrites}, {@code tables}, {@code records} (records
 * held, which may include expired ones not yet cleaned up), {@code freeDiskSpace} (usable bytes on
 * the directory's file store), and when present {@code failedTables} and {@code quarantined}.
 *
 * <p>Status:
 * <ul>
 * <li>{@code DOWN} when the store is closed, when its directory is not writable (checked by creating
 * and deleting a small hidden probe file), or when a table refuses writes after an I/O failure
 * ({@code failedTables}; reopening the store clears that state);</li>
 * <li>{@code UP} otherwise. Quarantined files (table files that could not be read at startup and were
 * moved aside, intact) are listed in the {@code quarantined} detail but leave the status {@code UP}:
 * the store serves every other table normally, and the files need a person to inspect or restore
 * them, which taking the instance out of service would not help with.</li>
 * </ul>
 */
public class PikoDBHealthIndicator extends AbstractHealthIndicator {

    private final PikoDB pikoDB;

    /**
     * Creates an indicator for a store.
     *
     * @param pikoDB the store
     */
    public PikoDBHealthIndicator(PikoDB pikoDB) {
        super("PikoDB health check failed");
        this.pikoDB = Objects.requireNonNull(pikoDB, "pikoDB must not be null");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        Path directory = this.pikoDB.databaseDirectory().toAbsolutePath();
        builder.withDetail("directory", directory.toString());
        builder.withDetail("durableWrites", this.pikoDB.options().durableWrites());
        if (!this.pikoDB.isOpen()) {
            builder.down().withDetail("error", "PikoDB is closed");
            return;
        }
        List<TableSummary> summaries = this.pikoDB.tableSummaries();
        long records = 0;
        for (TableSummary summary : summaries) {
            records += summary.records();
        }
        builder.withDetail("tables", summaries.size());
        builder.withDetail("records", records);
        builder.withDetail("freeDiskSpace", Files.getFileStore(directory).getUsableSpace());
        builder.up();
        String notWritable = checkWritable(directory);
        if (notWritable != null) {
            builder.down().withDetail("error", notWritable);
        }
        Map<String, String> failedTables = this.pikoDB.failedTables();
        if (!failedTables.isEmpty()) {
            builder.down().withDetail("failedTables", failedTables);
        }
        List<QuarantinedFile> quarantined = this.pikoDB.quarantinedFiles();
        if (!quarantined.isEmpty()) {
            builder.withDetail("quarantined", quarantined.stream().map(PikoDBHealthIndicator::describe).toList());
        }
        List<IgnoredFile> ignored = this.pikoDB.ignoredFiles();
        if (!ignored.isEmpty()) {
            builder.withDetail("ignored", ignored.stream().map(PikoDBHealthIndicator::describe).toList());
        }
    }

    private static String checkWritable(Path directory) {
        if (!Files.isDirectory(directory)) {
            return "Database directory " + directory + " does not exist";
        }
        if (!Files.isWritable(directory)) {
            return "Database directory " + directory + " is not writable";
        }
        try {
            Path probe = Files.createTempFile(directory, ".health-probe-", ".tmp");
            Files.delete(probe);
            return null;
        }
        catch (IOException ex) {
            return "Cannot create a file in database directory " + directory + ": " + ex;
        }
    }

    static Map<String, Object> describe(IgnoredFile file) {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("file", String.valueOf(file.file()));
        description.put("reason", file.reason());
        return description;
    }

    static Map<String, Object> describe(QuarantinedFile file) {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("table", file.table());
        description.put("originalFile", String.valueOf(file.originalFile()));
        description.put("movedTo", String.valueOf(file.movedTo()));
        description.put("reason", file.reason());
        description.put("detectedAt", String.valueOf(file.detectedAt()));
        return description;
    }
}
