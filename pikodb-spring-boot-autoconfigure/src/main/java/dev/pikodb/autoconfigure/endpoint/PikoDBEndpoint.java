package dev.pikodb.autoconfigure.endpoint;

import dev.pikodb.CopyProgress;
import dev.pikodb.CopySummary;
import dev.pikodb.IgnoredFile;
import dev.pikodb.PikoDB;
import dev.pikodb.QuarantinedFile;
import dev.pikodb.TableSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code pikodb} actuator endpoint. It never returns stored values.
 *
 * <ul>
 * <li>{@code GET /actuator/pikodb}: a summary of every {@link PikoDB} bean, by bean name (directory,
 * whether open, durable writes, table, record and byte totals, failed tables, quarantined and ignored
 * files), without
 * the per-table list, so it stays small whatever the number of tables;</li>
 * <li>{@code GET /actuator/pikodb/{store}?offset=0&limit=100}: one store's summary with a page of its
 * tables in alphabetical order ({@code limit} at most {@value #MAX_LIMIT});</li>
 * <li>{@code GET /actuator/pikodb/{store}/{table}}: one table;</li>
 * <li>{@code DELETE /actuator/pikodb}: removes the expired records of every open store now;
 * {@code DELETE /actuator/pikodb/{store}}: of one store;</li>
 * <li>{@code POST /actuator/pikodb/{store}}: backs the store up, while it serves, into a new folder
 * under {@code pikodb.backup.directory} (refused with 400 while that is not set), and answers with the
 * backup's path, tables, records and duration.</li>
 * </ul>
 *
 * <p>Its default access is read-only: the {@code DELETE} and {@code POST} operations need
 * {@code management.endpoint.pikodb.access=unrestricted}. Over HTTP an unknown store or table answers 404
 * and a closed store 503 ({@link PikoDBEndpointWebExtension}).
 */
@Endpoint(id = "pikodb", defaultAccess = Access.READ_ONLY)
public class PikoDBEndpoint {

    /** The page size of the table list when the request names none. */
    public static final int DEFAULT_LIMIT = 100;

    /** The largest page of the table list. */
    public static final int MAX_LIMIT = 1000;

    private static final Logger logger = LoggerFactory.getLogger(PikoDBEndpoint.class);

    private static final DateTimeFormatter BACKUP_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
        .withZone(ZoneOffset.UTC);

    private final Map<String, PikoDB> stores;

    private final @Nullable Path backupDirectory;

    /**
     * Creates the endpoint for one or more stores, without backups.
     *
     * @param stores the stores by bean name, in the order to list them
     */
    public PikoDBEndpoint(Map<String, PikoDB> stores) {
        this(stores, null);
    }

    /**
     * Creates the endpoint for one or more stores.
     *
     * @param stores the stores by bean name, in the order to list them
     * @param backupDirectory the folder backups go into ({@code pikodb.backup.directory}), or {@code null}
     *     to refuse backups
     */
    public PikoDBEndpoint(Map<String, PikoDB> stores, @Nullable Path backupDirectory) {
        this.stores = new LinkedHashMap<>(Objects.requireNonNull(stores, "stores must not be null"));
        this.backupDirectory = backupDirectory;
    }

    /**
     * Summarises every store.
     *
     * @return the summaries by bean name
     */
    @ReadOperation
    public StoresDescriptor stores() {
        Map<String, StoreDescriptor> summaries = new LinkedHashMap<>();
        this.stores.forEach((name, pikoDB) -> summaries.put(name, StoreDescriptor.of(pikoDB)));
        return new StoresDescriptor(summaries);
    }

    /**
     * Summarises one store and lists a page of its tables.
     *
     * @param store the store's bean name
     * @param offset the first table to list, 0 when not given
     * @param limit how many tables to list, {@value #DEFAULT_LIMIT} when not given, at most {@value #MAX_LIMIT}
     * @return the store with a page of its tables, or {@code null} when there is no such store or it is
     *     closed
     */
    @ReadOperation
    public @Nullable StoreTablesDescriptor store(@Selector String store, @Nullable Integer offset,
            @Nullable Integer limit) {
        PikoDB pikoDB = openStore(store);
        if (pikoDB == null) {
            return null;
        }
        int from = (offset != null) ? offset : 0;
        int size = (limit != null) ? limit : DEFAULT_LIMIT;
        if (from < 0 || size < 1 || size > MAX_LIMIT) {
            throw new InvalidEndpointRequestException("offset must be 0 or more and limit between 1 and " + MAX_LIMIT
                    + ", got offset=" + from + ", limit=" + size, "Invalid page");
        }
        List<TableSummary> summaries = pikoDB.tableSummaries();
        List<TableDescriptor> page = summaries.stream().skip(from).limit(size).map(TableDescriptor::of).toList();
        return new StoreTablesDescriptor(StoreDescriptor.of(pikoDB), from, size, page);
    }

    /**
     * Describes one table.
     *
     * @param store the store's bean name
     * @param table the table name
     * @return the table's summary, or {@code null} when there is no such store or table, or the store is
     *     closed
     */
    @ReadOperation
    public @Nullable TableDescriptor table(@Selector String store, @Selector String table) {
        PikoDB pikoDB = openStore(store);
        if (pikoDB == null) {
            return null;
        }
        Optional<TableSummary> summary;
        try {
            summary = pikoDB.tableSummary(table);
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidEndpointRequestException(ex.getMessage(), "Invalid table name");
        }
        return summary.map(TableDescriptor::of).orElse(null);
    }

    /**
     * Removes the expired records of every table of every open store now.
     *
     * @return the number of records removed, by store; closed stores are left out
     */
    @DeleteOperation
    public CleanupDescriptor cleanup() {
        Map<String, Integer> removed = new LinkedHashMap<>();
        this.stores.forEach((name, pikoDB) -> {
            if (pikoDB.isOpen()) {
                removed.put(name, pikoDB.cleanupAllExpired());
            }
        });
        return new CleanupDescriptor(removed);
    }

    /**
     * Removes the expired records of every table of one store now.
     *
     * @param store the store's bean name
     * @return the number of records removed, or {@code null} when there is no such store or it is closed
     */
    @DeleteOperation
    public @Nullable CleanupDescriptor cleanupStore(@Selector String store) {
        PikoDB pikoDB = openStore(store);
        if (pikoDB == null) {
            return null;
        }
        return new CleanupDescriptor(Map.of(store, pikoDB.cleanupAllExpired()));
    }

    /**
     * Backs one store up while it serves (see {@link PikoDB#backup(Path)}) into a new folder under
     * {@code pikodb.backup.directory}, named after the store and the time. The result is logged.
     *
     * @param store the store's bean name
     * @return where the backup is and what it holds, or {@code null} when there is no such store or it is
     *     closed
     * @throws InvalidEndpointRequestException when {@code pikodb.backup.directory} is not set
     */
    @WriteOperation
    public @Nullable BackupDescriptor backup(@Selector String store) {
        PikoDB pikoDB = openStore(store);
        if (pikoDB == null) {
            return null;
        }
        Path directory = this.backupDirectory;
        if (directory == null) {
            throw new InvalidEndpointRequestException("Backups through the pikodb endpoint need a folder: set"
                    + " pikodb.backup.directory, e.g. pikodb.backup.directory=/srv/backups/pikodb",
                    "Backups are off: pikodb.backup.directory is not set");
        }
        Path target = newBackupFolder(directory.toAbsolutePath().normalize(), store);
        CopySummary summary = pikoDB.backup(target, CopyProgress.NONE);
        BackupDescriptor result = new BackupDescriptor(store, summary.target(), summary.tables(), summary.records(),
                summary.bytes(), summary.duration().toMillis());
        logger.info("Backup of store '{}' ({}) written to {}: {} tables, {} records, {} bytes of values in {} ms",
                store, pikoDB.storageDescription(), result.path(), result.tables(), result.records(), result.bytes(),
                result.durationMillis());
        return result;
    }

    private static Path newBackupFolder(Path directory, String store) {
        String base = store + "-" + BACKUP_STAMP.format(Instant.now());
        Path target = directory.resolve(base);
        for (int attempt = 2; Files.exists(target); attempt++) {
            target = directory.resolve(base + "-" + attempt);
        }
        return target;
    }

    /**
     * The store with the given bean name, open or not.
     *
     * @param store the bean name
     * @return the store, or {@code null} when there is none of that name
     */
    @Nullable PikoDB findStore(String store) {
        return this.stores.get(store);
    }

    private @Nullable PikoDB openStore(String store) {
        PikoDB pikoDB = this.stores.get(store);
        return (pikoDB != null && pikoDB.isOpen()) ? pikoDB : null;
    }

    /**
     * Every store's summary.
     *
     * @param stores the summaries by bean name
     */
    public record StoresDescriptor(Map<String, StoreDescriptor> stores) implements OperationResponseBody {
    }

    /**
     * One store's summary.
     *
     * @param storage where the data lives, e.g. {@code directory /srv/data}
     * @param directory the absolute database directory, or {@code null} for another storage engine
     * @param open whether the store is open; the figures below are 0 when it is not
     * @param durableWrites whether writes are forced to stable storage
     * @param tables the number of tables
     * @param records records held in every table, which may include expired records not yet removed
     * @param bytesOnDisk table files and journals together
     * @param failedTables tables refusing writes after an I/O failure, with the reason
     * @param quarantined files moved aside at startup because they could not be read
     * @param ignored files in the directory that are not tables and that the store did not create (left
     *     as they are)
     */
    public record StoreDescriptor(String storage, @Nullable String directory, boolean open, boolean durableWrites,
            int tables, long records, long bytesOnDisk, Map<String, String> failedTables,
            List<QuarantinedFileDescriptor> quarantined, List<IgnoredFileDescriptor> ignored) {

        static StoreDescriptor of(PikoDB pikoDB) {
            Path configured = pikoDB.databaseDirectory();
            String directory = (configured != null) ? configured.toAbsolutePath().toString() : null;
            String storage = pikoDB.storageDescription();
            List<QuarantinedFileDescriptor> quarantined = pikoDB.quarantinedFiles()
                .stream()
                .map(QuarantinedFileDescriptor::of)
                .toList();
            List<IgnoredFileDescriptor> ignored = pikoDB.ignoredFiles().stream().map(IgnoredFileDescriptor::of).toList();
            boolean durable = pikoDB.options().durableWrites();
            List<TableSummary> summaries = summaries(pikoDB);
            if (summaries == null) {
                return new StoreDescriptor(storage, directory, false, durable, 0, 0, 0, pikoDB.failedTables(),
                        quarantined, ignored);
            }
            long records = 0;
            long bytes = 0;
            for (TableSummary summary : summaries) {
                records += summary.records();
                bytes += summary.bytesOnDisk();
            }
            return new StoreDescriptor(storage, directory, true, durable, summaries.size(), records, bytes,
                    pikoDB.failedTables(), quarantined, ignored);
        }

        private static @Nullable List<TableSummary> summaries(PikoDB pikoDB) {
            if (!pikoDB.isOpen()) {
                return null;
            }
            try {
                return pikoDB.tableSummaries();
            }
            catch (IllegalStateException ex) {
                // closed concurrently
                return null;
            }
        }
    }

    /**
     * One store's summary with a page of its tables.
     *
     * @param store the store's summary; {@code store.tables()} is the total number of tables
     * @param offset the position of the first table listed
     * @param limit the page size asked for
     * @param tables the page of tables, in alphabetical order
     */
    public record StoreTablesDescriptor(StoreDescriptor store, int offset, int limit, List<TableDescriptor> tables)
            implements OperationResponseBody {
    }

    /**
     * One table's figures.
     *
     * @param name the table name
     * @param records records held, which may include expired records not yet removed
     * @param fileBytes size of the table file
     * @param journalBytes size of the table's journal
     * @param bytesOnDisk table file and journal together
     */
    public record TableDescriptor(String name, int records, long fileBytes, long journalBytes, long bytesOnDisk)
            implements OperationResponseBody {

        static TableDescriptor of(TableSummary summary) {
            return new TableDescriptor(summary.name(), summary.records(), summary.fileBytes(), summary.journalBytes(),
                    summary.bytesOnDisk());
        }
    }

    /**
     * A file moved aside because it could not be read.
     *
     * @param table the table it belonged to
     * @param originalFile where it was
     * @param movedTo where it is now
     * @param reason why it could not be read
     * @param detectedAt when that was found
     */
    public record QuarantinedFileDescriptor(String table, String originalFile, String movedTo, String reason,
            Instant detectedAt) {

        static QuarantinedFileDescriptor of(QuarantinedFile file) {
            return new QuarantinedFileDescriptor(file.table(), String.valueOf(file.originalFile()),
                    String.valueOf(file.movedTo()), file.reason(), file.detectedAt());
        }
    }

    /**
     * A file in the database directory that is not a table and that the store did not create.
     *
     * @param file the file
     * @param reason why it is not loaded as a table
     */
    public record IgnoredFileDescriptor(String file, String reason) {

        static IgnoredFileDescriptor of(IgnoredFile file) {
            return new IgnoredFileDescriptor(String.valueOf(file.file()), file.reason());
        }
    }

    /**
     * The result of a backup.
     *
     * @param store the store's bean name
     * @param path the backup's folder, a directory database that opens with {@code new PikoDB(path)}
     * @param tables the tables in it
     * @param records the records in it
     * @param bytes the bytes of the records' values
     * @param durationMillis how long the backup took
     */
    public record BackupDescriptor(String store, String path, int tables, long records, long bytes,
            long durationMillis) implements OperationResponseBody {
    }

    /**
     * The result of a cleanup.
     *
     * @param removed the number of expired records removed, by store
     */
    public record CleanupDescriptor(Map<String, Integer> removed) implements OperationResponseBody {
    }
}
