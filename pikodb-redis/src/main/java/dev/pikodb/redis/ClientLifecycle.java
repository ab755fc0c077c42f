package dev.pikodb.redis;

import dev.pikodb.PikoDBException;
import dev.pikodb.spi.ChangeSink;
import dev.pikodb.spi.EngineContext;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client of a {@link RedisStorage} from open to close: connects (checking the masters'
 * persistence settings first with {@code durableWrites}), starts and stops the change stream reader,
 * and runs every call under the lifecycle lock, so that close waits for the calls in flight, turning
 * client failures into PikoDB's exceptions.
 */
final class ClientLifecycle {

    /** Logs as the engine, the logger applications configure. */
    private static final Logger log = LoggerFactory.getLogger(RedisStorage.class);

    private final Settings settings;
    private final String description;
    private final KeySpace keys;
    private final RedisStats stats;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile Connection connection;
    private volatile EngineContext context;
    /** The reader of the change streams while open with a change stream; else null. */
    private ChangeStream changeStream;

    ClientLifecycle(Settings settings, String description, KeySpace keys, RedisStats stats) {
        this.settings = settings;
        this.description = description;
        this.keys = keys;
        this.stats = stats;
    }

    /** Connects; with {@code durableWrites}, first checks every master's persistence settings. */
    void open(EngineContext engineContext) {
        lifecycle.writeLock().lock();
        try {
            if (connection != null) {
                throw new IllegalStateException(description + " is already open");
            }
            Connection opened;
            try {
                opened = settings.connect();
            } catch (RuntimeException e) {
                throw new PikoDBException("Cannot connect to " + description + ": " + e.getMessage()
                        + "; check that the server runs and the URI, credentials and TLS settings", e);
            }
            try {
                if (engineContext.durableWrites()) {
                    Durability.check(opened, description);
                } else {
                    Durability.warnOfEviction(opened, description, log);
                }
            } catch (RuntimeException e) {
                opened.close();
                throw e;
            }
            context = engineContext;
            connection = opened;
            if (settings.changeStream()) {
                ChangeStream reader = new ChangeStream(keys, new Commands(settings, description, this::connection),
                        engineContext::changes, settings, description);
                try {
                    reader.start();
                } catch (RuntimeException e) {
                    connection = null;
                    opened.close();
                    throw new PikoDBException("Cannot read the change streams of " + description + ": " + e
                            + "; check that the server runs Redis 5 or later and answers", e);
                }
                changeStream = reader;
            }
            log.debug("Opened {}", description);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** Waits for calls in flight and releases the client (shared client resources stay up). */
    void close() {
        lifecycle.writeLock().lock();
        try {
            if (changeStream != null) {
                changeStream.close();
                changeStream = null;
            }
            Connection open = connection;
            connection = null;
            if (open != null) {
                open.close();
            }
        } catch (RuntimeException e) {
            throw new PikoDBException("Closing the client of " + description + " failed: " + e, e);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** The context the engine was opened with; null before the first open. */
    EngineContext context() {
        return context;
    }

    /**
     * Where the record and table operations report their changes: the opening facade's listeners; with
     * a change stream nowhere, since the stream's reader delivers every instance's changes, this one's
     * included, in the order the stream holds them.
     */
    ChangeSink changes() {
        EngineContext current = context;
        return current == null || settings.changeStream() ? ChangeSink.NONE : current.changes();
    }

    /**
     * The open connection.
     *
     * @throws IllegalStateException naming the server when the engine is not open
     */
    Connection connection() {
        Connection open = connection;
        if (open == null) {
            throw new IllegalStateException(description + " is not open");
        }
        return open;
    }

    /** Runs a call under the lifecycle lock, turning client failures into PikoDB's exceptions. */
    <T> T guarded(String operation, boolean changes, Supplier<T> call) {
        lifecycle.readLock().lock();
        try {
            return call.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            if (!changes) {
                throw Failures.read(operation, description, e);
            }
            stats.failedWrites.increment();
            throw Failures.change(operation, description, e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }
}
