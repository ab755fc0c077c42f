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
 */
final class ServerTime {

    /** How long an offset is used before it is measured again. */
    static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final Logger LOG = LoggerFactory.getLogger(ServerTime.class);

    private final LongSupplier localMillis;
    private final Object measuring = new Object();
    private volatile long offsetMillis;
    private volatile long measuredAtNanos;
    private volatile boolean measured;

    /**
     * @param localMillis this JVM's time, in epoch milliseconds
     */
    ServerTime(LongSupplier localMillis) {
        this.localMillis = localMillis;
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

    private void measure(Supplier<List<byte[]>> time) {
        synchronized (measuring) {
            if (measured && System.nanoTime() - measuredAtNanos <= REFRESH_NANOS) {
                return;
            }
            try {
                long before = localMillis.getAsLong();
                List<byte[]> answer = time.get();
                long after = localMillis.getAsLong();
                long server = Long.parseLong(new String(answer.get(0), StandardCharsets.US_ASCII)) * 1000
                        + Long.parseLong(new String(answer.get(1), StandardCharsets.US_ASCII)) / 1000;
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
