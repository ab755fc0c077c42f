package dev.pikodb.tck;

import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The database the cases of a {@link OneDatabaseForAllCases} test share. It is kept in the JUnit
 * store of the parameterized method, the parent of every case, which closes it (instance, then
 * fixture) when the method's last case has run.
 *
 * @param fixture the engine's fixture the database lives in
 * @param clock the clock the instance was opened with
 * @param db the started instance
 */
record SharedContractDatabase(EngineFixture fixture, MutableClock clock, PikoDB db) implements AutoCloseable {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            SharedContractDatabase.class);

    @Override
    public void close() {
        try {
            db.close();
        } finally {
            fixture.close();
        }
    }

    /**
     * Where a test's database comes from: its own, or, for a {@link OneDatabaseForAllCases} test,
     * the one its cases share.
     */
    public static final class Slot {

        private final ExtensionContext.Store store;

        private Slot(ExtensionContext.Store store) {
            this.store = store;
        }

        boolean shared() {
            return store != null;
        }

        SharedContractDatabase getOrOpen(Supplier<SharedContractDatabase> opener) {
            return store.computeIfAbsent(SharedContractDatabase.class, type -> opener.get(),
                    SharedContractDatabase.class);
        }
    }

    /** Resolves the {@link Slot} parameter of {@link ContractSupport}'s set-up method. */
    static final class SlotResolver implements ParameterResolver {

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == Slot.class;
        }

        @Override
        public Slot resolveParameter(ParameterContext parameter, ExtensionContext context) {
            boolean shared = context.getTestMethod().map(method -> method.isAnnotationPresent(
                    OneDatabaseForAllCases.class)).orElse(false);
            if (!shared) {
                return new Slot(null);
            }
            ExtensionContext method = context.getParent().filter(parent -> parent.getTestMethod().isPresent())
                    .orElseThrow(() -> new IllegalStateException("@OneDatabaseForAllCases marks a parameterized"
                            + " test, whose cases share a database; " + context.getRequiredTestMethod()
                            + " has a single case: remove the annotation or make it a @ParameterizedTest"));
            return new Slot(method.getStore(NAMESPACE));
        }
    }
}
