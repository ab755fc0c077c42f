package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import dev.pikodb.redis.testing.RedisCluster;
import dev.pikodb.redis.testing.RedisServer;
import dev.pikodb.redis.testing.RedisServers;
import dev.pikodb.redis.testing.Resp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** How a table's records lie on a 3-master cluster: spread over buckets, hence over every master. */
class RedisLayoutTest {

    private final Databases databases = new Databases();
    private RedisCluster cluster;
    private String prefix;
    private PikoDB db;

    @BeforeEach
    void open(TestInfo test) {
        cluster = RedisServers.sharedCluster();
        prefix = RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        db = databases.open(RedisStorage.builder().clusterNodes(cluster.seedUris()).keyPrefix(prefix), o -> o);
    }

    @AfterEach
    void close() {
        databases.close();
    }

    @Test
    void aThousandRecordTableHasRecordsOnEveryMaster() {
        int records = 1000;
        for (int i = 0; i < records; i++) {
            db.write("sessions", "user-" + i, Map.of("n", i));
        }

        List<Long> perMaster = recordsPerMaster("sessions");

        assertThat(perMaster).as("records of one table on each of the 3 masters").hasSize(3)
                .allSatisfy(n -> assertThat(n).isGreaterThan(records / 10));
        assertThat(perMaster.stream().mapToLong(Long::longValue).sum()).isEqualTo(records);
        assertThat(db.getTableSize("sessions")).isEqualTo(records);
        assertThat(db.get("sessions")).hasSize(records);
    }

    @Test
    void everyBucketOfATableHasItsOwnSlotSpreadOverTheSlotRange() {
        KeySpace keys = new KeySpace(prefix);
        byte[][][] buckets = keys.buckets("any table {with} braces: and colons");
        java.util.Set<Integer> shares = new java.util.HashSet<>();
        for (int b = 0; b < KeySpace.BUCKETS; b++) {
            int slot = io.lettuce.core.cluster.SlotHash.getSlot(buckets[b][0]);
            shares.add(slot * KeySpace.BUCKETS / 16384);
            assertThat(io.lettuce.core.cluster.SlotHash.getSlot(buckets[b][1])).isEqualTo(slot);
        }
        assertThat(shares).as("each bucket in its own sixteenth of the slots").hasSize(KeySpace.BUCKETS);
    }

    /**
     * The figure of the layout: keys and records of a 100,000-record table per master. Runs with
     * {@code -Dpikodb.redis.figures=true} (it takes a while), printing the figure.
     */
    @Test
    void keysOfAHundredThousandRecordTablePerMaster() {
        if (!Boolean.getBoolean("pikodb.redis.figures")) {
            return;
        }
        int records = 100_000;
        java.util.stream.IntStream.range(0, 8).parallel().forEach(t -> {
            for (int i = t; i < records; i += 8) {
                db.write("big", "k" + i, Map.of("n", i));
            }
        });
        List<Long> perMaster = recordsPerMaster("big");
        List<Long> keysPerMaster = new ArrayList<>();
        for (RedisServer master : cluster.masters()) {
            try (Resp admin = master.admin()) {
                keysPerMaster.add((long) scan(admin, "{" + prefix + ":big:*").size());
            }
        }
        System.out.println("FIGURE 100,000-record table on 3 masters: records per master " + perMaster
                + ", keys per master " + keysPerMaster);
        assertThat(perMaster.stream().mapToLong(Long::longValue).sum()).isEqualTo(records);
    }

    /** Records of a table on each master: the bucket hashes found there, less each one's generation field. */
    private List<Long> recordsPerMaster(String table) {
        List<Long> perMaster = new ArrayList<>();
        for (RedisServer master : cluster.masters()) {
            try (Resp admin = master.admin()) {
                long count = 0;
                for (String key : scan(admin, "{" + prefix + ":" + table + ":*}:r")) {
                    count += (Long) admin.call("HLEN", key) - 1;
                }
                perMaster.add(count);
            }
        }
        return perMaster;
    }

    static List<String> scan(Resp admin, String pattern) {
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        do {
            @SuppressWarnings("unchecked")
            List<Object> page = (List<Object>) admin.call("SCAN", cursor, "MATCH", pattern, "COUNT", "1000");
            cursor = (String) page.get(0);
            for (Object key : (List<?>) page.get(1)) {
                keys.add((String) key);
            }
        } while (!"0".equals(cursor));
        return keys;
    }
}
