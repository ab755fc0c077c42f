package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.PikoDBOutcomeUnknownException;
import dev.pikodb.redis.testing.RedisCluster;
import dev.pikodb.redis.testing.RedisServer;
import dev.pikodb.redis.testing.RedisServers;
import dev.pikodb.redis.testing.Resp;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** durableWrites, waiting for replicas, and changes whose outcome is unknown, on a server of its own. */
class DurabilityTest {

    /**
     * How long a {@code CLIENT PAUSE} lasts unless ended by {@code CLIENT UNPAUSE}, which every test
     * does in a {@code finally}: far longer than any test, so no test depends on a pause still holding.
     */
    private static final String PAUSE_MILLIS = "600000";

    private static RedisServer server;
    private final Databases databases = new Databases();

    @BeforeAll
    static void startServer() {
        server = RedisServers.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    @AfterEach
    void close() {
        databases.close();
    }

    private RedisStorage.Builder storage(TestInfo test) {
        return RedisStorage.builder().uri(server.uri())
                .keyPrefix(RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName()));
    }

    @Test
    void durableWritesRefuseAServerThatMayEvictKeysAndHealthShowsThePolicyAndEvictions(TestInfo test) {
        try (Resp admin = server.admin()) {
            admin.call("CONFIG", "SET", "appendonly", "yes");
            admin.call("CONFIG", "SET", "appendfsync", "always");
            admin.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
            PikoDB db = new PikoDB(DatabaseOptions.builder().storage(storage(test).build()).durableWrites(true).build());

            assertThatThrownBy(db::start).isInstanceOf(PikoDBException.class)
                    .hasMessageContaining("maxmemory-policy allkeys-lru")
                    .hasMessageContaining("'maxmemory-policy noeviction'")
                    .hasMessageContaining(server.uri());

            PikoDB evicting = databases.open(storage(test), options -> options);
            assertThat(evicting.storageHealth()).containsEntry("maxmemoryPolicy", "allkeys-lru")
                    .containsKey("evictedKeys").containsKey("warning");
            assertThat((String) evicting.storageHealth().get("warning")).contains("maxmemory-policy allkeys-lru");

            admin.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
            PikoDB durable = databases.open(storage(test), options -> options.durableWrites(true));
            assertThat(durable.write("t", "k", 1)).isEqualTo(1);
            assertThat(durable.storageHealth()).containsEntry("maxmemoryPolicy", "noeviction").doesNotContainKey("warning");
        } finally {
            try (Resp admin = server.admin()) {
                admin.call("CONFIG", "SET", "appendonly", "no");
                admin.call("CONFIG", "SET", "appendfsync", "everysec");
                admin.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
            }
        }
    }

    @Test
    void durableWritesRefuseAServerThatDoesNotFsyncEveryWrite(TestInfo test) {
        try (Resp admin = server.admin()) {
            admin.call("CONFIG", "SET", "appendonly", "yes");
            admin.call("CONFIG", "SET", "appendfsync", "everysec");
            PikoDB db = new PikoDB(DatabaseOptions.builder().storage(storage(test).build()).durableWrites(true).build());

            assertThatThrownBy(db::start).isInstanceOf(PikoDBException.class)
                    .hasMessageContaining("appendfsync everysec")
                    .hasMessageContaining("'appendfsync always'")
                    .hasMessageContaining(server.uri());
            assertThat(db.isOpen()).isFalse();

            admin.call("CONFIG", "SET", "appendfsync", "always");
            PikoDB durable = databases.open(storage(test), options -> options.durableWrites(true));
            assertThat(durable.write("t", "k", 1)).isEqualTo(1);
        } finally {
            try (Resp admin = server.admin()) {
                admin.call("CONFIG", "SET", "appendonly", "no");
                admin.call("CONFIG", "SET", "appendfsync", "everysec");
            }
        }
    }

    @Test
    void aWriteThatTooFewReplicasConfirmIsReportedAsUnknownYetApplied(TestInfo test) {
        PikoDB db = databases.open(storage(test).waitForReplicas(1, Duration.ofMillis(100)), options -> options);

        assertThatThrownBy(() -> db.write("t", "k", "v"))
                .isInstanceOf(PikoDBOutcomeUnknownException.class)
                .hasMessageContaining("only 0 of the 1 replicas")
                .hasMessageContaining("key 'k'")
                .hasMessageContaining("table 't'");

        assertThat(db.get("t", "k")).as("applied on the master").isEqualTo("v");
        assertThat(db.statistics().failedWrites()).isEqualTo(1);
    }

    @Test
    void keepingADictionaryWaitsForTheReplicasToo(TestInfo test) {
        PikoDB db = databases.open(storage(test).waitForReplicas(1, Duration.ofMillis(100)), options -> options);
        db.addDictionary("d", Dictionary.deflate(Map.of("long", "l")));

        assertThatThrownBy(() -> db.write("t", "k", Map.of("long", 1), null, "d"))
                .isInstanceOf(PikoDBOutcomeUnknownException.class)
                .hasMessageContaining("keeping of dictionary 'd'");
        assertThat(db.get("t", "k")).as("the record is not written when its dictionary is not confirmed").isNull();
    }

