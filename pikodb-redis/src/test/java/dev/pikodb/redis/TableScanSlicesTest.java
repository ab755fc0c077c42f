package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import dev.pikodb.redis.testing.RedisServer;
import dev.pikodb.redis.testing.RedisServers;
import dev.pikodb.redis.testing.Resp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A whole-table read of buckets that take several {@code HSCAN} slices each, counted by a server of its
 * own: every record is visited once, each bucket is read in slices (never in one call), and each
 * bucket's length is asked for once (to size the set of keys it remembers).
 */
class TableScanSlicesTest {

    private final Databases databases = new Databases();
    private RedisServer server;
    private Resp admin;
    private PikoDB db;

    @BeforeEach
    void start() {
        server = RedisServers.start();
        admin = server.admin();
        db = databases.open(RedisStorage.builder().uri(server.uri()).keyPrefix("slices"), options -> options);
    }

    @AfterEach
    void stop() {
        databases.close();
        admin.close();
        server.stop();
    }

    @Test
    void aTableOfSeveralSlicesPerBucketIsVisitedOnceRecordByRecord() {
        int perBucket = TableScan.SCAN_COUNT * 2 + 300;
        // The records are stored straight into the buckets (one HSET per bucket, as the write script
        // stores them), after one write has listed the table and opened each bucket.
        List<List<String>> fields = new ArrayList<>();
        for (int b = 0; b < KeySpace.BUCKETS; b++) {
            fields.add(new ArrayList<>());
        }
        int[] records = new int[KeySpace.BUCKETS];
        int written = 0;
        for (int i = 0; written < perBucket * KeySpace.BUCKETS; i++) {
            String key = "k" + i;
            int b = KeySpace.bucketOf(key);
            if (records[b] == perBucket) {
                continue;
            }
            if (records[b] == 0) {
                db.write("big", key, i);
            } else {
                fields.get(b).add(key);
                fields.get(b).add("{\"v\":1,\"t\":1,\"x\":null,\"d\":" + i + "}");
            }
            records[b]++;
            written++;
        }
        KeySpace keys = new KeySpace("slices");
        for (int b = 0; b < KeySpace.BUCKETS; b++) {
            List<String> call = new ArrayList<>(List.of("HSET", text(keys.bucket("big", b)[0])));
            call.addAll(fields.get(b));
            admin.call(call.toArray(new String[0]));
        }
        admin.call("CONFIG", "RESETSTAT");

        List<Map.Entry<String, Object>> entries = db.get("big");

        assertThat(entries).hasSize(written);
        Map<String, Object> byKey = entries.stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(byKey).hasSize(written).containsEntry("k0", 0);
        assertThat(admin.commandCalls("hscan")).as("each bucket in three slices or more")
                .isGreaterThanOrEqualTo(3L * KeySpace.BUCKETS);
        assertThat(admin.commandCalls("hlen")).as("each bucket's length, sent with its first slice").isEqualTo(KeySpace.BUCKETS);

        db.write("small", "a", 1);
        db.write("small", "b", 2);
        admin.call("CONFIG", "RESETSTAT");
        assertThat(db.get("small")).hasSize(2);
        assertThat(admin.commandCalls("hscan")).as("one slice per bucket").isEqualTo(KeySpace.BUCKETS);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
