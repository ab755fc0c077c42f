package dev.pikodb.redis.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis Cluster of {@code redis-server} processes started by {@link RedisServers}, formed from Java:
 * the 16384 slots are split evenly over the masters with {@code CLUSTER ADDSLOTSRANGE}, the nodes meet
 * with {@code CLUSTER MEET}, replicas follow their master with {@code CLUSTER REPLICATE}, and the
 * cluster is ready once every node reports {@code cluster_state:ok}.
 */
public final class RedisCluster {

    private static final Logger log = LoggerFactory.getLogger(RedisCluster.class);
    private static final int SLOTS = 16384;
    private static final long FORM_TIMEOUT_SECONDS = 30;

    private final List<RedisServer> masters;
    private final List<RedisServer> replicas;

    private RedisCluster(List<RedisServer> masters, List<RedisServer> replicas) {
        this.masters = masters;
        this.replicas = replicas;
    }

    /**
     * Starts and forms a cluster; stop it with {@link #stop()} (unless it is the shared one).
     *
     * @param masterCount masters, each serving an equal share of the slots
     * @param replicasPerMaster replicas of each master
     * @param extraArguments more redis-server arguments for every node
     * @return the cluster, every node reporting {@code cluster_state:ok}
     * @throws IllegalStateException when it cannot be formed within 30 s
     */
    public static RedisCluster start(int masterCount, int replicasPerMaster, String... extraArguments) {
        long started = System.nanoTime();
        // Redis's own node timeout (15 s): a node that a busy machine keeps from answering gossip for a
        // second must not be declared failed, which takes the cluster down when it has no replica. A
        // test about failover passes a shorter one.
        List<String> arguments = new ArrayList<>(List.of("--cluster-enabled", "yes", "--cluster-config-file",
                "nodes.conf", "--cluster-node-timeout", "15000"));
        arguments.addAll(List.of(extraArguments));
        String[] nodeArguments = arguments.toArray(String[]::new);
        List<RedisServer> masters = new ArrayList<>();
        List<RedisServer> replicas = new ArrayList<>();
        RedisCluster cluster = new RedisCluster(masters, replicas);
        try {
            for (int i = 0; i < masterCount; i++) {
                masters.add(RedisServers.start(nodeArguments));
            }
            for (int i = 0; i < masterCount * replicasPerMaster; i++) {
                replicas.add(RedisServers.start(nodeArguments));
            }
            for (int i = 0; i < masterCount; i++) {
                try (Resp admin = masters.get(i).admin()) {
                    admin.call("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
                    int first = SLOTS * i / masterCount;
                    int last = SLOTS * (i + 1) / masterCount - 1;
                    admin.call("CLUSTER", "ADDSLOTSRANGE", Integer.toString(first), Integer.toString(last));
                }
            }
            List<RedisServer> all = cluster.nodes();
            try (Resp admin = masters.get(0).admin()) {
                for (RedisServer node : all.subList(1, all.size())) {
                    admin.call("CLUSTER", "MEET", "127.0.0.1", Integer.toString(node.port()));
                }
            }
            await("every node to know " + all.size() + " nodes", () -> all.stream()
                    .allMatch(node -> info(node, "CLUSTER", "INFO").contains("cluster_known_nodes:" + all.size())));
            for (int i = 0; i < replicas.size(); i++) {
                RedisServer master = masters.get(i % masterCount);
                String masterId;
                try (Resp admin = master.admin()) {
                    masterId = admin.text("CLUSTER", "MYID");
                }
                try (Resp admin = replicas.get(i).admin()) {
                    admin.call("CLUSTER", "REPLICATE", masterId);
                }
            }
            await("cluster_state:ok on every node", () -> all.stream()
                    .allMatch(node -> info(node, "CLUSTER", "INFO").contains("cluster_state:ok")));
            if (replicasPerMaster > 0) {
                await("every replica in sync", () -> replicas.stream()
                        .allMatch(node -> info(node, "INFO", "replication").contains("master_link_status:up")));
            }
            log.info("Formed a cluster of {} masters and {} replicas in {} ms: {}", masterCount, replicas.size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), cluster.seedUris());
            return cluster;
        } catch (RuntimeException e) {
            cluster.stop();
            throw e;
        }
    }

    /**
     * The masters, in the order of their slot ranges as formed (after a failover, see {@link #nodes()}).
     *
     * @return the masters as started
     */
    public List<RedisServer> masters() {
        return List.copyOf(masters);
    }

    /**
     * The replicas as started, replica {@code i} following master {@code i % masters}.
     *
     * @return the replicas
     */
    public List<RedisServer> replicas() {
        return List.copyOf(replicas);
    }

    /**
     * Every node.
     *
     * @return masters then replicas
     */
    public List<RedisServer> nodes() {
        List<RedisServer> all = new ArrayList<>(masters);
        all.addAll(replicas);
        return all;
    }

    /**
     * Seed URIs for {@code RedisStorage.builder().clusterNodes(...)}.
     *
     * @return the masters' URIs
     */
    public List<String> seedUris() {
        return masters.stream().map(RedisServer::uri).collect(Collectors.toList());
    }

    /** Stops every node. */
    public void stop() {
        nodes().forEach(RedisServer::stop);
    }

    /**
     * Runs a command on a node and returns its text reply, or an empty string when the node does not
     * answer.
     *
     * @param node the node
     * @param command the command
     * @return the reply
     */
    public static String info(RedisServer node, String... command) {
        if (!node.isAlive()) {
            return "";
        }
        try (Resp admin = node.admin()) {
            return String.valueOf(admin.call(command));
        } catch (RuntimeException e) {
            return "";
        }
    }

    /**
     * Waits for a condition, at most 30 s.
     *
     * @param what the condition, for the failure message
     * @param condition the condition
     * @throws IllegalStateException when it does not hold in time
     */
    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FORM_TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Timed out after " + FORM_TIMEOUT_SECONDS + " s waiting for " + what);
            }
            RedisServers.pause();
        }
    }
}
