package dev.pikodb.redis;

import dev.pikodb.ChangeEvent;
import dev.pikodb.spi.ChangeSink;
import dev.pikodb.spi.EngineRecord;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Reads one record. A read is a bare {@code HGET} of the record's field whenever its answer can be
 * judged without the server's clock: a missing record is missing, and a record without an expiration
 * is live, whenever they are judged; a record whose expiration the application's configured clock (the
 * clock the scripts would be given) has not passed is live; and on the server's clock, a record whose
 * expiration is at or after {@link ServerTime#upperBound}, a time the server's clock has certainly not
 * reached when the reply arrives, is live (so a session that expires in half an hour is read with an
 * {@code HGET}). Every other read is judged on the server by {@link Scripts#READ}, which also removes
 * an expired record with its index entries and reports it, as before: an expired record met by an
 * {@code HGET}, and a record whose expiration is too close for this JVM to judge. A table where such a
 * record was last met is read with the script straight away (one round trip, not two), until the
 * script returns a record that an {@code HGET} could have judged.
 */
final class PointReads {

    /** How many tables are remembered as holding records that expire. */
    private static final int REMEMBERED = 100_000;

    private final KeySpace keys;
    private final Commands commands;
    private final Supplier<byte[]> now;
    /** {@link ServerTime#upperBound}: a time the server's clock has certainly not passed yet. */
    private final LongSupplier serverUpperBound;
    private final RedisStats stats;
    /** The change stream argument of the read script ({@link Settings#changeStreamArgument()}). */
    private final byte[] changeStream;
    private final Set<String> expiring = ConcurrentHashMap.newKeySet();

    PointReads(KeySpace keys, Commands commands, Supplier<byte[]> now, LongSupplier serverUpperBound, RedisStats stats,
            byte[] changeStream) {
        this.keys = keys;
        this.serverUpperBound = serverUpperBound;
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
            if (judgedLive(record, time, serverUpperBound)) {
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
        if (serverClock && judgedLive(record, time, serverUpperBound)) {
            expiring.remove(table);
        }
        return record;
    }

    /**
     * Whether a record read by a bare read command is certainly live at the moment the server read it,
     * without asking the server's clock: it has no expiration, or its expiration is at or after the
     * scripts' clock ({@code time}, the configured clock's millis) or, on the server's clock ({@code
     * time} empty), at or after {@code serverUpperBound}, taken after the reply arrived.
     *
     * @param record the record read
     * @param time the scripts' time argument, as sent (see {@link Scripts})
     * @param serverUpperBound a time the server's clock has certainly not passed ({@link ServerTime#upperBound})
     * @return true when the record is live
     */
    static boolean judgedLive(EngineRecord record, byte[] time, LongSupplier serverUpperBound) {
        Long expiration = record.expiration();
        if (expiration == null) {
            return true;
        }
        // Taken after the reply arrived: the server's clock had not passed it when the read ran either.
        return expiration >= (time.length == 0 ? serverUpperBound.getAsLong() : millis(time));
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
