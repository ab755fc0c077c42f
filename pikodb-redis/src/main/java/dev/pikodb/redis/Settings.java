package dev.pikodb.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings a {@link RedisStorage.Builder} collected, checked.
 *
 * @param uri the standalone server's URI, or {@code null}
 * @param clusterNodes the cluster's seed URIs, or {@code null}
 * @param keyPrefix the key prefix
 * @param connectTimeout the connect timeout
 * @param commandTimeout the command timeout
 * @param topologyRefreshPeriod the cluster topology refresh period
 * @param replicas replicas that must confirm each change
 * @param replicaTimeout how long to wait for them
 * @param clientResources shared client resources, or {@code null}
 */
record Settings(String uri, List<String> clusterNodes, String keyPrefix, Duration connectTimeout,
        Duration commandTimeout, Duration topologyRefreshPeriod, int replicas, Duration replicaTimeout,
        ClientResources clientResources) {

    Settings {
        if ((uri == null) == (clusterNodes == null || clusterNodes.isEmpty())) {
            throw new IllegalArgumentException("RedisStorage needs exactly one of uri(\"redis://host:port\") "
                    + "and clusterNodes(List.of(\"redis://host:port\", ...))");
        }
        if (replicas > 0 && replicaTimeout.compareTo(commandTimeout) >= 0) {
            throw new IllegalArgumentException("waitForReplicas timeout (" + replicaTimeout
                    + ") must be shorter than commandTimeout (" + commandTimeout + ")");
        }
        clusterNodes = clusterNodes == null ? null : List.copyOf(clusterNodes);
    }

    /** Parsed URIs; a fresh list on every call, since the client changes them. */
    List<RedisURI> seeds() {
        List<RedisURI> seeds = new ArrayList<>();
        for (String text : uri != null ? List.of(uri) : clusterNodes) {
            try {
                seeds.add(RedisURI.create(text));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Invalid Redis URI '" + Uris.withoutPassword(text)
                        + "' given to RedisStorage." + (uri != null ? "uri" : "clusterNodes")
                        + ": expected redis://[user:password@]host:port[/database] (" + e.getMessage() + ")", e);
            }
        }
        return seeds;
    }

    Connection connect() {
        return uri != null
                ? new Connection.Standalone(seeds().get(0), clientResources, connectTimeout, commandTimeout)
                : new Connection.Cluster(seeds(), clientResources, connectTimeout, commandTimeout,
                        topologyRefreshPeriod);
    }

    String describe() {
        List<RedisURI> seeds = seeds();
        return (uri != null ? Uris.describe(seeds.get(0)) : "redis-cluster " + Uris.describeAll(seeds))
                + " prefix " + keyPrefix;
    }
}
