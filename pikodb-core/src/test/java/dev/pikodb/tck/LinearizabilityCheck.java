package dev.pikodb.tck;

import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * Runs {@link LinearizabilityScenario} with Lincheck's stress strategy against an engine and checks
 * every result against {@link KeyValueSpecification}: real threads start each scenario's parallel
 * part together, every scenario runs many times, and each run's results must be those of some order
 * of its operations that respects their real-time order.
 *
 * <p>Lincheck's model checking (which controls the interleaving at every shared-memory access) does
 * not apply to either engine: it refuses code that performs file operations ("File operations are
 * not supported in Lincheck", raised at the directory engine's first {@code Path.resolve}), and a
 * server engine's work happens in another process.
 *
 * <p>Lincheck runs without rewriting any class ({@link LincheckWithoutInstrumentation}): what its
 * agent adds to the stress strategy is only the tracking of coroutine suspensions, which these
 * operations do not have, and with the Redis client loaded the agent's rewriting of every loaded
 * class took minutes.
 *
 * <p>The scenarios are small: 2 threads of {@link Shape#actorsPerThread} operations, after
 * {@link Shape#actorsBefore} operations run alone and followed by one. The long mode
 * ({@code -Dpikodb.reliability.long=true}) runs five times as many scenarios.
 */
public final class LinearizabilityCheck {

    /** The size and number of the scenarios of one check. */
    public record Shape(int scenarios, int invocationsPerScenario, int actorsBefore, int actorsPerThread) {

        /** The same shape with five times as many scenarios in the long mode. */
        public Shape scaled() {
            return Boolean.getBoolean("pikodb.reliability.long") ? new Shape(scenarios * 5, invocationsPerScenario,
                    actorsBefore, actorsPerThread) : this;
        }
    }

    /** What a check ran: its mode, the scenarios generated, the runs of them (each on a fresh table), its time. */
    public record Result(String mode, Shape shape, long runs, long millis) {

        @Override
        public String toString() {
            return mode + ": " + shape.scenarios() + " scenarios of 2 threads x " + shape.actorsPerThread()
                    + " operations (after " + shape.actorsBefore() + " alone, before 1), " + runs
                    + " runs, all linearizable, in " + millis + " ms";
        }
    }

    private LinearizabilityCheck() {
    }

    /**
     * Stress-tests the scenarios against an engine: real threads, each scenario run many times.
     *
     * @param shape the scenarios
     * @param engine hands out a fresh table for every run
     * @return what ran
     */
    public static Result stress(Shape shape, LinearizabilityScenario.Engine engine) {
        return run("stress", configure(new StressOptions(), shape), shape, engine,
                LinearizabilityScenario.WithTableSize.class);
    }

    /**
     * As {@link #stress}, without {@code getTableSize}: for an engine whose count of a table is a sum of
     * parts each counted atomically at its own instant, which is exact on a table that no call changes
     * while it counts but is not one point in time under concurrent changes (the Redis engine's 16
     * buckets, counted by one script each).
     *
     * @param shape the scenarios
     * @param engine hands out a fresh table for every run
     * @return what ran
     */
    public static Result stressWithoutTableSize(Shape shape, LinearizabilityScenario.Engine engine) {
        return run("stress", configure(new StressOptions(), shape), shape, engine,
                LinearizabilityScenario.WithTableDeletion.class);
    }

    /**
     * As {@link #stress}, but a failure reports the scenario as it failed, without Lincheck's search
     * for a smaller failing scenario (which re-runs it many times): for a check that is expected to fail.
     *
     * @param shape the scenarios
     * @param engine hands out a fresh table for every run
     * @return what ran
     */
    public static Result stressWithoutMinimizing(Shape shape, LinearizabilityScenario.Engine engine) {
        return run("stress", configure(new StressOptions(), shape).minimizeFailedScenario(false), shape, engine,
                LinearizabilityScenario.WithTableSize.class);
    }

    /**
     * An engine whose runs alternate between two databases (default and durable mode, say), each run
     * on table {@code t} after deleting it and setting the database's clock to
     * {@link KeyValueSpecification#T0}.
     *
     * @param first a started database, used by the odd runs
     * @param firstClock the clock {@code first} reads
     * @param second a started database, used by the even runs
     * @param secondClock the clock {@code second} reads
     * @return the engine to check
     */
    public static LinearizabilityScenario.Engine alternating(PikoDB first, MutableClock firstClock, PikoDB second,
            MutableClock secondClock) {
        AtomicLong runs = new AtomicLong();
        return () -> {
            boolean odd = runs.incrementAndGet() % 2 == 1;
            PikoDB db = odd ? first : second;
            MutableClock clock = odd ? firstClock : secondClock;
            db.deleteTable("t");
            clock.set(KeyValueSpecification.T0);
            return new LinearizabilityScenario.Target(db, "t", clock);
        };
    }

    private static <O extends Options<O, ?>> O configure(O options, Shape shape) {
        return options.iterations(shape.scenarios()).invocationsPerIteration(shape.invocationsPerScenario())
                .threads(2).actorsBefore(shape.actorsBefore()).actorsPerThread(shape.actorsPerThread())
                .actorsAfter(1).sequentialSpecification(KeyValueSpecification.class);
    }

    private static Result run(String mode, Options<?, ?> options, Shape shape,
            LinearizabilityScenario.Engine engine, Class<? extends LinearizabilityScenario> scenario) {
        long started = System.nanoTime();
        long runsBefore = LinearizabilityScenario.runs();
        LincheckWithoutInstrumentation.prepare();
        LinearizabilityScenario.install(engine);
        try {
            options.check(scenario);
        } finally {
            LinearizabilityScenario.install(null);
        }
        return new Result(mode, shape, LinearizabilityScenario.runs() - runsBefore,
                (System.nanoTime() - started) / 1_000_000);
    }
}
