package dev.pikodb.redis;

import dev.pikodb.spi.EngineContext;
import java.nio.charset.StandardCharsets;

/**
 * The time a {@link RedisStorage} gives its scripts and the facade: the configured clock's when the
 * application configured one, else the server's, followed by {@link ServerTime}.
 */
final class ScriptTime {

    private static final byte[] SERVER_TIME = new byte[0];

    private final ClientLifecycle client;
    private volatile ServerTime serverTime = new ServerTime(System::currentTimeMillis);

    ScriptTime(ClientLifecycle client) {
        this.client = client;
    }

    /**
     * The server's time, which judges expiry, unless the application configured a clock (then the
     * scripts use that clock, and so does the facade).
     *
     * @return epoch milliseconds on the server's clock, or {@code null} for the configured clock
     */
    Long currentTimeMillis() {
        EngineContext current = client.context();
        if (current == null || current.clockConfigured()) {
            return null;
        }
        return serverTime.now(() -> client.connection().commands().time());
    }

    /** Replaces this JVM's clock as the server time sees it: for tests of a skewed JVM clock. */
    void localClockForTesting(java.util.function.LongSupplier localMillis) {
        serverTime = new ServerTime(localMillis);
    }

    /**
     * Widens the margin by which reads stay away from expirations they judge without the server: for
     * tests of records too close to their expiration to be judged by this JVM.
     */
    void serverClockMarginForTesting(long marginMillis) {
        serverTime = new ServerTime(System::currentTimeMillis, marginMillis);
    }

    /** The time argument of the scripts: the configured clock's, or empty for the server's TIME. */
    byte[] now() {
        EngineContext current = client.context();
        return current != null && current.clockConfigured()
                ? Long.toString(current.clock().millis()).getBytes(StandardCharsets.UTF_8)
                : SERVER_TIME;
    }

    /**
     * The timestamp of a write when no clock is configured: the server's time as this JVM reckons it
     * (see {@link ServerTime}), so that the write script asks the server's clock only when it judges an
     * expiration.
     */
    byte[] writeStamp() {
        return Long.toString(serverTime.now(() -> client.connection().commands().time()))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A time the server's clock has certainly not passed yet; see {@link ServerTime#upperBound}. */
    long serverUpperBound() {
        return serverTime.upperBound(() -> client.connection().commands().time());
    }
}
