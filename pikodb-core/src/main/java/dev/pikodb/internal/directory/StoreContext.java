package dev.pikodb.internal.directory;

import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.internal.directory.records.Stats;
import dev.pikodb.spi.ChangeSink;
import java.nio.file.Path;
import java.time.Clock;

/** What every table of one store shares. */
record StoreContext(Path directory, FileIO io, boolean durable, Clock clock, Stats stats, OpenJournals journals,
        ChangeSink changes, Compactor compactor) {
}
