package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import dev.pikodb.redis.testing.OwnRedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whole-table reads as the server of their own sees them in its slow log (which, told to, logs every
 * command): a bucket of at most {@link TableScan#WHOLE_BUCKET_LIMIT} fields and at most the reply bound
 * in bytes is read with one {@code HGETALL}, a larger one in {@code HSCAN} slices of at most
 * {@link TableScan#SCAN_COUNT} fields (fewer for large records), an empty one not at all; every record
 * is visited once, and a record written during the read at most once, at one of its versions.
 */
class TableScanSlicesTest {

    private final Databases databases = new Databases();
    private final KeySpace keys = new KeySpace("slices");
    @RegisterExtension
    final OwnRedisServer server = new OwnRedisServer();
    private final List<Connection> connections = new ArrayList<>();
    private PikoDB db;

    @BeforeEach
    void start() {
        db = databases.open(RedisStorage.builder().uri(server.uri()).keyPrefix("slices"), options -> options);
    }

    @AfterEach
    void stop() {
        connections.forEach(Connection::close);
        databases.close();
    }

    @Test
    void aBucketOfAtMostTheLimitIsReadWithOneHgetallAndALargerOneInSlices() {
        // HLEN counts the bucket's state field as well as its records.
        int[] records = new int[KeySpace.BUCKETS];
        Arrays.fill(records, 3);
        records[4] = TableScan.WHOLE_BUCKET_LIMIT - 1;
        records[9] = TableScan.WHOLE_BUCKET_LIMIT;
        Map<String, Integer> written = fill("big", records);
        assertThat(hlen("big", 4)).isEqualTo(TableScan.WHOLE_BUCKET_LIMIT);
        assertThat(hlen("big", 9)).isEqualTo(TableScan.WHOLE_BUCKET_LIMIT + 1);
        logEveryCommand();

        List<Map.Entry<String, Object>> entries = db.get("big");

        assertThat(entries).hasSize(written.size());
        assertThat(entries.stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
                .isEqualTo(written);
        List<List<String>> commands = loggedCommands();
        Set<String> allBuckets = new HashSet<>();
        for (int b = 0; b < KeySpace.BUCKETS; b++) {
            allBuckets.add(hash("big", b));
        }
        Set<String> wholeBuckets = new HashSet<>(allBuckets);
        wholeBuckets.remove(hash("big", 9));
        assertThat(keysOf(commands, "HLEN")).as("each bucket's length, once").hasSize(KeySpace.BUCKETS)
                .containsExactlyInAnyOrderElementsOf(allBuckets);
        assertThat(keysOf(commands, "HGETALL")).as("one HGETALL per bucket of at most the limit")
                .hasSize(KeySpace.BUCKETS - 1).containsExactlyInAnyOrderElementsOf(wholeBuckets);
        List<List<String>> slices = commands.stream().filter(c -> c.get(0).equalsIgnoreCase("HSCAN")).toList();
        assertThat(slices).as("the bucket over the limit, in slices of the scan count")
                .hasSizeGreaterThanOrEqualTo(TableScan.WHOLE_BUCKET_LIMIT / TableScan.SCAN_COUNT)
                .allSatisfy(c -> assertThat(c).element(1).isEqualTo(hash("big", 9)))
                .allSatisfy(c -> assertThat(c).containsSubsequence("COUNT", Integer.toString(TableScan.SCAN_COUNT)));
    }

    @Test
    void aBucketFewInFieldsButLargeInBytesIsReadInSlicesOfAsManyRecordsAsFitInTheBound() {
        // A bound of 64 KiB stands for REPLY_BYTES, so that a bucket over it holds well under 1 MB.
        long bound = 64 << 10;
        int valueBytes = 4000;
        int[] records = new int[KeySpace.BUCKETS];
        Arrays.fill(records, 3);
        records[6] = 150;
        Map<String, Object> written = fill("large", records, i -> "r" + i + "x".repeat(valueBytes));
        assertThat((Long) server.admin().call("MEMORY", "USAGE", hash("large", 6))).isGreaterThan(bound);
        TableScan scan = scanBoundedTo(server.uri(), bound);
        logEveryCommand();

        Map<String, String> read = new HashMap<>();
        boolean expiredSeen = scan.forEachLive("large", (key, record) -> assertThat(read.put(key, new String(
                record.jsonArray(), record.jsonOffset(), record.jsonLength(), StandardCharsets.UTF_8)))
                .as(key + " visited once").isNull());

        assertThat(expiredSeen).isFalse();
        assertThat(read).hasSize(written.size());
        written.forEach((key, value) -> assertThat(read.get(key)).as(key).isEqualTo(json(value)));
        List<List<String>> commands = loggedCommands();
        assertThat(keysOf(commands, "HGETALL")).as("the small buckets whole, not the large one")
                .hasSize(KeySpace.BUCKETS - 1).doesNotContain(hash("large", 6));
        List<List<String>> slices = commands.stream().filter(c -> c.get(0).equalsIgnoreCase("HSCAN")).toList();
        assertThat(slices).as("the large bucket in slices of as many records as fit in the bound")
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(c -> assertThat(c).element(1).isEqualTo(hash("large", 6)))
                // The size is estimated from five sampled fields, which may include the small state field.
                .allSatisfy(c -> assertThat(Integer.parseInt(c.get(c.indexOf("COUNT") + 1)))
                        .isBetween(1, (int) (bound / valueBytes) * 3 / 2));
        assertThat(keysOf(commands, "MEMORY")).as("each bucket's size, once").hasSize(KeySpace.BUCKETS);
    }

    @Test
    void aClientNotPermittedMemoryReadsEveryBucketInSlicesOfTheScanCount() {
        int[] records = new int[KeySpace.BUCKETS];
        Arrays.fill(records, 20);
        Map<String, Integer> written = fill("t", records);
        server.admin().call("ACL", "SETUSER", "nomemory", "on", ">secret", "~*", "&*", "+@all", "-memory");
        TableScan scan = scanBoundedTo(server.uri().replace("redis://", "redis://nomemory:secret@"),
                TableScan.REPLY_BYTES);
        logEveryCommand();

        Map<String, String> read = new HashMap<>();
        scan.forEachLive("t", (key, record) -> read.put(key, new String(record.jsonArray(), record.jsonOffset(),
                record.jsonLength(), StandardCharsets.UTF_8)));

        assertThat(read).hasSize(written.size());
        written.forEach((key, value) -> assertThat(read.get(key)).as(key).isEqualTo(json(value)));
        List<List<String>> commands = loggedCommands();
        assertThat(keysOf(commands, "HGETALL")).isEmpty();
        assertThat(commands.stream().filter(c -> c.get(0).equalsIgnoreCase("HSCAN")).toList())
                .hasSize(KeySpace.BUCKETS)
                .allSatisfy(c -> assertThat(c).containsSubsequence("COUNT", Integer.toString(TableScan.SCAN_COUNT)));
    }

    @Test
    void aSmallTableIsReadWithOneCommandPerBucketHoldingRecords() {
        db.write("small", "a", 1);
        db.write("small", "b", 2);
        int holding = 0;
        for (int b = 0; b < KeySpace.BUCKETS; b++) {
            holding += hlen("small", b) > 0 ? 1 : 0;
        }
        server.admin().call("CONFIG", "RESETSTAT");

        assertThat(db.get("small")).hasSize(2);

        assertThat(server.admin().commandCalls("hgetall")).isEqualTo(holding);
        assertThat(server.admin().commandCalls("hscan")).isZero();
        assertThat(server.admin().commandCalls("hlen")).isEqualTo(KeySpace.BUCKETS);
        assertThat(server.admin().commandCalls("memory|usage")).isEqualTo(KeySpace.BUCKETS);
    }

    @Test
    void aRecordWrittenDuringTheReadIsSeenAtMostOnceAtOneOfItsVersions() {
        int[] records = new int[KeySpace.BUCKETS];
        Arrays.fill(records, 200);
        records[2] = TableScan.WHOLE_BUCKET_LIMIT + 500;
        Map<String, Integer> written = fill("t", records);
        List<String> rewritten = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        Map<Integer, Integer> perBucket = new HashMap<>();
        for (String key : written.keySet()) {
            int n = perBucket.merge(KeySpace.bucketOf(key), 1, Integer::sum);
            if (n <= 5) {
                rewritten.add(key);
            } else if (n <= 8) {
                deleted.add(key);
            }
        }
        Map<String, List<DatabaseRecord>> seen = new HashMap<>();

        db.forEachRecord("t", (key, record) -> {
            if (seen.isEmpty()) {
                rewritten.forEach(k -> db.write("t", k, -written.get(k)));
                deleted.forEach(k -> db.delete("t", k));
                for (int i = 0; i < 50; i++) {
                    db.write("t", "new" + i, i);
                }
            }
            seen.computeIfAbsent(key, k -> new ArrayList<>()).add(record);
        });

        assertThat(seen.values()).as("no key visited twice").allSatisfy(visits -> assertThat(visits).hasSize(1));
        for (Map.Entry<String, Integer> entry : written.entrySet()) {
            String key = entry.getKey();
            DatabaseRecord record = seen.containsKey(key) ? seen.get(key).get(0) : null;
            if (deleted.contains(key)) {
                assertThat(record == null || (record.version() == 1 && record.value().equals(entry.getValue())))
                        .as(key).isTrue();
            } else if (rewritten.contains(key)) {
                assertThat(record).as(key).isNotNull();
                assertThat(record.version() == 1 && record.value().equals(entry.getValue())
                        || record.version() == 2 && record.value().equals(-entry.getValue())).as(key).isTrue();
            } else {
                assertThat(record).as(key).isNotNull();
                assertThat(record.value()).as(key).isEqualTo(entry.getValue());
            }
        }
        assertThat(rewritten).as("buckets read after the writes see the new versions")
                .anySatisfy(key -> assertThat(seen.get(key).get(0).version()).isEqualTo(2));
        seen.keySet().stream().filter(key -> key.startsWith("new"))
                .forEach(key -> assertThat(seen.get(key).get(0).version()).as(key).isEqualTo(1));
    }

    /** Stores records {@code k<i>} of value {@code i} (see {@link #fill(String, int[], IntFunction)}). */
    private Map<String, Integer> fill(String table, int[] perBucket) {
        Map<String, Integer> written = new HashMap<>();
        fill(table, perBucket, i -> i).forEach((key, value) -> written.put(key, (Integer) value));
        return written;
    }

    /**
     * Stores records {@code k<i>} straight into the buckets (one {@code HSET} per bucket, as the write
     * script stores them), after one write per bucket has listed the table and opened the bucket;
     * returns them. Values are integers or strings of letters and digits.
     */
    private Map<String, Object> fill(String table, int[] perBucket, IntFunction<Object> valueOf) {
        List<List<String>> fields = new ArrayList<>();
        for (int b = 0; b < KeySpace.BUCKETS; b++) {
            fields.add(new ArrayList<>());
        }
        int[] records = new int[KeySpace.BUCKETS];
        int total = Arrays.stream(perBucket).sum();
        Map<String, Object> written = new HashMap<>();
        for (int i = 0; written.size() < total; i++) {
            String key = "k" + i;
            int b = KeySpace.bucketOf(key);
            if (records[b] == perBucket[b]) {
                continue;
            }
            Object value = valueOf.apply(i);
            if (records[b] == 0) {
                db.write(table, key, value);
            } else {
                fields.get(b).add(key);
                fields.get(b).add("{\"v\":1,\"t\":1,\"x\":null,\"d\":" + json(value) + "}");
            }
            records[b]++;
            written.put(key, value);
        }
        for (int b = 0; b < KeySpace.BUCKETS; b++) {
            if (!fields.get(b).isEmpty()) {
                List<String> call = new ArrayList<>(List.of("HSET", hash(table, b)));
                call.addAll(fields.get(b));
                server.admin().call(call.toArray(new String[0]));
            }
        }
        return written;
    }

    private static String json(Object value) {
        return value instanceof String text ? "\"" + text + "\"" : value.toString();
    }

    /**
     * A whole-table read of this test's key prefix whose commands read about {@code replyBytes} at most,
     * on a connection of its own to {@code uri}, closed after the test.
     */
    private TableScan scanBoundedTo(String uri, long replyBytes) {
        Settings settings = new Settings(uri, null, "slices", Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofSeconds(30), 0, Duration.ofSeconds(1), null, null, false, null, "scan", 0,
                Duration.ofSeconds(1), false);
        Connection connection = settings.connect();
        connections.add(connection);
        return new TableScan(keys, new Commands(settings, settings.describe(), () -> connection),
                () -> new byte[0], replyBytes);
    }

    private long hlen(String table, int bucket) {
        return (Long) server.admin().call("HLEN", hash(table, bucket));
    }

    private String hash(String table, int bucket) {
        return new String(keys.bucket(table, bucket)[0], StandardCharsets.UTF_8);
    }

    private void logEveryCommand() {
        server.admin().call("CONFIG", "SET", "slowlog-log-slower-than", "0");
        server.admin().call("CONFIG", "SET", "slowlog-max-len", "10000");
        server.admin().call("SLOWLOG", "RESET");
    }

    /** The commands in the slow log, oldest first, each as its arguments. */
    @SuppressWarnings("unchecked")
    private List<List<String>> loggedCommands() {
        List<Object> entries = (List<Object>) server.admin().call("SLOWLOG", "GET", "10000");
        List<List<String>> commands = new ArrayList<>();
        for (Object entry : entries) {
            commands.add(0, (List<String>) ((List<Object>) entry).get(3));
        }
        return commands;
    }

    private static List<String> keysOf(List<List<String>> commands, String name) {
        return commands.stream().filter(c -> c.get(0).equalsIgnoreCase(name)).map(c -> c.get(1)).toList();
    }
}
