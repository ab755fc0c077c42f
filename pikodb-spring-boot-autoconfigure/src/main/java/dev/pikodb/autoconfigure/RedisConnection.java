package dev.pikodb.autoconfigure;

import dev.pikodb.redis.RedisStorage;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails.Node;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails.Sentinel;
import org.springframework.boot.ssl.SslBundle;

/**
 * Translates Spring Boot's Redis connection settings ({@link DataRedisConnectionDetails}: standalone,
 * sentinel or cluster, credentials, database, SSL bundle) into a {@link RedisStorage.Builder}, choosing the
 * mode as Spring Boot's own Lettuce configuration does: sentinel, then cluster, then standalone.
 */
final class RedisConnection {

    static final String SETTINGS = "spring.data.redis";

    private RedisConnection() {
    }

    /**
     * A builder that connects where the details say, with their credentials and TLS.
     */
    static RedisStorage.Builder builder(DataRedisConnectionDetails details) {
        return builder(details, null);
    }

    /**
     * A builder that connects where the details say, with their credentials and TLS, naming its
     * connections {@code clientName} ({@code spring.data.redis.client-name}) when given.
     */
    static RedisStorage.Builder builder(DataRedisConnectionDetails details, @Nullable String clientName) {
        RedisStorage.Builder builder = RedisStorage.builder();
        SslBundle ssl = details.getSslBundle();
        if (ssl != null) {
            builder.sslOptions(sslOptions(ssl));
        }
        Sentinel sentinel = details.getSentinel();
        DataRedisConnectionDetails.Cluster cluster = details.getCluster();
        if (sentinel != null) {
            RedisURI.Builder uri = RedisURI.builder().withSentinelMasterId(sentinel.getMaster())
                .withDatabase(sentinel.getDatabase());
            for (Node node : sentinel.getNodes()) {
                RedisURI.Builder sentinelUri = RedisURI.builder().withHost(node.host()).withPort(node.port())
                    .withSsl(ssl != null);
                authenticate(sentinelUri, sentinel.getUsername(), sentinel.getPassword());
                uri.withSentinel(sentinelUri.build());
            }
            return builder.uri(node(uri, details, ssl, clientName));
        }
        if (cluster != null) {
            List<RedisURI> seeds = cluster.getNodes().stream()
                .map((node) -> node(RedisURI.builder().withHost(node.host()).withPort(node.port()), details, ssl,
                        clientName))
                .toList();
            return builder.clusterUris(seeds);
        }
        if (details.getMasterReplica() != null) {
            throw new PikoDBConfigurationException(SETTINGS + ".masterreplica.nodes",
                    details.getMasterReplica().getNodes(),
                    "PikoDB on Redis writes through a single master or a Redis Cluster and does not read from"
                            + " static master/replica setups",
                    "Point " + SETTINGS + ".host/port (or " + SETTINGS + ".url) at the master, configure "
                            + SETTINGS + ".sentinel.* or " + SETTINGS + ".cluster.nodes, or set pikodb.storage=directory.",
                    null);
        }
        DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
        RedisURI.Builder uri = RedisURI.builder().withHost(standalone.getHost()).withPort(standalone.getPort())
            .withDatabase(standalone.getDatabase());
        return builder.uri(node(uri, details, ssl, clientName));
    }

    private static RedisURI node(RedisURI.Builder uri, DataRedisConnectionDetails details, @Nullable SslBundle ssl,
            @Nullable String clientName) {
        uri.withSsl(ssl != null);
        if (clientName != null && !clientName.isEmpty()) {
            uri.withClientName(clientName);
        }
        authenticate(uri, details.getUsername(), details.getPassword());
        return uri.build();
    }

    private static void authenticate(RedisURI.Builder uri, @Nullable String username, @Nullable String password) {
        if (password == null || password.isEmpty()) {
            return;
        }
        if (username != null && !username.isEmpty()) {
            uri.withAuthentication(username, password.toCharArray());
        }
        else {
            uri.withPassword(password.toCharArray());
        }
    }

    private static SslOptions sslOptions(SslBundle bundle) {
        SslOptions.Builder options = SslOptions.builder()
            .keyManager(bundle.getManagers().getKeyManagerFactory())
            .trustManager(bundle.getManagers().getTrustManagerFactory());
        String[] ciphers = bundle.getOptions().getCiphers();
        if (ciphers != null) {
            options.cipherSuites(ciphers);
        }
        String[] protocols = bundle.getOptions().getEnabledProtocols();
        if (protocols != null) {
            options.protocols(protocols);
        }
        return options.build();
    }
}
