package dev.pikodb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock whose time the test sets explicitly, so that expiration is tested without waiting. Public
 * because the contract suite ({@code dev.pikodb.tck}) hands it to every engine under test.
 */
public final class MutableClock extends Clock {

    private final AtomicLong millis;
    private final ZoneId zone;

    /**
     * Starts the clock at a fixed instant.
     *
     * @param epochMillis the initial time
     */
    public MutableClock(long epochMillis) {
        this(new AtomicLong(epochMillis), ZoneOffset.UTC);
    }

    /**
     * Starts the clock at a fixed instant.
     *
     * @param start the initial time
     */
    public MutableClock(Instant start) {
        this(start.toEpochMilli());
    }

    private MutableClock(AtomicLong millis, ZoneId zone) {
        this.millis = millis;
        this.zone = zone;
    }

    /**
     * Sets the time.
     *
     * @param epochMillis the new time
     */
    public void set(long epochMillis) {
        millis.set(epochMillis);
    }

    /**
     * Moves the time forward (or back, with a negative delta).
     *
     * @param deltaMillis milliseconds to add
     */
    public void advance(long deltaMillis) {
        millis.addAndGet(deltaMillis);
    }

    /**
     * Moves the time forward (or back, with a negative duration).
     *
     * @param duration how far
     */
    public void advance(Duration duration) {
        advance(duration.toMillis());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        return new MutableClock(millis, newZone);
    }
}
