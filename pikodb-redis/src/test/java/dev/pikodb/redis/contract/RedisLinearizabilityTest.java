package dev.pikodb.redis.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import dev.pikodb.tck.KeyValueSpecification;
import dev.pikodb.tck.LincheckWithoutInstrumentation;
import dev.pikodb.tck.LinearizabilityCheck;
import dev.pikodb.tck.LinearizabilityCheck.Shape;
import dev.pikodb.tck.LinearizabilityScenario;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linearizability of the Redis engine with Lincheck's stress strategy, on one {@code redis-server}
 * and on a 3-master Redis Cluster (the contract suite's, which fsync every write so that durable mode
 * starts), in default and durable mode: {@code write}, {@code compareAndWrite}, {@code delete},
 * {@code get}, {@code getRecord}, expiration and {@code deleteTable} on one table, checked against
 * {@link KeyValueSpecification}. {@code getTableSize} is not among them: it sums the counts of the
 * table's 16 buckets, each taken atomically by one script at its own instant, so under concurrent
 * changes it is not the size at one point in time (it was found returning 2 while another thread ran
 * {@code writeExpiring(k1)}, {@code passTime()}, {@code write(k0)}). What it does guarantee is checked
 * by {@code TableSizeUnderWritesTest}. The runs of every scenario alternate between a
 * database in default mode and one in durable mode, each run on a deleted table with the clock at
 * {@link KeyValueSpecification#T0}. {@code -Dpikodb.reliability.long=true} runs five times as many
 * scenarios.
 *
 * <p>{@code deleteTable} is checked with them. A deletion concurrent with a table's first write was
 * once not linearizable: on a table that did not exist, {@code write(k0)} and {@code deleteTable()}
 * ran at once and returned 1 and true, then {@code deleteTable()} returned true again. The deletion
 * had seen the table that the write had just listed, and the write, refused by the emptied bucket,
 * listed the table again and stored its record after the deletion. A deletion now returns true only
 * when a write of the dropped generation was stored in one of the table's buckets.
 *
 * <p>Lincheck runs without its agent's class rewriting ({@link LincheckWithoutInstrumentation}): with
 * the Redis client's classes loaded, that rewriting took 49 s before the first scenario and longer
 * after the last, and then the test JVM hung.
 */
class RedisLinearizabilityTest {

    private static final Logger log = LoggerFactory.getLogger(RedisLinearizabilityTest.class);

    private static final Shape SHAPE = new Shape(8, 10, 2, 3);

    @Test
    void everyOperationIsLinearizableOnOneServerInBothModes() {
        check("one server", ContractServers::standalone);
    }

    @Test
    void everyOperationIsLinearizableOnAClusterInBothModes() {
        check("a 3-master cluster", ContractServers::cluster);
    }

    private static void check(String where, Function<String, RedisFixture> fixtures) {
        MutableClock defaultClock = new MutableClock(KeyValueSpecification.T0);
        MutableClock durableClock = new MutableClock(KeyValueSpecification.T0);
        try (RedisFixture defaultFixture = fixtures.apply("linearizability-default");
                RedisFixture durableFixture = fixtures.apply("linearizability-durable");
                PikoDB defaultMode = new PikoDB(defaultFixture.options().clock(defaultClock).build());
                PikoDB durableMode = new PikoDB(durableFixture.options().durableWrites(true).clock(durableClock)
                        .build())) {
            defaultMode.start();
            durableMode.start();
            LinearizabilityScenario.Engine engine = LinearizabilityCheck.alternating(defaultMode, defaultClock,
                    durableMode, durableClock);
            LinearizabilityCheck.Result result = LinearizabilityCheck.stressWithoutTableSize(SHAPE.scaled(),
                    engine);
            log.info("Linearizability of the Redis engine on {} (default and durable writes), {}", where, result);
            assertThat(result.runs()).as("runs of the scenarios").isGreaterThanOrEqualTo(2L * SHAPE.scaled().scenarios());
        }
    }
}
