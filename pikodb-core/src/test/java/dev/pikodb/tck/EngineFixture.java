package dev.pikodb.tck;

import dev.pikodb.DatabaseOptions;
import java.util.List;

/**
 * One empty database on the engine under test, for one contract test.
 *
 * <p>An engine's test sources implement this once (the directory engine over a temporary directory,
 * a server engine over a fresh key prefix on a running server) and return a new fixture from
 * {@link ContractSupport#newFixture()} for every test. The contract sets the clock and any other
 * option on the builders it gets; the fixture binds only the storage.
 *
 * <p>Requirements on the engine behind the fixture, besides every rule of the API:
 * <ul>
 * <li>{@code durableWrites(true)} starts (a server engine's test server is configured so that it can).</li>
 * <li>The engine uses the configured clock ({@code DatabaseOptions.clock}) for timestamps and
 * expiration: the contracts move time with a {@code MutableClock}.</li>
 * </ul>
 */
public interface EngineFixture extends AutoCloseable {

    /**
     * A builder bound to a new engine instance over this fixture's database. The database is empty
     * before the first instance writes; every later builder opens the same data (that is how the
     * contracts restart a database). Each call returns a new engine, since an engine opens once.
     *
     * @return a builder with the storage set and nothing else
     */
    DatabaseOptions.Builder options();

    /**
     * The tables that have any data in the storage, read from the storage itself rather than
     * through {@code PikoDB}: for the directory engine the visible files (one per table), for a
     * server engine the tables named by the keys under the database's prefix. The contracts call it
     * after {@code flush()} (or {@code deleteTable}), with or without an instance open, to check
     * that a refused or read-only call stored nothing.
     *
     * @return table names, in any order
     */
    List<String> storedTables();

    /**
     * Whether two instances may be open over the same data at once and see each other's writes
     * (a server engine). When false, the engine refuses to start a second instance while one is open
     * (the directory engine's lock).
     *
     * @return true for a shared engine
     */
    boolean sharesDataAcrossInstances();

    /** Releases what the fixture holds (for a server engine: deletes the database's keys). */
    @Override
    default void close() {
    }
}
