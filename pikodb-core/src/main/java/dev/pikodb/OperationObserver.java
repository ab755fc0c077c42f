package dev.pikodb;

import java.util.function.Supplier;

/**
 * Sees every {@link StoreOperation} of a {@link PikoDB} as it runs, to time or trace it; set with
 * {@link DatabaseOptions.Builder#observer(OperationObserver)}. {@code pikodb-spring}'s
 * {@code dev.pikodb.spring.observation.PikoDBObservations} is the implementation with Micrometer's
 * Observation API, which the Spring Boot starter installs when the application has an
 * {@code ObservationRegistry}.
 *
 * <p>A database without an observer runs each operation directly: the only cost of this seam is
 * one field test per call.
 */
public interface OperationObserver {

    /**
     * Runs one operation on the calling thread and returns what it returns. An implementation must
     * call {@code operation} exactly once, return its result unchanged and let any exception it
     * throws propagate unchanged; it may do what it likes around the call (start a span, open a scope,
     * record the exception).
     *
     * @param type the operation
     * @param table the table it works on, or {@code null} when it works on every table ({@link StoreOperation#FLUSH},
     *     {@link StoreOperation#CLEANUP} of all tables)
     * @param operation the operation itself
     * @param <T> its result type
     * @return the operation's result
     */
    <T> T observe(StoreOperation type, String table, Supplier<T> operation);
}
