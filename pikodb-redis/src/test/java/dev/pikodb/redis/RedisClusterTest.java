package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.DatabaseRecord;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.TableSummary;
import dev.pikodb.redis.testing.RedisCluster;
import dev.pikodb.redis.testing.RedisServer;
import dev.pikodb.redis.testing.RedisServers;
import dev.pikodb.redis.testing.Resp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The PikoDB API over a 3-master Redis Cluster, from two instances. */
class RedisClusterTest {

    private final Databases databases = new Databases();
    private RedisCluster cluster;
    private String prefix;
    private PikoDB db;
    private PikoDB other;

    @BeforeEach
    void open(TestInfo test) {
        cluster = RedisServers.sharedCluster();
        prefix = RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        db = databases.open(RedisStorage.builder().clusterNodes(cluster.seedUris()).keyPrefix(prefix), o -> o);
        other = databases.open(RedisStorage.builder().clusterNodes(cluster.seedUris().subList(1, 2)).keyPrefix(prefix),
                o -> o);
    }

    @AfterEach
    void close() {
        databases.close();
    }

    @Test
    void theApiWorksAcrossTheCluster() {
        assertThat(db.write("users", "alice", Map.of("name", "Alice"))).isEqualTo(1);
        assertThat(other.write("users", "alice", Map.of("name", "Alice B."))).isEqualTo(2);
        assertThat(db.compareAndWrite("users", "alice", 2, Map.of("name", "Alice C."))).isTrue();
        assertThat(other.compareAndWrite("users", "alice", 2, "stale")).isFalse();
        assertThat(other.get("users", "alice")).isEqualTo(Map.of("name", "Alice C."));
        assertThat(db.delete("users", "alice")).isTrue();
        assertThat(other.write("users", "alice", 1)).isEqualTo(1);

        db.addDictionary("d", Dictionary.deflate(Map.of("temperature", "t")));
        db.write("readings", "r", Map.of("temperature", 20), null, "d");
        assertThat(other.get("readings", "r")).isEqualTo(Map.of("temperature", 20));
        db.write("expiring", "k", 1, System.currentTimeMillis() - 60_000);
        assertThat(other.get("expiring", "k")).isNull();

        assertThat(other.listTables()).containsExactly("expiring", "readings", "users");
        assertThat(other.tableSummaries()).extracting(TableSummary::name).containsExactly("expiring", "readings", "users");
        assertThat(other.deleteTable("readings")).isTrue();
        assertThat(db.listTables()).containsExactly("expiring", "users");
        assertThat(db.get("readings", "r")).isNull();
    }

    @Test
    void tablesSpreadOverTheMasters() {
        int tables = 30;
        for (int i = 0; i < tables; i++) {
            db.write("table-" + i, "k", i);
        }

        List<Long> keysPerMaster = new ArrayList<>();
        for (RedisServer master : cluster.masters()) {
            try (Resp admin = master.admin()) {
                keysPerMaster.add(tableKeysOn(admin));
            }
        }

        assertThat(keysPerMaster).as("tables of this prefix on each master").allSatisfy(n -> assertThat(n).isPositive());
        assertThat(keysPerMaster.stream().mapToLong(Long::longValue).sum()).isEqualTo(tables);
        assertThat(other.listTables()).hasSize(tables);
        assertThat(IntStream.range(0, tables).mapToObj(i -> other.get("table-" + i, "k")).toList())
                .isEqualTo(IntStream.range(0, tables).boxed().toList());
    }

    /** Counts this test's bucket hashes on one node (SCAN over the node's own keys). */
    private long tableKeysOn(Resp admin) {
        long count = 0;
        String cursor = "0";
        do {
            @SuppressWarnings("unchecked")
            List<Object> page = (List<Object>) admin.call("SCAN", cursor, "MATCH", "{" + prefix + ":*}:r", "COUNT", "1000");
            cursor = (String) page.get(0);
            count += ((List<?>) page.get(1)).size();
        } while (!"0".equals(cursor));
        return count;
    }

    @Test
    void durableWritesChecksEveryMaster() {
        PikoDB durable = new PikoDB(DatabaseOptions.builder()
                .storage(RedisStorage.builder().clusterNodes(cluster.seedUris()).keyPrefix(prefix).build())
                .durableWrites(true).build());

        assertThatThrownBy(durable::start).isInstanceOf(PikoDBException.class)
                .hasMessageContaining("redis-cluster")
                .hasMessageContaining("appendonly no")
                .hasMessageContaining("'appendonly yes' and 'appendfsync always'");
    }

    @Test
    void aTableWithABucketOverTheWholeBucketLimitIsReadFromItsMasters() {
        // One bucket holds more fields than one HGETALL reads, so it is read in HSCAN slices, the others whole.
        List<Map.Entry<String, DatabaseRecord>> records = new ArrayList<>();
        int inFirst = 0;
        for (int i = 0; inFirst < TableScan.WHOLE_BUCKET_LIMIT + 1; i++) {
            String key = "k" + i;
            boolean first = KeySpace.bucketOf(key) == 0;
            if (first || i % 50 == 0) {
                records.add(Map.entry(key, new DatabaseRecord(i, 1, 1, null, null)));
                inFirst += first ? 1 : 0;
            }
        }
        assertThat(db.importRecords("big", records)).isEqualTo(records.size());

        List<Map.Entry<String, Object>> read = other.get("big");

        assertThat(read).hasSize(records.size());
        assertThat(read.stream().map(Map.Entry::getKey).distinct().count()).isEqualTo(records.size());
        assertThat(other.getTableSize("big")).isEqualTo(records.size());
    }
}