    @Test
    void aWriteInFlightWhenTheConnectionDropsIsNotSentAgain(TestInfo test) throws Exception {
        PikoDB db = databases.open(storage(test), options -> options);
        // Two writes: the server then has the write script, so the connection's last command is already
        // EVALSHA before the paused write is sent, whichever test ran before on this server.
        db.write("t", "other", "first");
        db.write("t", "k", "first");
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Resp admin = server.admin()) {
            // Paused for longer than the test can take: the UNPAUSE below ends it, so no step races its end.
            admin.call("CLIENT", "PAUSE", PAUSE_MILLIS, "WRITE");
            Future<Long> write;
            try {
                write = writer.submit(() -> db.write("t", "k", "second"));
                RedisCluster.await("the write to wait on the paused server",
                        () -> pausedOn(admin.text("CLIENT", "LIST"), "evalsha"));
                admin.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
            } finally {
                admin.call("CLIENT", "UNPAUSE");
            }
            assertThatThrownBy(() -> write.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(PikoDBOutcomeUnknownException.class);
            assertThat(db.getRecord("t", "k").orElseThrow().version()).as("the dropped write was not re-sent")
                    .isEqualTo(1);
        } finally {
            writer.shutdownNow();
        }
    }

    /**
     * Whether a client of {@code CLIENT LIST} waits in the pause with {@code command}: its flags hold
     * {@code b} (blocked, as a paused command is) and its current command is {@code command}. The
     * command alone is no proof: it is also the last one a client ran.
     */
    private static boolean pausedOn(String clientList, String command) {
        return clientList.lines().anyMatch(client -> client.matches(".* flags=[A-Za-z]*b[A-Za-z]* .*")
                && client.contains(" cmd=" + command + " "));
    }

    @Test
    void aWriteThatTimesOutIsReportedAsUnknown(TestInfo test) {
        PikoDB db = databases.open(storage(test).commandTimeout(Duration.ofMillis(200)), options -> options);
        db.write("t", "k", "before");
        try (Resp admin = server.admin()) {
            // Paused until the UNPAUSE below, however long the write takes to be sent on a loaded machine.
            admin.call("CLIENT", "PAUSE", PAUSE_MILLIS, "WRITE");
            try {
                assertThatThrownBy(() -> db.write("t", "k", "during"))
                        .isInstanceOf(PikoDBOutcomeUnknownException.class)
                        .hasMessageContaining("may or may not have been applied");
            } finally {
                admin.call("CLIENT", "UNPAUSE");
            }
        }
    }

    @Test
    void startFailsClearlyWhenNoServerListens(TestInfo test) {
        RedisServer gone = RedisServers.start();
        String uri = gone.uri();
        gone.stop();
        PikoDB db = new PikoDB(DatabaseOptions.builder().storage(RedisStorage.builder().uri(uri)
                .connectTimeout(Duration.ofSeconds(2)).build()).build());

        assertThatThrownBy(db::start).isInstanceOf(PikoDBException.class)
                .hasMessageContaining("Cannot connect to " + uri);
    }

    @Test
    void descriptionsNeverShowAPassword() {
        RedisStorage storage = RedisStorage.builder().uri("redis://user:s3cret@127.0.0.1:1/2").keyPrefix("app").build();

        assertThat(storage.describe()).isEqualTo("redis://127.0.0.1:1/2 prefix app");
        assertThat(RedisStorage.builder().uri("rediss://:s3cret@example.org:6380").build().describe())
                .isEqualTo("rediss://example.org:6380 prefix pikodb");
        assertThat(RedisStorage.builder().uri("redis-sentinel://:s3cret@sentinel-a:26379,sentinel-b:26379/1#orders")
                .build().describe()).isEqualTo("redis-sentinel://sentinel-a:26379,sentinel-b:26379/1 master orders prefix pikodb");
        assertThat(RedisStorage.builder().clusterNodes(java.util.List.of("redis://u:s3cret@a:1", "redis://b:2"))
                .build().describe()).isEqualTo("redis-cluster redis://a:1,redis://b:2 prefix pikodb");
        assertThatThrownBy(() -> RedisStorage.builder().uri("http://user:s3cret@host").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RedisStorage.uri")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void theBuilderRefusesIncompleteOrAmbiguousSettings() {
        assertThatThrownBy(() -> RedisStorage.builder().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly one of uri");
        assertThatThrownBy(() -> RedisStorage.builder().uri("redis://h:1").clusterNodes(java.util.List.of("redis://h:2"))
                .build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisStorage.builder().keyPrefix("a{b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'{'");
        assertThatThrownBy(() -> RedisStorage.builder().uri("redis://h:1").waitForReplicas(1, Duration.ofSeconds(10))
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commandTimeout");
    }
}
