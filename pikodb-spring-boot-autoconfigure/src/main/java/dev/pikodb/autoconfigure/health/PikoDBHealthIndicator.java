package dev.pikodb.autoconfigure.health;

import dev.pikodb.IgnoredFile;
import dev.pikodb.PikoDB;
import dev.pikodb.QuarantinedFile;
import dev.pikodb.TableSummary;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.unit.DataSize;

/**
 * Health of one {@link PikoDB}.
 *
 * <p>The check is read-only and cheap: it uses the per-table summaries and the failed-table state the
 * store keeps, and, for a directory store, asks the file system about the directory; it never reads a
 * value and never creates, writes or deletes a file, so it is safe to poll every few seconds. Details:
 * {@code directory} (a directory store) or {@code storage} (another engine, e.g.
 * {@code redis://host:6379 prefix pikodb}), {@code durableWrites}, {@code tables}, for a directory store
 * {@code records} (records held, which may include expired ones not yet cleaned up; a store over Redis
 * leaves it out, so that its check takes a constant number of commands whatever the number of tables),
 * and when present
 * {@code failedTables}, {@code quarantined} and {@code error}. A directory store adds
 * {@code freeDiskSpace} (usable bytes on the directory's file system) and {@code diskSpaceThreshold};
 * a store over Redis adds what {@link PikoDB#storageHealth()} reports: {@code mode} ({@code standalone}
 * or {@code cluster}), {@code ping}, on a cluster {@code clusterState}, {@code maxmemoryPolicy},
 * {@code evictedKeys} and, when Redis may evict or has evicted keys, {@code warning}.
 *
 * <p>Status:
 * <ul>
 * <li>{@code DOWN} when the store is closed; when its storage engine reports it cannot serve (Redis does
 * not answer {@code PING}, or a cluster's state is not {@code ok}); when its directory is missing, not writable for this
 * process or on a read-only file system; when its free disk space is below the threshold; or when a
 * table refuses writes after an I/O failure ({@code failedTables}; reopening the store clears that
 * state);</li>
 * <li>{@code UP} otherwise. Quarantined files (table files that could not be read at startup and were
 * moved aside, intact) are listed in the {@code quarantined} detail but leave the status {@code UP}:
 * the store serves every other table normally, and the files need a person to inspect or restore
 * them, which taking the instance out of service would not help with.</li>
 * </ul>
 */
public class PikoDBHealthIndicator extends AbstractHealthIndicator {

    private final PikoDB pikoDB;

    private final DataSize diskSpaceThreshold;

    /**
     * Creates an indicator for a store that reports DOWN below 10MB of free disk space.
     *
     * @param pikoDB the store
     */
    public PikoDBHealthIndicator(PikoDB pikoDB) {
        this(pikoDB, DataSize.ofMegabytes(10));
    }

    /**
     * Creates an indicator for a store.
     *
     * @param pikoDB the store
     * @param diskSpaceThreshold free space on the directory's file system below which it reports DOWN
     */
    public PikoDBHealthIndicator(PikoDB pikoDB, DataSize diskSpaceThreshold) {
        super("PikoDB health check failed");
        this.pikoDB = Objects.requireNonNull(pikoDB, "pikoDB must not be null");
        this.diskSpaceThreshold = Objects.requireNonNull(diskSpaceThreshold, "diskSpaceThreshold must not be null");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        Path configured = this.pikoDB.databaseDirectory();
        Path directory = (configured != null) ? configured.toAbsolutePath() : null;
        if (directory != null) {
            builder.withDetail("directory", directory.toString());
        }
        else {
            builder.withDetail("storage", this.pikoDB.storageDescription());
        }
        builder.withDetail("durableWrites", this.pikoDB.options().durableWrites());
        if (!this.pikoDB.isOpen()) {
            builder.down().withDetail("error", "PikoDB is closed");
            return;
        }
        if (directory == null) {
            try {
                this.pikoDB.storageHealth().forEach(builder::withDetail);
            }
            catch (RuntimeException ex) {
                builder.down().withDetail("error", String.valueOf(ex.getMessage()));
                return;
            }
        }
        if (directory != null) {
            List<TableSummary> summaries = this.pikoDB.tableSummaries();
            long records = 0;
            for (TableSummary summary : summaries) {
                records += summary.records();
            }
            builder.withDetail("tables", summaries.size());
            builder.withDetail("records", records);
        }
        else {
            // A shared store (Redis) counts records with commands per table: the health check, polled
            // often by every instance, lists the tables only (one command), whatever their number.
            builder.withDetail("tables", this.pikoDB.listTables().size());
        }
        builder.up();
        String problem = (directory != null) ? checkDirectory(directory, builder) : null;
        if (problem != null) {
            builder.down().withDetail("error", problem);
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

    private @Nullable String checkDirectory(Path directory, Health.Builder builder) {
        if (!Files.isDirectory(directory)) {
            return "Database directory " + directory + " does not exist";
        }
        FileStore store;
        long free;
        try {
            store = Files.getFileStore(directory);
            free = store.getUsableSpace();
        }
        catch (IOException ex) {
            return "Cannot query the file system of database directory " + directory + ": " + ex;
        }
        builder.withDetail("freeDiskSpace", free);
        builder.withDetail("diskSpaceThreshold", this.diskSpaceThreshold.toBytes());
        if (store.isReadOnly()) {
            return "Database directory " + directory + " is on a read-only file system";
        }
        if (!Files.isWritable(directory)) {
            return "Database directory " + directory + " is not writable";
        }
        if (free < this.diskSpaceThreshold.toBytes()) {
            return "Free disk space for database directory " + directory + " is " + free + " bytes, below the"
                    + " threshold of " + this.diskSpaceThreshold.toBytes() + " bytes (pikodb.health.disk-space-threshold)";
        }
        return null;
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
