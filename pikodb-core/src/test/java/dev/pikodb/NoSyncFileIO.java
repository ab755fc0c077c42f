package dev.pikodb;

import java.nio.file.Path;

/**
 * The real file system without fsync: forces of files and directories are skipped. For opening
 * thousands of throw-away crash images quickly, and for the fault loops, which check the store's
 * logic rather than the hardware: what a database reads back does not depend on whether its files
 * were forced, and fsync would dominate the running time.
 */
public final class NoSyncFileIO extends ForwardingFileIO {

    /** The one instance; it holds no state. */
    public static final NoSyncFileIO INSTANCE = new NoSyncFileIO();

    private NoSyncFileIO() {
    }

    @Override
    protected Handle wrap(Path path, Handle handle) {
        return new ForwardingHandle(handle) {
            @Override
            public void force() {
                // not needed for a throw-away copy
            }
        };
    }

    @Override
    public void forceDirectory(Path directory) {
        // not needed for a throw-away copy
    }

    /**
     * Opens (constructs and starts) a database over a throw-away directory without fsync.
     *
     * @param directory the database directory
     * @return the started database; the caller closes it
     */
    public static PikoDB open(Path directory) {
        PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).fileIO(INSTANCE).build());
        db.start();
        return db;
    }
}
