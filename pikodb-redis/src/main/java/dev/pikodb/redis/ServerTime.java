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
    /** The last measurement, or null before the first. */
    private volatile Measurement last;

    /**
     * One {@code TIME}: the offset of the server's clock from this JVM's (to half a round trip), the
     * server's answer rounded up to the millisecond and when it was sent, and when the answer arrived.
     */
    private record Measurement(long offsetMillis, long serverMillis, long sentNanos, long measuredAtNanos) {

        boolean due() {
            return System.nanoTime() - measuredAtNanos > REFRESH_NANOS;
        }
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
        return localMillis.getAsLong() + current(time).offsetMillis();
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
        Measurement measurement = current(time);
        // The TIME ran after it was sent, so the server's clock has since advanced at most this much.
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - measurement.sentNanos()) + 1;
        return measurement.serverMillis() + elapsed + marginMillis;
    }

    /** The last measurement, measuring again first when there is none or it is due. */
    private Measurement current(Supplier<List<byte[]>> time) {
        Measurement measurement = last;
        return measurement == null || measurement.due() ? measure(time) : measurement;
    }

    private Measurement measure(Supplier<List<byte[]>> time) {
        synchronized (measuring) {
            Measurement previous = last;
            if (previous != null && !previous.due()) {
                return previous;
            }
            try {
                long sent = System.nanoTime();
                long before = localMillis.getAsLong();
                List<byte[]> answer = time.get();
                long after = localMillis.getAsLong();
                long micros = Long.parseLong(new String(answer.get(1), StandardCharsets.US_ASCII));
                long server = Long.parseLong(new String(answer.get(0), StandardCharsets.US_ASCII)) * 1000 + micros / 1000;
                Measurement measured = new Measurement(server - (before + after) / 2,
                        micros % 1000 == 0 ? server : server + 1, sent, System.nanoTime());
                last = measured;
                if (Math.abs(measured.offsetMillis()) > 1_000) {
                    LOG.debug("The Redis server's clock is {} ms ahead of this JVM's", measured.offsetMillis());
                }
                return measured;
            } catch (RuntimeException e) {
                if (previous == null) {
                    throw e;
                }
                LOG.debug("Could not measure the Redis server's time again; the offset of {} ms stays",
                        previous.offsetMillis(), e);
                return previous;
            }
        }
    }
}
