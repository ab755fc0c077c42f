package dev.pikodb.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * How PikoDB's commands reach the servers: one command with retries where nothing ran, a change on
 * its slot's master followed by the replicas' confirmation, and a fan-out of one command per bucket
 * sent concurrently (Lettuce pipelines them over its connections, one per node in a cluster).
 */
final class Commands {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Commands.class);

    private final Settings settings;
    private final String where;
    private final Supplier<Connection> connection;

    Commands(Settings settings, String where, Supplier<Connection> connection) {
        this.settings = settings;
        this.where = where;
        this.connection = connection;
    }

    /** Commands keyed by slot. */
    RedisClusterCommands<byte[], byte[]> sync() {
        return connection.get().commands();
    }

    /**
     * Runs one command, again while it did not run: rejected unsent during a reconnect, or refused with
     * {@code TRYAGAIN} while its slot migrates (see {@link Reconnecting}).
     */
    <T> T command(Supplier<T> command) {
        return Reconnecting.command(settings.commandTimeout(), command);
    }

    /**
     * Runs a change on the master of a key and waits for the replicas to confirm it; with replicas to
     * wait for, on that node's own connection, so that {@code WAIT} covers the change.
     */
    <T> T change(byte[] key, String operation, Function<RedisClusterCommands<byte[], byte[]>, T> change) {
        return onMaster(key, commands -> {
            T result = change.apply(commands);
            Replicas.await(commands, settings.replicas(), settings.replicaTimeout(), operation, where);
            return result;
        });
    }

    /** Runs a change on the master of a key; with replicas to wait for, on that node's own connection. */
    <T> T onMaster(byte[] key, Function<RedisClusterCommands<byte[], byte[]>, T> change) {
        if (settings.replicas() == 0) {
            return change.apply(sync());
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return change.apply(connection.get().commandsOnMasterOf(key));
            } catch (RuntimeException e) {
                if (!Failures.redirected(e) || attempt == 3) {
                    throw e;
                }
                connection.get().refreshTopology();
            }
        }
    }

    /**
     * Waits for the replicas to confirm the changes sent so far on {@code master}; returns false (and
     * logs) when fewer confirm in time, for changes whose confirmation a later change repeats.
     */
    boolean replicasConfirm(RedisClusterCommands<byte[], byte[]> master, String operation) {
        try {
            Replicas.await(master, settings.replicas(), settings.replicaTimeout(), operation, where);
            return true;
        } catch (dev.pikodb.PikoDBOutcomeUnknownException e) {
            log.warn("{}; the next write to the table waits for them again", e.getMessage());
            return false;
        }
    }

    /** Whether changes wait for replicas (then they run one at a time, each followed by its WAIT). */
    boolean waitsForReplicas() {
        return settings.replicas() > 0;
    }

    /**
     * Sends one command per index at once and collects the replies in index order. A command that did
     * not run (its script not cached on that node, its slot migrating, its connection reconnecting) is
     * run again on its own with {@link #command}, which is safe because it did not run.
     *
     * @param count how many commands
     * @param async sends command {@code i} asynchronously
     * @param sync runs command {@code i} synchronously (with the script fallback)
     * @param <T> the reply type
     * @return the replies
     */
    <T> List<T> fanOut(int count, IntFunction<RedisFuture<T>> async, IntFunction<T> sync) {
        List<RedisFuture<T>> sent = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            sent.add(send(() -> async.apply(index)));
        }
        List<T> replies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            replies.add(await(sent.get(i), () -> sync.apply(index)));
        }
        return replies;
    }

    /**
     * Sends one command asynchronously; returns null when the client did not send it (then
     * {@link #await} runs it on its own).
     *
     * @param async sends the command
     * @param <T> the reply type
     * @return its future, or null
     */
    <T> RedisFuture<T> send(Supplier<RedisFuture<T>> async) {
        try {
            return async.get();
        } catch (RuntimeException e) {
            return null; // not sent: run on its own by await
        }
    }

    /**
     * The reply of a command sent with {@link #send}. A command that did not run (not sent, its
     * script not cached on that node, its slot migrating, its connection reconnecting) is run again on
     * its own with {@link #command}, which is safe because it did not run.
     *
     * @param future the sent command, or null when it was not sent
     * @param sync runs the command synchronously (with the script fallback)
     * @param <T> the reply type
     * @return the reply
     */
    <T> T await(RedisFuture<T> future, Supplier<T> sync) {
        if (future == null) {
            return command(sync);
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.lettuce.core.RedisCommandInterruptedException(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RedisNoScriptException || Failures.tryAgain(cause) || Failures.neverSent(cause)) {
                return command(sync);
            } else if (cause instanceof RuntimeException runtime) {
                throw runtime;
            } else {
                throw new io.lettuce.core.RedisException(cause);
            }
        }
    }

    RedisClusterAsyncCommands<byte[], byte[]> async() {
        return connection.get().async();
    }
}
