package dev.pikodb.benchmarks.store;

import dev.pikodb.benchmarks.UserProfile;
import java.util.Map;

/**
 * What the workloads need from a store: one adapter per store, each giving the durability guarantee
 * of the mode it was opened in (see {@link StoreKind}). Every method may be called from several
 * threads at once.
 */
public interface KeyValueStore extends AutoCloseable {

    /**
     * Writes one value as its own committed transaction, returning only once the mode's guarantee holds.
     *
     * @param table the table
     * @param key the key
     * @param value the value
     */
    void write(String table, String key, UserProfile value);

    /**
     * Writes many values as fast as the store allows; used only to prepare data, never measured.
     *
     * @param table the table
     * @param values the key-value pairs
     */
    void writeAll(String table, Map<String, UserProfile> values);

    /**
     * Removes keys; used only to restore a table's size between measurements, never measured.
     *
     * @param table the table
     * @param keys the keys
     */
    void deleteAll(String table, Iterable<String> keys);

    /**
     * Reads one value as Jackson's untyped mapping.
     *
     * @param table the table
     * @param key an existing key
     * @return the value as a {@code Map}
     */
    Object readUntyped(String table, String key);

    /**
     * Reads one value as a {@link UserProfile}.
     *
     * @param table the table
     * @param key an existing key
     * @return the value
     */
    UserProfile readTyped(String table, String key);

    /**
     * Reads and decodes (to {@code Map}) every value of a table.
     *
     * @param table the table
     * @return the number of values read
     */
    int readAll(String table);

    /** Brings the store's files fully up to date (outside any measurement). */
    void flush();

    /** Closes the store cleanly. */
    @Override
    void close();
}
