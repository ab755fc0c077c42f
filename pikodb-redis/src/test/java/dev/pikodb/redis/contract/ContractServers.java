package dev.pikodb.redis.contract;

import dev.pikodb.redis.RedisStorage;
import dev.pikodb.redis.testing.RedisCluster;
import dev.pikodb.redis.testing.RedisServer;
import dev.pikodb.redis.testing.RedisServers;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.util.List;

/**
 * The servers the contract suite runs on: one server and one 3-master cluster per JVM, started on
 * first use with {@code appendonly yes} and {@code appendfsync always}, so that the contracts'
 * {@code durableWrites(true)} cases start as they would in production.
 */
final class ContractServers {

    private static final String[] DURABLE = {"--appendonly", "yes", "--appendfsync", "always"};

    /**
     * The event loops and timers every contract engine shares, as an application's engines share its
     * own: building and shutting down a set per test would cost more than most tests.
     */
    private static final ClientResources RESOURCES = DefaultClientResources.create();

    private static RedisServer server;
    private static RedisCluster cluster;

    private ContractServers() {
    }

    static synchronized RedisFixture standalone(String name) {
        if (server == null || !server.isAlive()) {
            server = RedisServers.start(DURABLE);
        }
        RedisServer running = server;
        return new RedisFixture(() -> RedisStorage.builder().uri(running.uri()).clientResources(RESOURCES),
                List.of(running), RedisServers.uniquePrefix(name));
    }

    static synchronized RedisFixture cluster(String name) {
        if (cluster == null) {
            cluster = RedisCluster.start(3, 0, DURABLE);
        }
        RedisCluster running = cluster;
        return new RedisFixture(() -> RedisStorage.builder().clusterNodes(running.seedUris())
                .clientResources(RESOURCES), running.masters(), RedisServers.uniquePrefix(name));
    }
}
