package dev.pikodb.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
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
 * @param redisUris parsed URIs given instead of {@code uri} or {@code clusterNodes}, or {@code null}
 * @param cluster whether {@code redisUris} are the seeds of a cluster
 * @param sslOptions TLS settings for {@code rediss} URIs, or {@code null} for Lettuce's defaults
 * @param instanceId this instance's id, named by the changes it publishes
 * @param changeStreamLength the length each bucket's change stream is capped at, 0 for no stream
 * @param changeStreamPollInterval how long the change stream reader waits when it found nothing
 * @param instanceIdConfigured whether the application gave the instance id (then the change stream
 *     reader keeps its positions in Redis and resumes from them after a restart)
 */
record Settings(String uri, List<String> clusterNodes, String keyPrefix, Duration connectTimeout,
        Duration commandTimeout, Duration topologyRefreshPeriod, int replicas, Duration replicaTimeout,
        ClientResources clientResources, List<RedisURI> redisUris, boolean cluster, SslOptions sslOptions,
        String instanceId, int changeStreamLength, Duration changeStreamPollInterval, boolean instanceIdConfigured) {

    Settings {
        int given = (uri != null ? 1 : 0) + (clusterNodes != null && !clusterNodes.isEmpty() ? 1 : 0)
                + (redisUris != null && !redisUris.isEmpty() ? 1 : 0);
        if (given != 1) {
            throw new IllegalArgumentException("RedisStorage needs exactly one of uri(\"redis://host:port\"), "
                    + "clusterNodes(List.of(\"redis://host:port\", ...)), uri(RedisURI) and clusterUris(List<RedisURI>)");
        }
        if (replicas > 0 && replicaTimeout.compareTo(commandTimeout) >= 0) {
            throw new IllegalArgumentException("waitForReplicas timeout (" + replicaTimeout
                    + ") must be shorter than commandTimeout (" + commandTimeout + ")");
        }
        clusterNodes = clusterNodes == null ? null : List.copyOf(clusterNodes);
        redisUris = redisUris == null ? null : List.copyOf(redisUris);
        cluster = clusterNodes != null || cluster;
    }

    /** Whether every change is appended to its bucket's change stream. */
    boolean changeStream() {
        return changeStreamLength > 0;
    }

    /**
     * The change stream argument of the scripts: empty without a stream, else
     * {@code "<max length> <instance id>"} (see {@link Scripts}).
     */
    byte[] changeStreamArgument() {
        return changeStream() ? (changeStreamLength + " " + instanceId).getBytes(java.nio.charset.StandardCharsets.UTF_8)
                : new byte[0];
    }

    /** Parsed URIs; a fresh list on every call, since the client changes them. */
    List<RedisURI> seeds() {
        List<RedisURI> seeds = new ArrayList<>();
        if (redisUris != null) {
            redisUris.forEach(given -> seeds.add(copy(given)));
            return seeds;
        }
        for (String text : uri != null ? List.of(uri) : clusterNodes) {
            try {
                seeds.add(RedisURI.create(text));
            } catch (RuntimeException e) {
                // Lettuce's message quotes the whole URI, credentials included: it is cleaned, and its
                // exception (whose message and stack would carry them) is not chained.
                throw new IllegalArgumentException("Invalid Redis URI '" + Uris.withoutPassword(text)
                        + "' given to RedisStorage." + (uri != null ? "uri" : "clusterNodes")
                        + ": expected redis://[user:password@]host:port[/database] ("
                        + Uris.withoutCredentialsOf(text, e.getMessage()) + ")");
            }
        }
        return seeds;
    }

    /** A copy of a given URI; Lettuce's copying builder leaves out sentinels, so those are copied here. */
    private static RedisURI copy(RedisURI given) {
        if (given.getSentinels().isEmpty()) {
            return RedisURI.builder(given).build();
        }
        RedisURI.Builder copy = RedisURI.builder();
        given.getSentinels().forEach(sentinel -> copy.withSentinel(RedisURI.builder(sentinel).build()));
        copy.withSentinelMasterId(given.getSentinelMasterId())
                .withDatabase(given.getDatabase())
                .withAuthentication(given)
                .withSsl(given)
                .withTimeout(given.getTimeout());
        if (given.getClientName() != null) {
            copy.withClientName(given.getClientName());
        }
        return copy.build();
    }

    Connection connect() {
        return !cluster
                ? new Connection.Standalone(seeds().get(0), clientResources, sslOptions, connectTimeout,
                        commandTimeout)
                : new Connection.Cluster(seeds(), clientResources, sslOptions, connectTimeout, commandTimeout,
                        topologyRefreshPeriod);
    }

    String describe() {
        List<RedisURI> seeds = seeds();
        return (!cluster ? Uris.describe(seeds.get(0)) : "redis-cluster " + Uris.describeAll(seeds))
                + " prefix " + keyPrefix;
    }
}
