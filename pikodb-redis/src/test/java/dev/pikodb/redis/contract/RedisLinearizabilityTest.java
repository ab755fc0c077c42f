package dev.pikodb.redis.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import dev.pikodb.tck.KeyValueSpecification;
import dev.pikodb.tck.LinearizabilityCheck;
import dev.pikodb.tck.LinearizabilityCheck.Shape;
import dev.pikodb.tck.LinearizabilityScenario;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linearizability of the Redis engine on one {@code redis-server} (the contract suite's, which fsyncs
 * every write so that durable mode starts), in default and durable mode, with Lincheck's stress
 * strategy: {@code write}, {@code compareAndWrite}, {@code delete}, {@code get}, {@code getRecord},
 * {@code getTableSize}, {@code deleteTable} and expiration on one table, checked against
 * {@link KeyValueSpecification}. Every run starts from a deleted table and the clock at
 * {@link KeyValueSpecification#T0}; {@code -Dpikodb.reliability.long=true} runs ten times as many
 * scenarios.
 */
class RedisLinearizabilityTest {

    private static final Logger log = LoggerFactory.getLogger(RedisLinearizabilityTest.class);

    private static final Shape SHAPE = new Shape(5, 20, 2, 3);

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void everyOperationIsLinearizable(boolean durable) {
        MutableClock clock = new MutableClock(KeyValueSpecification.T0);
        try (RedisFixture fixture = ContractServers.standalone("linearizability-" + durable);
                PikoDB db = new PikoDB(fixture.options().durableWrites(durable).clock(clock).build())) {
            db.start();
            LinearizabilityCheck.Result result = LinearizabilityCheck.stress(SHAPE.scaled(), () -> {
                db.deleteTable("t");
                clock.set(KeyValueSpecification.T0);
                return new LinearizabilityScenario.Target(db, "t", clock);
            });
            log.info("Linearizability of the Redis engine ({} writes), {}", durable ? "durable" : "default", result);
            assertThat(result.runs()).as("runs of the scenarios").isGreaterThanOrEqualTo(SHAPE.scaled().scenarios());
        }
    }
}
