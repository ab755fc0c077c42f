package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import dev.pikodb.internal.directory.DirectoryStorage;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.tck.KeyValueSpecification;
import dev.pikodb.tck.LinearizabilityCheck;
import dev.pikodb.tck.LinearizabilityCheck.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The linearizability check that {@link DirectoryLinearizabilityTest} and the Redis engine's tests
 * run, with Lincheck rewriting no class, fails on an engine that is not linearizable: the directory
 * engine behind {@link StaleReadCacheEngine}, whose reads can return a deleted record. It runs the
 * same scenarios, alternating two such databases as the real checks alternate default and durable
 * mode.
 */
class LinearizabilityCheckCatchesStaleReadsTest {

    private static final Logger log = LoggerFactory.getLogger(LinearizabilityCheckCatchesStaleReadsTest.class);

    private static final Shape SHAPE = new Shape(8, 10, 2, 3);

    @TempDir
    Path directory;

    @Test
    void aReadCacheThatDeletesDoNotClearIsReportedAsNotLinearizable() throws IOException {
        MutableClock firstClock = new MutableClock(KeyValueSpecification.T0);
        MutableClock secondClock = new MutableClock(KeyValueSpecification.T0);
        try (PikoDB first = open(directory.resolve("first"), firstClock);
                PikoDB second = open(directory.resolve("second"), secondClock)) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> LinearizabilityCheck.stressWithoutMinimizing(SHAPE,
                    LinearizabilityCheck.alternating(first, firstClock, second, secondClock)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Invalid execution results")
                    .satisfies(failure -> log.info("Lincheck found the stale read cache not linearizable in {} ms:\n{}",
                            (System.nanoTime() - started) / 1_000_000, failure.getMessage()));
        }
    }

    private static PikoDB open(Path directory, MutableClock clock) throws IOException {
        Files.createDirectories(directory);
        PikoDB db = new PikoDB(DatabaseOptions.builder()
                .storage(new StaleReadCacheEngine(new DirectoryStorage(directory, FileIO.DEFAULT, 64)))
                .clock(clock).build());
        db.start();
        return db;
    }
}
