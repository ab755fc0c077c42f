package dev.pikodb.benchmarks.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The compared stores and how each is configured in the default and the durable mode.
 *
 * <pre>
 * Guarantees per mode (a write call returns only once the guarantee holds):
 *
 *   default mode: an acknowledged write survives the process being killed (kill -9),
 *                 but not necessarily a power loss or kernel crash.
 *     PikoDB   durableWrites=false: the write's journal frame is handed to the OS (write(2)).
 *     SQLite   journal_mode=WAL, synchronous=NORMAL, autocommit: the commit is in the WAL file in
 *              the OS page cache; the WAL is fsynced only at checkpoints.
 *     MVStore  MVMap.put + MVStore.commit(): the commit's chunk is written to the file (no fsync).
 *
 *   durable mode: an acknowledged write also survives power loss.
 *     PikoDB   durableWrites=true: the journal frame is forced to stable storage (fsync/fdatasync,
 *              plus the directory after creates and renames) before the write returns.
 *     SQLite   journal_mode=WAL, synchronous=FULL, autocommit: the WAL is fsynced at every commit.
 *     MVStore  MVMap.put + commit() + sync(): the chunk is written, then the file is forced.
 *
 * SQLite allows one writer at a time; its adapter runs every statement on one connection under a lock
 * (extra connections would only add busy-handler back-off). MVStore and PikoDB take concurrent calls.
 * </pre>
 */
public enum StoreKind {

    /** PikoDB, the store under test. */
    PIKODB("PikoDB", "PikoDB durable"),
    /** SQLite through sqlite-jdbc, a table {@code (key TEXT PRIMARY KEY, value TEXT)} per table. */
    SQLITE("SQLite WAL sync=NORMAL", "SQLite WAL sync=FULL"),
    /** H2's MVStore, an {@code MVMap<String, String>} per table. */
    MVSTORE("MVStore commit", "MVStore commit+sync");

    private final String defaultLabel;
    private final String durableLabel;

    StoreKind(String defaultLabel, String durableLabel) {
        this.defaultLabel = defaultLabel;
        this.durableLabel = durableLabel;
    }

    /**
     * The name printed in the report.
     *
     * @param durable whether the durable configuration is meant
     * @return the label
     */
    public String label(boolean durable) {
        return durable ? durableLabel : defaultLabel;
    }

    /**
     * Opens (creating when missing) a store over a directory of its own.
     *
     * @param directory the directory holding the store's files
     * @param durable whether writes must survive power loss
     * @return the open store
     */
    public KeyValueStore open(Path directory, boolean durable) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the directory " + directory + " for " + label(durable), e);
        }
        return switch (this) {
            case PIKODB -> new PikoDbStore(directory, durable);
            case SQLITE -> new SqliteStore(directory, durable);
            case MVSTORE -> new MvStoreStore(directory, durable);
        };
    }
}
