package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import dev.pikodb.tck.KeyValueSpecification;
import dev.pikodb.tck.LinearizabilityCheck;
import dev.pikodb.tck.LinearizabilityCheck.Shape;
import dev.pikodb.tck.LinearizabilityScenario;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linearizability of the directory engine, in default and durable mode, with Lincheck:
 * {@code write}, {@code compareAndWrite}, {@code delete}, {@code get}, {@code getRecord},
 * {@code getTableSize}, {@code deleteTable} and expiration on one table, checked against
 * {@link KeyValueSpecification}. Every run starts from a deleted table and the clock at
 * {@link KeyValueSpecification#T0}; {@code -Dpikodb.reliability.long=true} runs ten times as many
 * scenarios.
 */
class DirectoryLinearizabilityTest {

    private static final Logger log = LoggerFactory.getLogger(DirectoryLinearizabilityTest.class);

    private static final Shape SHAPE = new Shape(5, 20, 2, 3);

    @TempDir
    Path directory;

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void everyOperationIsLinearizable(boolean durable) {
        MutableClock clock = new MutableClock(KeyValueSpecification.T0);
        try (PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).durableWrites(durable)
                .clock(clock).build())) {
            db.start();
            LinearizabilityCheck.Result result = LinearizabilityCheck.stress(SHAPE.scaled(), () -> {
                db.deleteTable("t");
                clock.set(KeyValueSpecification.T0);
                return new LinearizabilityScenario.Target(db, "t", clock);
            });
            log.info("Linearizability of the directory engine ({} writes), {}", durable ? "durable" : "default",
                    result);
            assertThat(result.runs()).as("runs of the scenarios").isGreaterThanOrEqualTo(SHAPE.scaled().scenarios());
            assertThat(db.failedTables()).isEmpty();
        }
    }
}
