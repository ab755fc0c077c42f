package dev.pikodb.benchmarks.redis;

import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.UserProfile;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The floor of any atomic write script: a bare Lettuce {@code EVALSHA} of a script that does only the
 * server work of PikoDB's plain write on Redis, without its logic: one {@code HMGET} of the bucket's
 * state and the old record, one {@code HSET} of the record and, in the {@code withKeyMember} variant,
 * the {@code ZADD} of a new key's key member; with the arguments PikoDB's plain write sends (key,
 * JSON, generation, timestamp) and the table's records spread over 16 buckets as PikoDB spreads them.
 * No versions, no generation check: what a write costs before any of PikoDB's guarantees. Reads are
 * {@code HGET} and {@code HGETALL} of the buckets.
 */
final class ScriptFloorStore implements ComparedStore {

    private static final String READ_WRITE = """
            local got = redis.call('HMGET', KEYS[1], '', ARGV[1])
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            """;
    private static final String KEY_MEMBER = """
            if not got[2] then redis.call('ZADD', KEYS[2], 0, '00000000:' .. ARGV[1]) end
            """;
    private static final int BUCKETS = 16;

    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final RedisCommands<byte[], byte[]> redis;
    private final String sha;
    private final String name;
    private final String prefix;

    /**
     * A floor store on its own client and connection.
     *
     * @param uri the server
     * @param prefix the prefix of its keys
     * @param withKeyMember whether the script also adds a new key's key member
     */
    ScriptFloorStore(String uri, String prefix, boolean withKeyMember) {
        this.client = RedisClient.create(uri);
        this.connection = client.connect(ByteArrayCodec.INSTANCE);
        this.redis = connection.sync();
        this.sha = redis.scriptLoad(utf8(READ_WRITE + (withKeyMember ? KEY_MEMBER : "") + "return 1"));
        this.name = withKeyMember ? "Lettuce EVALSHA HMGET+HSET+ZADD" : "Lettuce EVALSHA HMGET+HSET";
        this.prefix = prefix;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void write(String table, String key, UserProfile profile) {
        write(table, key, Profiles.MAPPER.writeValueAsBytes(profile));
    }

    /** Writes one record's JSON under a key of table {@code table}. */
    void write(String table, String key, byte[] json) {
        byte[][] bucket = bucket(table, Math.floorMod(key.hashCode(), BUCKETS));
        redis.evalsha(sha, ScriptOutputType.INTEGER, bucket, utf8(key), json, new byte[] {'1'},
                utf8(Long.toString(System.currentTimeMillis())));
    }

    @Override
    public UserProfile read(String table, String key) {
        byte[] json = redis.hget(bucket(table, Math.floorMod(key.hashCode(), BUCKETS))[0], utf8(key));
        return json == null ? null : Profiles.MAPPER.readValue(json, UserProfile.class);
    }

    @Override
    public int readAll(String table) {
        int count = 0;
        for (int b = 0; b < BUCKETS; b++) {
            for (Map.Entry<byte[], byte[]> entry : redis.hgetall(bucket(table, b)[0]).entrySet()) {
                if (Profiles.MAPPER.readValue(entry.getValue(), Object.class) != null) {
                    count++;
                }
            }
        }
        return count;
    }

    /** A bucket's records hash and index entries, under one hash tag. */
    private byte[][] bucket(String table, int b) {
        String tag = "{" + prefix + ":" + table + ":" + b + "}";
        return new byte[][] {utf8(tag + ":r"), utf8(tag + ":i")};
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
