package dev.pikodb.autoconfigure.endpoint;

import dev.pikodb.IgnoredFile;
import dev.pikodb.PikoDB;
import dev.pikodb.QuarantinedFile;
import dev.pikodb.TableSummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code pikodb} actuator endpoint ({@code /actuator/pikodb}): the store's tables with their sizes,
 * one table's summary ({@code /actuator/pikodb/{table}}), and a write operation that removes expired
 * records now. It never returns stored values.
 */
@Endpoint(id = "pikodb")
public class PikoDBEndpoint {

    private final PikoDB pikoDB;

    /**
     * Creates the endpoint for a store.
     *
     * @param pikoDB the store
     */
    public PikoDBEndpoint(PikoDB pikoDB) {
        this.pikoDB = Objects.requireNonNull(pikoDB, "pikoDB must not be null");
    }

    /**
     * Describes the store and lists its tables.
     *
     * @return the description
     */
    @ReadOperation
    public PikoDBDescriptor pikodb() {
        boolean open = this.pikoDB.isOpen();
        List<TableDescriptor> tables = open
                ? this.pikoDB.tableSummaries().stream().map(TableDescriptor::of).toList() : List.of();
        List<QuarantinedFileDescriptor> quarantined = this.pikoDB.quarantinedFiles()
            .stream()
            .map(QuarantinedFileDescriptor::of)
            .toList();
        List<IgnoredFileDescriptor> ignored = this.pikoDB.ignoredFiles()
            .stream()
            .map(IgnoredFileDescriptor::of)
            .toList();
        return new PikoDBDescriptor(this.pikoDB.databaseDirectory().toAbsolutePath().toString(), open,
                this.pikoDB.options().durableWrites(), tables, quarantined, ignored, this.pikoDB.failedTables());
    }

    /**
     * Describes one table.
     *
     * @param table the table name
     * @return the table's summary, or {@code null} (HTTP 404) when there is no such table
     */
    @ReadOperation
    public TableDescriptor table(@Selector String table) {
        if (!this.pikoDB.isOpen()) {
            return null;
        }
        Optional<TableSummary> summary;
        try {
            summary = this.pikoDB.tableSummary(table);
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidEndpointRequestException(ex.getMessage(), "Invalid table name");
        }
        return summary.map(TableDescriptor::of).orElse(null);
    }

    /**
     * Removes the expired records of every table now.
     *
     * @return the number of records removed
     */
    @WriteOperation
    public CleanupDescriptor cleanup() {
        return new CleanupDescriptor(this.pikoDB.cleanupAllExpired());
    }

    /**
     * The store and its tables.
     *
     * @param directory the absolute database directory
     * @param open whether the store is open
     * @param durableWrites whether writes are forced to stable storage
     * @param tables the tables, in alphabetical order
     * @param quarantined files moved aside at startup because they could not be read
     * @param ignored files in the directory that are not tables and that the store did not create (left as they are)
     * @param failedTables tables refusing writes after an I/O failure, with the reason
     */
    public record PikoDBDescriptor(String directory, boolean open, boolean durableWrites, List<TableDescriptor> tables,
            List<QuarantinedFileDescriptor> quarantined, List<IgnoredFileDescriptor> ignored,
            Map<String, String> failedTables)
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
     * The result of a cleanup.
     *
     * @param removed the number of expired records removed
     */
    public record CleanupDescriptor(int removed) implements OperationResponseBody {
    }
}
