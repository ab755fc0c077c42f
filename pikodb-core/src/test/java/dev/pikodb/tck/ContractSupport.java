package dev.pikodb.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

/**
 * The base of every contract: before each test it takes a fresh, empty database from the engine's
 * {@link EngineFixture}, opens a started {@link PikoDB} over it with a controllable clock, and after
 * the test closes every instance it opened and the fixture.
 *
 * <p>An engine runs a contract by extending it and implementing {@link #newFixture()}, e.g.
 * {@code class RedisValuesTest extends ValuesContract { protected EngineFixture newFixture() { ... } }}.
 *
 * <p>The cases of a {@link OneDatabaseForAllCases} test share one database instead, which outlives
 * each case: the engine's {@link #newFixture()} must then not tie the fixture to one test (e.g. to a
 * per-test temporary directory).
 */
@ExtendWith(SharedContractDatabase.SlotResolver.class)
public abstract class ContractSupport {

    /** 2024-11-23T22:13:20Z: the clock's time when each test starts. */
    protected static final long T0 = 1_732_400_000_000L;

    /** A plain mapper for building expected JSON trees. */
    protected static final JsonMapper JSON = JsonMapper.builder().build();

    /** The test's clock, given to every instance the test opens. */
    protected MutableClock clock;

    /** The database under test (replaced by {@link #reopen()}). */
    protected PikoDB db;

    /** The engine's fixture for this test. */
    protected EngineFixture fixture;

    private final List<PikoDB> opened = new ArrayList<>();

    /** Whether {@link #db} and {@link #fixture} are shared by the cases of the test, and closed after the last. */
    private boolean shared;

    /**
     * Creates the fixture for one test: a new, empty database on the engine under test.
     *
     * @return the fixture; closed after the test
     */
    protected abstract EngineFixture newFixture();

    /**
     * Takes a fresh database from the fixture and opens it, or, for a {@link OneDatabaseForAllCases}
     * test, takes the database its cases share (opening it for the first case).
     *
     * @param slot where the test's database comes from
     */
    @BeforeEach
    protected void openContractDatabase(SharedContractDatabase.Slot slot) {
        if (slot.shared()) {
            SharedContractDatabase database = slot.getOrOpen(() -> {
                EngineFixture created = newFixture();
                MutableClock sharedClock = new MutableClock(T0);
                PikoDB instance = new PikoDB(created.options().clock(sharedClock).build());
                try {
                    instance.start();
                } catch (RuntimeException e) {
                    created.close();
                    throw e;
                }
                return new SharedContractDatabase(created, sharedClock, instance);
            });
            shared = true;
            fixture = database.fixture();
            clock = database.clock();
            db = database.db();
            return;
        }
        fixture = newFixture();
        clock = new MutableClock(T0);
        db = open(b -> { });
    }

    /** Closes every instance the test opened, then the fixture (unless the test's cases share it). */
    @AfterEach
    protected void closeContractDatabases() {
        try {
            for (PikoDB each : opened) {
                each.close();
            }
        } finally {
            if (fixture != null && !shared) {
                fixture.close();
            }
        }
    }

    /**
     * Builds (without starting) an instance over the fixture's database with the test clock.
     *
     * @param customizer further options
     * @return the unstarted instance; closed after the test
     */
    protected PikoDB unstarted(Consumer<DatabaseOptions.Builder> customizer) {
        DatabaseOptions.Builder builder = fixture.options().clock(clock);
        customizer.accept(builder);
        PikoDB created = new PikoDB(builder.build());
        opened.add(created);
        return created;
    }

    /**
     * Opens (builds and starts) an instance over the fixture's database with the test clock.
     *
     * @param customizer further options
     * @return the started instance; closed after the test
     */
    protected PikoDB open(Consumer<DatabaseOptions.Builder> customizer) {
        PikoDB created = unstarted(customizer);
        created.start();
        return created;
    }

    /**
     * Closes the current database and opens a new instance over the same data.
     *
     * @return the new instance, also in {@link #db}
     */
    protected PikoDB reopen() {
        return reopen(b -> { });
    }

    /**
     * Closes the current database and opens a new instance over the same data with other options.
     *
     * @param customizer the new instance's options
     * @return the new instance, also in {@link #db}
     */
    protected PikoDB reopen(Consumer<DatabaseOptions.Builder> customizer) {
        if (shared) {
            throw new IllegalStateException("The cases of a @OneDatabaseForAllCases test share their database, so"
                    + " one cannot reopen it for the others: give the test a database of its own (remove the"
                    + " annotation) to reopen it");
        }
        db.close();
        db = open(customizer);
        return db;
    }

    /**
     * The tables that have data in the storage, read from the storage itself.
     *
     * @return table names
     */
    protected List<String> storedTables() {
        return fixture.storedTables();
    }

    /**
     * The entries of a table as a map, asserting that no key appears twice.
     *
     * @param entries entries as {@code PikoDB.get(table)} returns them
     * @return a map of the entries
     */
    protected static Map<String, Object> asMap(List<Map.Entry<String, Object>> entries) {
        Map<String, Object> map = new HashMap<>();
        for (Map.Entry<String, Object> entry : entries) {
            assertThat(map.containsKey(entry.getKey())).as("duplicate key %s", entry.getKey()).isFalse();
            map.put(entry.getKey(), entry.getValue());
        }
        return map;
    }

    /**
     * A mutable, ordered map of the given keys and values (which may be null).
     *
     * @param keysAndValues key, value, key, value...
     * @return the map
     */
    protected static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
