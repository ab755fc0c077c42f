package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import dev.pikodb.redis.testing.OwnRedisServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a write sends the server, as the server logged it ({@code SLOWLOG} of a server of its own, set to
 * log every command): a plain write gives the write script the key, the value, the generation and the
 * timestamp alone, and the bucket's keys without its stream; each optional argument is sent only up to
 * the last that is not at its default; and each kind of write still stores what it should.
 */
class WriteScriptArgumentsTest {

    private final Databases databases = new Databases();
    @RegisterExtension
    final OwnRedisServer server = new OwnRedisServer();

    @BeforeEach
    void start() {
        server.admin().call("CONFIG", "SET", "slowlog-log-slower-than", "0");
        server.admin().call("CONFIG", "SET", "slowlog-max-len", "1000");
    }

    @AfterEach
    void stop() {
        databases.close();
    }

    @Test
    void aWriteSendsTheScriptOnlyTheArgumentsThatAreNotAtTheirDefaults() {
        PikoDB db = databases.open(RedisStorage.builder().uri(server.uri()).keyPrefix("args"), options -> options);
        db.write("t", "k", Map.of("n", 0)); // lists the table

        List<List<String>> plain = lastWrite(() -> db.write("t", "k", Map.of("n", 1)));
        assertThat(plain.get(0)).as("the bucket's records, expirations, index entries and listed entries")
                .hasSize(4).allSatisfy(key -> assertThat(key).startsWith("{args:t:"));
        assertThat(plain.get(1)).as("key, value, generation, timestamp").hasSize(4);
        assertThat(plain.get(1).subList(0, 3)).containsExactly("k", "{\"n\":1}", "1");

        long expiration = System.currentTimeMillis() + 3_600_000;
        List<List<String>> expiring = lastWrite(() -> db.write("t", "k", Map.of("n", 2), expiration));
        assertThat(expiring.get(1)).hasSize(5).endsWith(Long.toString(expiration));

        List<List<String>> conditional = lastWrite(() -> db.compareAndWrite("t", "k", 3, Map.of("n", 3)));
        assertThat(conditional.get(1)).as("the expiration left empty before the expected version")
                .hasSize(6).endsWith("", "3");

        assertThat(db.getRecord("t", "k").orElseThrow().version()).isEqualTo(4);
        assertThat(db.getRecord("t", "k").orElseThrow().expiration()).isNull();
        assertThat(db.get("t", "k")).isEqualTo(Map.of("n", 3));
        assertThat(server.admin().call("ZSCORE", plain.get(0).get(1), "k")).as("the expiration entry went with it").isNull();
        assertThat(db.compareAndWrite("t", "k", 3, Map.of("n", 9))).isFalse();
    }

    @Test
    void aWriteWithAChangeStreamSendsEveryArgumentAndTheBucketsStream() {
        PikoDB db = databases.open(RedisStorage.builder().uri(server.uri()).keyPrefix("args").changeStream(100),
                options -> options);
        db.write("t", "k", Map.of("n", 0));

        List<List<String>> streamed = lastWrite(() -> db.write("t", "k", Map.of("n", 1)));

        assertThat(streamed.get(0)).hasSize(5);
        assertThat(streamed.get(1)).hasSize(10);
        assertThat(server.admin().call("XLEN", streamed.get(0).get(4))).as("both writes appended").isEqualTo(2L);
        assertThat(db.getRecord("t", "k").orElseThrow().version()).isEqualTo(2);
    }

    /** Runs a write and returns the keys and arguments of the last write script the server ran. */
    private List<List<String>> lastWrite(Runnable write) {
        server.admin().call("SLOWLOG", "RESET");
        write.run();
        List<?> entries = (List<?>) server.admin().call("SLOWLOG", "GET", "1000");
        for (Object entry : entries) { // newest first
            @SuppressWarnings("unchecked")
            List<String> command = (List<String>) ((List<?>) entry).get(3);
            String name = command.get(0).toLowerCase(java.util.Locale.ROOT);
            if (name.equals("evalsha") || name.equals("eval")) {
                int keys = Integer.parseInt(command.get(2));
                return List.of(command.subList(3, 3 + keys), command.subList(3 + keys, command.size()));
            }
        }
        throw new AssertionError("The server logged no script call: " + entries);
    }
}
