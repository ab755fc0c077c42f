package dev.pikodb.autoconfigure.endpoint;

import dev.pikodb.PikoDB;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * HTTP statuses for the {@link PikoDBEndpoint pikodb endpoint}: 404 for a store or table that does not
 * exist, 503 Service Unavailable for a store that is closed (it exists but cannot answer).
 */
@EndpointWebExtension(endpoint = PikoDBEndpoint.class)
public class PikoDBEndpointWebExtension {

    private final PikoDBEndpoint delegate;

    /**
     * Creates the extension.
     *
     * @param delegate the endpoint
     */
    public PikoDBEndpointWebExtension(PikoDBEndpoint delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate must not be null");
    }

    /**
     * One store with a page of its tables.
     *
     * @param store the store's bean name
     * @param offset the first table to list
     * @param limit how many tables to list
     * @return 200 with the store, 404 when there is no such store, 503 when it is closed
     */
    @ReadOperation
    public WebEndpointResponse<PikoDBEndpoint.StoreTablesDescriptor> store(@Selector String store,
            @Nullable Integer offset, @Nullable Integer limit) {
        return respond(store, () -> this.delegate.store(store, offset, limit));
    }

    /**
     * One table.
     *
     * @param store the store's bean name
     * @param table the table name
     * @return 200 with the table, 404 when there is no such store or table, 503 when the store is closed
     */
    @ReadOperation
    public WebEndpointResponse<PikoDBEndpoint.TableDescriptor> table(@Selector String store, @Selector String table) {
        return respond(store, () -> this.delegate.table(store, table));
    }

    /**
     * Removes the expired records of one store now.
     *
     * @param store the store's bean name
     * @return 200 with the count, 404 when there is no such store, 503 when it is closed
     */
    @DeleteOperation
    public WebEndpointResponse<PikoDBEndpoint.CleanupDescriptor> cleanupStore(@Selector String store) {
        return respond(store, () -> this.delegate.cleanupStore(store));
    }

    /**
     * Backs one store up into {@code pikodb.backup.directory}.
     *
     * @param store the store's bean name
     * @return 200 with the backup, 404 when there is no such store, 503 when it is closed, 400 when
     *     {@code pikodb.backup.directory} is not set
     */
    @WriteOperation
    public WebEndpointResponse<PikoDBEndpoint.BackupDescriptor> backup(@Selector String store) {
        return respond(store, () -> this.delegate.backup(store));
    }

    private <T> WebEndpointResponse<T> respond(String store, Supplier<@Nullable T> operation) {
        PikoDB pikoDB = this.delegate.findStore(store);
        if (pikoDB == null) {
            return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
        }
        if (!pikoDB.isOpen()) {
            return new WebEndpointResponse<>(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
        }
        T body = operation.get();
        if (body == null) {
            // a missing table, or the store closed meanwhile
            return new WebEndpointResponse<>(pikoDB.isOpen() ? WebEndpointResponse.STATUS_NOT_FOUND
                    : WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
        }
        return new WebEndpointResponse<>(body);
    }
}
