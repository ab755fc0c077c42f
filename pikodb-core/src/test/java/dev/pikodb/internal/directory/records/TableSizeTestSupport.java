package dev.pikodb.internal.directory.records;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Opens a database over a temporary directory with a test clock, and removes the count's hook after each test. */
abstract class TableSizeTestSupport {

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(1_000_000L);

    @AfterEach
    void removeHook() {
        Records.countVisited = null;
    }

    /** A started database over {@link #dir} with {@link #clock}. */
    PikoDB open(boolean durable) {
        PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(dir).durableWrites(durable).clock(clock)
                .build());
        db.start();
        return db;
    }
}
