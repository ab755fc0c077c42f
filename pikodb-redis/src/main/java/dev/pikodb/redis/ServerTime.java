package dev.pikodb.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's time as this JVM follows it: the scripts judge expiry by the server's {@code TIME}, so
 * an expiration computed from a time-to-live must start from that time, not from this JVM's clock,
 * which may be off by any amount. The offset between the two is measured with one {@code TIME} (taking
 * the middle of the round trip, so it is exact to half a round trip) when first needed and again at
 * most every {@link #REFRESH_NANOS}; between measurements the server's time is this JVM's time plus
 * the offset. When a measurement fails, the last offset stays in use.
 *
 * <p>{@link #upperBound} answers a different question: a time the server's clock has certainly not
 * passed yet, so that a read may judge an expiration later than it without asking the server. It starts
 * from the server's own answer and adds the time this JVM's monotonic clock has seen pass since the
 * {@code TIME} was sent (so it does not depend on this JVM's wall clock at all), plus
 * {@link #MARGIN_MILLIS} for the server's clock running faster than this JVM's or being stepped
 * forward between two measurements.
 */
final class ServerTime {

    /** How long an offset is used before it is measured again. */
    static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(30);
    /**
     * How far the server's clock is allowed to run ahead of what this JVM saw pass since the last
     * measurement: clock rates differ by parts per million, so this covers a forward step of the
     * server's clock (by NTP, say) of up to about this much.
     */
    static final long MARGIN_MILLIS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(ServerTime.class);

    private final LongSupplier localMillis;
    private final long marginMillis;
    private final Object measuring = new Object();
    private volatile long offsetMillis;
    private volatile long measuredAtNanos;
    private volatile boolean measured;
    /** The server's answer of the last measurement, in epoch milliseconds rounded up, and when it was sent. */
    private volatile Sample sample;

    /** One {@code TIME}: the server's answer rounded up to the millisecond, and when it was sent. */
    private record Sample(long serverMillis, long sentNanos) {
    }

    /**
     * @param localMillis this JVM's time, in epoch milliseconds
     */
    ServerTime(LongSupplier localMillis) {
        this(localMillis, MARGIN_MILLIS);
    }

    /**
     * @param localMillis this JVM's time, in epoch milliseconds
     * @param marginMillis what {@link #upperBound} adds for the server's clock running ahead
     */
    ServerTime(LongSupplier localMillis, long marginMillis) {
        this.localMillis = localMillis;
        this.marginMillis = marginMillis;
    }

    /**
     * The server's current time.
     *
     * @param time runs {@code TIME} on the server: seconds and microseconds, as Redis answers
     * @return epoch milliseconds on the server's clock
     */
    long now(Supplier<List<byte[]>> time) {
        if (!measured || System.nanoTime() - measuredAtNanos > REFRESH_NANOS) {
            measure(time);
        }
        return localMillis.getAsLong() + offsetMillis;
    }

    /**
     * A time the server's clock has certainly not passed yet: a record whose expiration is at or after
     * it is live on the server at the moment of this call, and was live at any moment before (such as
     * when a reply that has arrived was computed).
     *
     * @param time runs {@code TIME} on the server: seconds and microseconds, as Redis answers
     * @return epoch milliseconds on the server's clock
     */
    long upperBound(Supplier<List<byte[]>> time) {
        if (!measured || System.nanoTime() - measuredAtNanos > REFRESH_NANOS) {
            measure(time);
        }
        Sample last = sample;
        // The TIME ran after it was sent, so the server's clock has since advanced at most this much.
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - last.sentNanos()) + 1;
        return last.serverMillis() + elapsed + marginMillis;
    }

    private void measure(Supplier<List<byte[]>> time) {
        synchronized (measuring) {
            if (measured && System.nanoTime() - measuredAtNanos <= REFRESH_NANOS) {
                return;
            }
            try {
                long sent = System.nanoTime();
                long before = localMillis.getAsLong();
                List<byte[]> answer = time.get();
                long after = localMillis.getAsLong();
                long micros = Long.parseLong(new String(answer.get(1), StandardCharsets.US_ASCII));
                long server = Long.parseLong(new String(answer.get(0), StandardCharsets.US_ASCII)) * 1000 + micros / 1000;
                sample = new Sample(micros % 1000 == 0 ? server : server + 1, sent);
                offsetMillis = server - (before + after) / 2;
                measuredAtNanos = System.nanoTime();
                measured = true;
                if (Math.abs(offsetMillis) > 1_000) {
                    LOG.debug("The Redis server's clock is {} ms ahead of this JVM's", offsetMillis);
                }
            } catch (RuntimeException e) {
                if (!measured) {
                    throw e;
                }
                LOG.debug("Could not measure the Redis server's time again; the offset of {} ms stays", offsetMillis, e);
            }
        }
    }
}
