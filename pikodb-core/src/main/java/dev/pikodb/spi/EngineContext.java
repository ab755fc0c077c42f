package dev.pikodb.spi;

import java.time.Clock;
import java.util.Objects;

/**
 * What the facade hands an engine when it opens: the options that concern storage, and where to
 * report changes.
 *
 * @param clock the clock for write timestamps and expiration; never {@code null}
 * @param clockConfigured whether the application gave {@link #clock()} explicitly. An engine shared
 *     by several processes may prefer its own time source (a server's clock) when it was not
 * @param durableWrites whether a write must be on stable storage before it is acknowledged
 * @param changes where to report visible changes; {@link ChangeSink#NONE} when nobody listens
 */
public record EngineContext(Clock clock, boolean clockConfigured, boolean durableWrites, ChangeSink changes) {

    /**
     * Checks the arguments.
     *
     * @param clock the clock
     * @param clockConfigured whether it was configured
     * @param durableWrites whether writes are durable
     * @param changes the change sink
     */
    public EngineContext {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(changes, "changes");
    }

    /**
     * A context whose changes nobody listens to.
     *
     * @param clock the clock
     * @param clockConfigured whether it was configured
     * @param durableWrites whether writes are durable
     */
    public EngineContext(Clock clock, boolean clockConfigured, boolean durableWrites) {
        this(clock, clockConfigured, durableWrites, ChangeSink.NONE);
    }
}
