package dev.pikodb;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock whose time the test sets explicitly, so that expiration is tested without waiting. */
final class MutableClock extends Clock {

    private final AtomicLong millis;
    private final ZoneId zone;

    MutableClock(long epochMillis) {
        this(new AtomicLong(epochMillis), ZoneOffset.UTC);
    }

    private MutableClock(AtomicLong millis, ZoneId zone) {
        this.millis = millis;
        this.zone = zone;
    }

    void set(long epochMillis) {
        millis.set(epochMillis);
    }

    void advance(long deltaMillis) {
        millis.addAndGet(deltaMillis);
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
