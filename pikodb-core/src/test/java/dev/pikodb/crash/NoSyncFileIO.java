package dev.pikodb.crash;

import dev.pikodb.CrashTestHooks;
import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import java.nio.file.Path;

/**
 * The real file system without fsync, for opening thousands of throw-away crash images quickly:
 * what a database reads back does not depend on whether its files were forced.
 */
final class NoSyncFileIO extends ForwardingFileIO {

    static final NoSyncFileIO INSTANCE = new NoSyncFileIO();

    @Override
    Handle wrap(Path path, Handle handle) {
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

    /** Opens (constructs and starts) a database over a throw-away directory. */
    static PikoDB open(Path directory) {
        PikoDB db = new PikoDB(CrashTestHooks.fileIO(DatabaseOptions.builder().databaseDirectory(directory), INSTANCE)
                .build());
        db.start();
        return db;
    }
}
