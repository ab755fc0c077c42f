package dev.pikodb.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PikoDB's Lettuce client and connection, to one server or to a cluster. Commands go through one
 * thread-safe connection (Lettuce pipelines the calls of all threads over it; in a cluster, one per
 * node, routed by key slot).
 *
 * <p><b>No command runs twice.</b> Lettuce by default re-sends, after a reconnect, the commands that
 * were in flight when a connection broke, and buffers the commands issued while it is disconnected.
 * For PikoDB's write scripts a re-sent command would apply a write twice (a version incremented twice,
 * a compare-and-write reported as failed although it succeeded). So commands are rejected while a
 * connection is down ({@code REJECT_COMMANDS}: they fail at once, nothing sent, and the client keeps
 * reconnecting in the background), the commands in flight when it broke fail instead of being re-sent
 * (their outcome is unknown), and a replay filter keeps data-changing commands out of any replay.
 */
abstract class Connection implements AutoCloseable {

    /** Commands never re-sent after a reconnect, because they change data. */
    /** How long closing waits for the client's threads to end. */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);
    /** How long closing waits for the client's shutdown to complete at most. */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    private static final Set<CommandType> NOT_REPLAYED = EnumSet.of(CommandType.EVAL, CommandType.EVALSHA,
            CommandType.HSETNX, CommandType.SADD, CommandType.SREM, CommandType.DEL, CommandType.UNLINK,
            CommandType.WAIT);

    static final Predicate<RedisCommand<?, ?, ?>> REPLAY_FILTER = command -> {
        ProtocolKeyword type = command.getType();
        return type instanceof CommandType commandType && NOT_REPLAYED.contains(commandType);
    };

    /** Commands keyed by the table's slot, for every operation. */
    abstract RedisClusterCommands<byte[], byte[]> commands();

    /** The same commands, asynchronous, for sending one per bucket at once. */
    abstract RedisClusterAsyncCommands<byte[], byte[]> async();

    /**
     * Commands on the connection to the master of {@code key}'s slot, so that a following
     * {@code WAIT} on the same connection covers them.
     */
    abstract RedisClusterCommands<byte[], byte[]> commandsOnMasterOf(byte[] key);

    /** The values of configuration parameters on every master: one map per master. */
    abstract List<Map<String, String>> masterConfigs(String... parameters);

    /** The {@code INFO} of a section on every master: one text per master. */
    abstract List<String> masterInfo(String section);

    /** Tells the client that the topology may have changed (after a redirection on a node connection). */
    abstract void refreshTopology();

    @Override
    public abstract void close();

    static ClientOptions.Builder commonOptions(ClientOptions.Builder builder, SslOptions sslOptions,
            Duration connectTimeout, Duration commandTimeout) {
        if (sslOptions != null) {
            builder.sslOptions(sslOptions);
        }
        return builder.replayFilter(REPLAY_FILTER)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout));
    }

    /** One server. */
    /** Connects with a new client; a client whose connection fails is shut down before the failure is thrown. */
    private static <C> C connectOrShutDown(AbstractRedisClient client, Supplier<C> connect) {
        try {
            return connect.get();
        } catch (RuntimeException e) {
            shutDown(client);
            throw e;
        }
    }

    private static void closeAndShutDown(StatefulConnection<?, ?> connection, AbstractRedisClient client) {
        try {
            connection.close();
        } finally {
            shutDown(client);
        }
    }

    /**
     * Shuts a client down, waiting a bounded time. Lettuce's own {@code shutdown} waits for its future
     * without a bound, and that future has been seen never to complete once the client's event loops
     * had ended: closing must not hang the application's shutdown on it.
     */
    private static void shutDown(AbstractRedisClient client) {
        try {
            client.shutdownAsync(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("The Redis client did not finish shutting down within {} s; its threads are left to end"
                    + " on their own", SHUTDOWN_WAIT.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Shutting down the Redis client failed: " + e.getCause(), e.getCause());
        }
    }

    static final class Standalone extends Connection {
        private final RedisClient client;
        private final StatefulRedisConnection<byte[], byte[]> connection;

        Standalone(RedisURI uri, ClientResources resources, SslOptions sslOptions, Duration connectTimeout,
                Duration commandTimeout) {
            uri.setTimeout(commandTimeout);
            client = resources == null ? RedisClient.create(uri) : RedisClient.create(resources, uri);
            client.setOptions(commonOptions(ClientOptions.builder(), sslOptions, connectTimeout, commandTimeout).build());
            connection = connectOrShutDown(client, () -> client.connect(ByteArrayCodec.INSTANCE));
        }

        @Override
        RedisClusterCommands<byte[], byte[]> commands() {
            return connection.sync();
        }

        @Override
        RedisClusterAsyncCommands<byte[], byte[]> async() {
            return connection.async();
        }

        @Override
        RedisClusterCommands<byte[], byte[]> commandsOnMasterOf(byte[] key) {
            return connection.sync();
        }

        @Override
        List<Map<String, String>> masterConfigs(String... parameters) {
            return List.of(connection.sync().configGet(parameters));
        }

        @Override
        List<String> masterInfo(String section) {
            return List.of(connection.sync().info(section));
        }

        @Override
        void refreshTopology() {
        }

        @Override
        public void close() {
            closeAndShutDown(connection, client);
        }
    }

    /** A Redis Cluster, with topology refresh on: periodic, and on every adaptive trigger. */
    static final class Cluster extends Connection {
        private final RedisClusterClient client;
        private final StatefulRedisClusterConnection<byte[], byte[]> connection;

        // Lettuce 7 deprecates the adaptive-trigger switches without a replacement; they still work.
        @SuppressWarnings("deprecation")
        Cluster(List<RedisURI> seeds, ClientResources resources, SslOptions sslOptions, Duration connectTimeout,
                Duration commandTimeout, Duration refreshPeriod) {
            seeds.forEach(uri -> uri.setTimeout(commandTimeout));
            client = resources == null ? RedisClusterClient.create(seeds) : RedisClusterClient.create(resources, seeds);
            ClusterTopologyRefreshOptions refresh = ClusterTopologyRefreshOptions.builder()
                    .enablePeriodicRefresh(refreshPeriod)
                    .enableAllAdaptiveRefreshTriggers()
                    .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                    .build();
            ClusterClientOptions.Builder options = ClusterClientOptions.builder().topologyRefreshOptions(refresh);
            commonOptions(options, sslOptions, connectTimeout, commandTimeout);
            client.setOptions(options.build());
            connection = connectOrShutDown(client, () -> client.connect(ByteArrayCodec.INSTANCE));
        }

        @Override
        RedisClusterCommands<byte[], byte[]> commands() {
            return connection.sync();
        }

        @Override
        RedisClusterAsyncCommands<byte[], byte[]> async() {
            return connection.async();
        }

        @Override
        RedisClusterCommands<byte[], byte[]> commandsOnMasterOf(byte[] key) {
            RedisClusterNode master = connection.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
            if (master == null) {
                throw new io.lettuce.core.RedisException("No master serves slot " + SlotHash.getSlot(key));
            }
            return connection.getConnection(master.getNodeId()).sync();
        }

        @Override
        List<Map<String, String>> masterConfigs(String... parameters) {
            List<Map<String, String>> configs = new ArrayList<>();
            connection.sync().upstream().commands().configGet(parameters).forEach(configs::add);
            return configs;
        }

        @Override
        List<String> masterInfo(String section) {
            List<String> infos = new ArrayList<>();
            connection.sync().upstream().commands().info(section).forEach(infos::add);
            return infos;
        }

        @Override
        void refreshTopology() {
            client.refreshPartitions();
        }

        @Override
        public void close() {
            closeAndShutDown(connection, client);
        }
    }
}
