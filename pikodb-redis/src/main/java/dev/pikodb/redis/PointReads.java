package dev.pikodb.redis;

import dev.pikodb.ChangeEvent;
import dev.pikodb.spi.ChangeSink;
import dev.pikodb.spi.EngineRecord;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Reads one record. When the answer needs no clock, a read is a bare {@code HGET} of the record's
 * field: a missing record is missing, and a record without an expiration is live, whenever they are
 * judged; so is a record whose expiration the application's configured clock (the clock the scripts
 * would be given) has not passed. Every other read is judged on the server by {@link Scripts#READ},
 * which also removes an expired record with its index entries and reports it, as before: an expired
 * record met by an {@code HGET}, and a record that expires while the server's {@code TIME} judges
 * expiry. A table where such a record was last met is read with the script straight away (one round
 * trip, not two), until the script returns a record without an expiration.
 */
final class PointReads {

    /** How many tables are remembered as holding records that expire. */
    private static final int REMEMBERED = 100_000;

    private final KeySpace keys;
    private final Commands commands;
    private final Supplier<byte[]> now;
    private final RedisStats stats;
    /** The change stream argument of the read script ({@link Settings#changeStreamArgument()}). */
    private final byte[] changeStream;
    private final Set<String> expiring = ConcurrentHashMap.newKeySet();

    PointReads(KeySpace keys, Commands commands, Supplier<byte[]> now, RedisStats stats, byte[] changeStream) {
        this.keys = keys;
        this.changeStream = changeStream;
        this.commands = commands;
        this.now = now;
        this.stats = stats;
    }

    /**
     * Reads a live record.
     *
     * @param table the table
     * @param key the key
     * @param sink where to report an expired record this read removed, or null
     * @return the record, or null when it is missing or expired
     */
    EngineRecord read(String table, String key, ChangeSink sink) {
        byte[][] bucket = keys.bucket(table, KeySpace.bucketOf(key));
        byte[] field = key.getBytes(StandardCharsets.UTF_8);
        byte[] time = now.get();
        boolean serverClock = time.length == 0;
        boolean counted = false;
        if (!serverClock || !expiring.contains(table)) {
            byte[] stored = commands.command(() -> commands.sync().hget(bucket[0], field));
            stats.reads.increment();
            counted = true;
            if (stored == null) {
                return null;
            }
            EngineRecord record = RecordFormat.parse(table, key, stored);
            Long expiration = record.expiration();
            if (expiration == null || !serverClock && millis(time) <= expiration) {
                return record;
            }
            if (serverClock) {
                remember(table);
            }
        }
        List<Object> reply = commands.command(() -> Scripts.run(commands.sync(), Scripts.READ,
                ScriptOutputType.MULTI, bucket, time, field, changeStream));
        if (!counted) {
            stats.reads.increment();
        }
        Object answer = reply.isEmpty() ? null : reply.get(0);
        if (answer == null) {
            return null;
        }
        if (answer instanceof Long version) {
            stats.expiredRemoved.increment();
            if (sink != null) {
                sink.publish(ChangeEvent.expired(table, key, version));
            }
            return null;
        }
        EngineRecord record = RecordFormat.parse(table, key, (byte[]) answer);
        if (record.expiration() == null) {
            expiring.remove(table);
        }
        return record;
    }

    private void remember(String table) {
        if (expiring.size() >= REMEMBERED) {
            expiring.clear();
        }
        expiring.add(table);
    }

    private static long millis(byte[] time) {
        return Long.parseLong(new String(time, StandardCharsets.US_ASCII));
    }
}
