package dev.pikodb.redis.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import dev.pikodb.tck.KeyValueSpecification;
import dev.pikodb.tck.LinearizabilityCheck;
import dev.pikodb.tck.LinearizabilityCheck.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linearizability of the Redis engine with Lincheck's stress strategy, on one {@code redis-server}
 * (the contract suite's, which fsyncs every write so that durable mode starts), in default and
 * durable mode: {@code write}, {@code compareAndWrite}, {@code delete}, {@code get},
 * {@code getRecord}, {@code getTableSize}, {@code deleteTable} and expiration on one table, checked
 * against {@link KeyValueSpecification}. The runs of every scenario alternate between a database in
 * default mode and one in durable mode, each run on a deleted table with the clock at
 * {@link KeyValueSpecification#T0}.
 *
 * <p>It runs in the long mode only ({@code -Dpikodb.reliability.long=true}, five times as many
 * scenarios): before its first scenario, Lincheck's instrumentation rewrites the classes loaded in
 * the JVM, and with the Redis client's classes loaded that took minutes on a loaded 2-CPU machine,
 * more than the build's budget.
 */
@EnabledIfSystemProperty(named = "pikodb.reliability.long", matches = "true",
        disabledReason = "long mode only: -Dpikodb.reliability.long=true")
class RedisLinearizabilityTest {

    private static final Logger log = LoggerFactory.getLogger(RedisLinearizabilityTest.class);

    private static final Shape SHAPE = new Shape(8, 10, 2, 3);

    @Test
    void everyOperationIsLinearizableInBothModes() {
        MutableClock defaultClock = new MutableClock(KeyValueSpecification.T0);
        MutableClock durableClock = new MutableClock(KeyValueSpecification.T0);
        try (RedisFixture defaultFixture = ContractServers.standalone("linearizability-default");
                RedisFixture durableFixture = ContractServers.standalone("linearizability-durable");
                PikoDB defaultMode = new PikoDB(defaultFixture.options().clock(defaultClock).build());
                PikoDB durableMode = new PikoDB(durableFixture.options().durableWrites(true).clock(durableClock)
                        .build())) {
            defaultMode.start();
            durableMode.start();
            LinearizabilityCheck.Result result = LinearizabilityCheck.stress(SHAPE.scaled(),
                    LinearizabilityCheck.alternating(defaultMode, defaultClock, durableMode, durableClock));
            log.info("Linearizability of the Redis engine (default and durable writes), {}", result);
            assertThat(result.runs()).as("runs of the scenarios").isGreaterThanOrEqualTo(2L * SHAPE.scaled().scenarios());
        }
    }
}
