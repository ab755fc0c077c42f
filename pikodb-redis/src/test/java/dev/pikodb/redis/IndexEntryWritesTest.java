package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import dev.pikodb.Query;
import dev.pikodb.redis.testing.OwnRedisServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an overwrite does to the index entries, counted by the server itself ({@code INFO
 * commandstats} of a server of its own): an overwrite whose indexed values did not change (a session
 * saved again with the same principal) leaves its entries alone, and one whose values changed moves
 * them.
 */
class IndexEntryWritesTest {

    private final Databases databases = new Databases();
    @RegisterExtension
    final OwnRedisServer server = new OwnRedisServer();

    @BeforeEach
    void start() {
        server.admin().call("SCRIPT", "LOAD", new String(Scripts.WRITE.source(), StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        databases.close();
    }

    @Test
    void anOverwriteThatKeepsItsIndexedValuesChangesNoIndexEntry() {
        PikoDB db = databases.open(RedisStorage.builder().uri(server.uri()).keyPrefix("entries"), options -> options);
        db.createIndex("sessions", "principal", "/principal");
        long expiration = db.clock().millis() + 600_000;
        db.write("sessions", "s1", Map.of("principal", "alice", "hits", 0), expiration);
        db.write("sessions", "s2", Map.of("principal", "bob", "hits", 0), expiration);
        server.admin().call("CONFIG", "RESETSTAT");

        for (int i = 1; i <= 10; i++) {
            db.write("sessions", "s1", Map.of("principal", "alice", "hits", i), expiration + i);
        }

        assertThat(calls("zrem")).as("no entry removed").isZero();
        assertThat(calls("hdel")).isZero();
        assertThat(calls("zadd")).as("no index entry, and no expiration entry for a postponed expiration").isZero();
        assertThat(keys(db, "alice")).containsExactly("s1");
        assertThat(db.get("sessions", "s1")).isEqualTo(Map.of("principal", "alice", "hits", 10));

        db.write("sessions", "s1", Map.of("principal", "bob", "hits", 11), expiration);
        assertThat(keys(db, "alice")).isEmpty();
        assertThat(keys(db, "bob")).containsExactly("s1", "s2");
        db.write("sessions", "s1", Map.of("hits", 12), expiration);
        assertThat(keys(db, "bob")).containsExactly("s2");
        assertThat(db.count("sessions", Query.all())).isEqualTo(2);
        assertThat(db.delete("sessions", "s1")).isTrue();
        assertThat(db.delete("sessions", "s2")).isTrue();
        byte[] entries = new KeySpace("entries").bucket("sessions", KeySpace.bucketOf("s1"))[2];
        assertThat(server.admin().call("ZCARD", new String(entries, StandardCharsets.UTF_8)))
                .as("the last record's entries went with it: the bucket's own marker is left").isEqualTo(1L);
    }

    private static List<String> keys(PikoDB db, String principal) {
        return db.find("sessions", Query.eq("/principal", principal)).records().stream().map(Map.Entry::getKey)
                .sorted().toList();
    }

    private long calls(String command) {
        return server.admin().commandCalls(command);
    }
}
