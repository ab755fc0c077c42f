package dev.pikodb.tck;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;

/**
 * The operations Lincheck runs concurrently against one table of a real {@link PikoDB}, checked
 * against {@link KeyValueSpecification}: {@code write}, {@code compareAndWrite}, {@code delete},
 * {@code get}, {@code getRecord}, a write with an expiration, and moving the database's clock past
 * that expiration; {@link WithTableDeletion} adds {@code deleteTable}, {@link WithTableSize} also
 * {@code getTableSize}. Two
 * keys, three values and expected versions 0-2 keep the scenarios small and make operations collide.
 *
 * <p>Lincheck creates an instance for every run of a scenario; each takes a fresh, empty table and
 * a clock at {@link KeyValueSpecification#T0} from the engine under test, which
 * {@link LinearizabilityCheck} installs.
 */
@Param(name = "key", gen = IntGen.class, conf = "0:1")
@Param(name = "value", gen = IntGen.class, conf = "0:2")
@Param(name = "version", gen = IntGen.class, conf = "0:2")
public class LinearizabilityScenario {

    /** A fresh, empty table on the engine under test, with the clock its database reads. */
    public record Target(PikoDB db, String table, MutableClock clock) {
    }

    /** Hands out a fresh {@link Target} for each run of a scenario. */
    @FunctionalInterface
    public interface Engine {
        /**
         * A fresh target; the engine may close what it handed out before.
         *
         * @return an empty table with its clock at {@link KeyValueSpecification#T0}
         */
        Target fresh();
    }

    private static volatile Engine engine;
    private static final AtomicLong RUNS = new AtomicLong();

    private final PikoDB db;
    private final String table;
    private final MutableClock clock;

    /** Takes a fresh table from the installed engine (Lincheck calls this for every run). */
    public LinearizabilityScenario() {
        Engine current = engine;
        if (current == null) {
            throw new IllegalStateException("No engine installed: run scenarios through LinearizabilityCheck");
        }
        Target target = current.fresh();
        this.db = target.db();
        this.table = target.table();
        this.clock = target.clock();
        RUNS.incrementAndGet();
    }

    static void install(Engine installed) {
        engine = installed;
    }

    static long runs() {
        return RUNS.get();
    }

    static String key(int key) {
        return "k" + key;
    }

    @Operation
    public long write(@Param(name = "key") int key, @Param(name = "value") int value) {
        return db.write(table, key(key), value);
    }

    @Operation
    public long writeExpiring(@Param(name = "key") int key, @Param(name = "value") int value) {
        return db.write(table, key(key), value, KeyValueSpecification.EXPIRES_AT);
    }

    @Operation
    public boolean compareAndWrite(@Param(name = "key") int key, @Param(name = "version") int expectedVersion,
            @Param(name = "value") int value) {
        return db.compareAndWrite(table, key(key), expectedVersion, value);
    }

    @Operation
    public boolean delete(@Param(name = "key") int key) {
        return db.delete(table, key(key));
    }

    @Operation
    public Object get(@Param(name = "key") int key) {
        return db.get(table, key(key));
    }

    @Operation
    public String getRecord(@Param(name = "key") int key) {
        Optional<DatabaseRecord> record = db.getRecord(table, key(key));
        return record.map(r -> KeyValueSpecification.describe(r.value(), r.version(), r.expiration()))
                .orElse(KeyValueSpecification.ABSENT);
    }

    @Operation
    public void passTime() {
        clock.set(KeyValueSpecification.LATER);
    }

    /** The operations of {@link LinearizabilityScenario} and {@code deleteTable}, run concurrently with them. */
    public static class WithTableDeletion extends LinearizabilityScenario {

        /** Takes a fresh table from the installed engine (Lincheck calls this for every run). */
        public WithTableDeletion() {
            super();
        }

        @Operation
        public boolean deleteTable() {
            return db().deleteTable(table());
        }
    }

    /**
     * The operations of {@link WithTableDeletion} and {@code getTableSize}: for an engine whose count of a
     * table is one atomic step (the directory engine). A count that sums parts of the table each counted
     * at its own instant (the Redis engine's buckets) is not checked here; see
     * {@link LinearizabilityCheck#stressWithoutTableSize}.
     */
    public static final class WithTableSize extends WithTableDeletion {

        /** Takes a fresh table from the installed engine (Lincheck calls this for every run). */
        public WithTableSize() {
            super();
        }

        @Operation
        public int getTableSize() {
            return db().getTableSize(table());
        }
    }

    PikoDB db() {
        return db;
    }

    String table() {
        return table;
    }
}
