package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import dev.pikodb.tck.KeyValueSpecification;
import dev.pikodb.tck.LinearizabilityCheck;
import dev.pikodb.tck.LinearizabilityCheck.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linearizability of the directory engine with Lincheck, in default and durable mode:
 * {@code write}, {@code compareAndWrite}, {@code delete}, {@code get}, {@code getRecord},
 * {@code getTableSize}, {@code deleteTable} and expiration on one table, checked against
 * {@link KeyValueSpecification}. The runs of every scenario alternate between a database in default
 * mode and one in durable mode (one Lincheck check, so its instrumentation of the loaded classes is
 * paid once); each run starts from a deleted table and the clock at {@link KeyValueSpecification#T0}.
 * {@code -Dpikodb.reliability.long=true} runs five times as many scenarios.
 */
class DirectoryLinearizabilityTest {

    private static final Logger log = LoggerFactory.getLogger(DirectoryLinearizabilityTest.class);

    private static final Shape SHAPE = new Shape(8, 10, 2, 3);

    @TempDir
    Path directory;

    @Test
    void everyOperationIsLinearizableInBothModes() {
        MutableClock defaultClock = new MutableClock(KeyValueSpecification.T0);
        MutableClock durableClock = new MutableClock(KeyValueSpecification.T0);
        try (PikoDB defaultMode = open(directory.resolve("default"), false, defaultClock);
                PikoDB durableMode = open(directory.resolve("durable"), true, durableClock)) {
            LinearizabilityCheck.Result result = LinearizabilityCheck.stress(SHAPE.scaled(),
                    LinearizabilityCheck.alternating(defaultMode, defaultClock, durableMode, durableClock));
            log.info("Linearizability of the directory engine (default and durable writes), {}", result);
            assertThat(result.runs()).as("runs of the scenarios").isGreaterThanOrEqualTo(2L * SHAPE.scaled().scenarios());
            assertThat(defaultMode.failedTables()).isEmpty();
            assertThat(durableMode.failedTables()).isEmpty();
        }
    }

    private static PikoDB open(Path directory, boolean durable, MutableClock clock) {
        PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).durableWrites(durable)
                .clock(clock).build());
        db.start();
        return db;
    }
}
