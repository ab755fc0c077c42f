package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.redis.testing.RedisServer;
import dev.pikodb.redis.testing.RedisServers;
import dev.pikodb.redis.testing.Resp;
import io.lettuce.core.RedisURI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The health probe, and engines built from Lettuce {@link RedisURI}s rather than URI strings. */
class HealthAndUriTest {

    @Test
    void standaloneHealthPingsTheServer() {
        try (PikoDB db = open(RedisServers.standaloneStorage("health").build())) {
            assertThat(db.storageHealth()).containsEntry("mode", "standalone").containsEntry("ping", "PONG")
                    .doesNotContainKey("clusterState");
        }
    }

    @Test
    void clusterHealthReportsTheClusterState() {
        try (PikoDB db = open(RedisServers.clusterStorage("health").build())) {
            assertThat(db.storageHealth()).containsEntry("mode", "cluster").containsEntry("ping", "PONG")
                    .containsEntry("clusterState", "ok");
        }
    }

    @Test
    void healthFailsWhenTheServerIsGone() {
        RedisServer server = RedisServers.start();
        try (PikoDB db = open(RedisStorage.builder().uri(server.uri()).build())) {
            assertThat(db.storageHealth()).containsEntry("ping", "PONG");
            server.stop();
            assertThatThrownBy(db::storageHealth).isInstanceOf(PikoDBException.class)
                    .hasMessageContaining("127.0.0.1:" + server.port());
        } finally {
            server.stop();
        }
    }

    @Test
    void aMalformedUriNeverShowsItsCredentials() {
        for (String uri : List.of("redis://:s3cret@[::1", "redis://admin:s3cret@[::1:6379", "redis://bob:pw@[::1:6379/0",
                "redis://:x9@[::1")) {
            assertThatThrownBy(() -> RedisStorage.builder().uri(uri).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Invalid Redis URI")
                    .satisfies(e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            String secret = uri.substring(uri.indexOf("//") + 2, uri.lastIndexOf('@'));
                            for (String part : secret.split(":")) {
                                if (!part.isEmpty()) {
                                    assertThat(String.valueOf(t.getMessage())).as("message of %s", t)
                                            .doesNotContain(part);
                                }
                            }
                        }
                    });
        }
    }

    @Test
    void redisUriCarriesCredentialsAStringCannot() {
        String password = "p@ss:w/rd%";
        RedisServer server = RedisServers.start();
        try {
            try (Resp admin = server.admin()) {
                admin.call("CONFIG", "SET", "requirepass", password);
            }
            RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(server.port())
                    .withAuthentication("default", password.toCharArray()).withDatabase(2).build();
            try (PikoDB db = open(RedisStorage.builder().uri(uri).keyPrefix("creds").build())) {
                assertThat(db.storageDescription()).contains("127.0.0.1:" + server.port() + "/2")
                        .doesNotContain(password);
                db.write("t", "k", "v");
                assertThat(db.get("t", "k")).isEqualTo("v");
            }
            RedisURI wrong = RedisURI.builder().withHost("127.0.0.1").withPort(server.port())
                    .withAuthentication("default", "wrong".toCharArray()).build();
            PikoDB refused = new PikoDB(DatabaseOptions.builder()
                    .storage(RedisStorage.builder().uri(wrong).build()).build());
            assertThatThrownBy(refused::start).isInstanceOf(PikoDBException.class)
                    .hasMessageContaining("Cannot connect");
            refused.close();
        } finally {
            server.stop();
        }
    }

    @Test
    void aSentinelRedisUriFindsTheMaster() {
        RedisServer master = RedisServers.start();
        RedisServer sentinel = RedisServers.startSentinel("main", master);
        try {
            RedisURI uri = RedisURI.Builder.sentinel("127.0.0.1", sentinel.port(), "main").withDatabase(2).build();
            try (PikoDB db = open(RedisStorage.builder().uri(uri).keyPrefix("viaSentinel").build())) {
                assertThat(db.storageDescription())
                    .isEqualTo("redis-sentinel://127.0.0.1:" + sentinel.port() + "/2 master main prefix viaSentinel");
                db.write("t", "k", "v");
                assertThat(db.storageHealth()).containsEntry("ping", "PONG");
            }
            try (Resp admin = master.admin()) {
                admin.call("SELECT", "2");
                assertThat((Long) admin.call("HEXISTS", new String(new KeySpace("viaSentinel").bucket("t",
                        KeySpace.bucketOf("k"))[0], java.nio.charset.StandardCharsets.UTF_8), "k")).isEqualTo(1L);
            }
        } finally {
            sentinel.stop();
            master.stop();
        }
    }

    @Test
    void clusterUrisFormAClusterEngine() {
        List<RedisURI> seeds = RedisServers.sharedCluster().seedUris().stream().map(RedisURI::create).toList();
        try (PikoDB db = open(RedisStorage.builder().clusterUris(seeds)
                .keyPrefix(RedisServers.uniquePrefix("clusterUris")).build())) {
            assertThat(db.storageDescription()).startsWith("redis-cluster ");
            db.write("t", "k", 1);
            assertThat(db.get("t", "k")).isEqualTo(1);
        }
    }

    @Test
    void exactlyOneServerSettingIsAccepted() {
        assertThatThrownBy(() -> RedisStorage.builder().uri("redis://127.0.0.1:1")
                .clusterUris(List.of(RedisURI.create("redis://127.0.0.1:2"))).build())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("exactly one");
    }

    private static PikoDB open(RedisStorage storage) {
        PikoDB db = new PikoDB(DatabaseOptions.builder().storage(storage).build());
        db.start();
        return db;
    }
}
