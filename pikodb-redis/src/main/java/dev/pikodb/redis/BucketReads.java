package dev.pikodb.redis;

import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.QueryPage;
import dev.pikodb.spi.QueryPosition;
import io.lettuce.core.Limit;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads a table's index members for queries, with plain {@code ZRANGEBYLEX} commands, or with {@link
 * QueryScripts#MEMBERS} when a range walk needs each bucket's entry count checked in the same step:
 * one command per bucket, all buckets' first slices sent at once, in one round trip. The records the
 * members name are read afterwards ({@link PageRecords}): all of a condition's candidates, or a walk's
 * page only ({@link PageMerge}).
 */
final class BucketReads {

    /** How many members a slice holds after a bucket's first one. */
    static final int SLICE = 500;
    private static final Limit SLICE_LIMIT = Limit.create(0, SLICE);

    private final KeySpace keys;
    private final Commands commands;

    BucketReads(KeySpace keys, Commands commands) {
        this.keys = keys;
        this.commands = commands;
    }

    /** A record found, at its position. */
    record Found(QueryPosition position, String key, EngineRecord record) {
    }

    /** The table's buckets' keys (see {@link KeySpace#buckets}). */
    byte[][][] buckets(String table) {
        return keys.buckets(table);
    }

    /**
     * Reads every entry of a range in every bucket, members first and then their records, a slice at a
     * time: each round reads a slice of members in every bucket not done yet (the first round in all
     * buckets at once), then the records they name ({@link PageRecords}, one {@code HMGET} per bucket),
     * keeping the live records by key. A condition with few candidates (the 10 notes of an owner) costs
     * two round trips of plain commands, and no script while no candidate is near its expiration.
     */
    void collect(String table, QueryRanges.Range range, Map<String, EngineRecord> into, PageRecords records) {
        byte[][][] buckets = keys.buckets(table);
        List<List<byte[]>> slices = commands.fanOut(buckets.length,
                b -> commands.async().zrangebylex(buckets[b][2], range.lex(), SLICE_LIMIT),
                b -> commands.sync().zrangebylex(buckets[b][2], range.lex(), SLICE_LIMIT));
        List<Integer> more = new ArrayList<>();
        while (true) {
            Map<byte[][], Set<String>> byBucket = new IdentityHashMap<>();
            more.clear();
            for (int b = 0; b < buckets.length; b++) {
                List<byte[]> slice = slices.get(b);
                if (slice == null || slice.isEmpty()) {
                    continue;
                }
                Set<String> named = byBucket.computeIfAbsent(buckets[b], bucket -> new LinkedHashSet<>());
                for (byte[] member : slice) {
                    named.add(keyOf(member));
                }
                if (slice.size() == SLICE) {
                    more.add(b);
                }
            }
            if (byBucket.isEmpty()) {
                return;
            }
            records.read(table, byBucket).forEach(into::putIfAbsent);
            List<List<byte[]>> next = new ArrayList<>(buckets.length);
            for (int b = 0; b < buckets.length; b++) {
                next.add(null);
            }
            for (int b : more) {
                List<byte[]> slice = slices.get(b);
                QueryRanges.Range rest = new QueryRanges.Range(IndexCodec.bound(false, slice.get(slice.size() - 1)),
                        range.max(), false);
                next.set(b, commands.command(
                        () -> commands.sync().zrangebylex(buckets[b][2], rest.lex(), SLICE_LIMIT)));
            }
            slices = next;
        }
    }

    /**
     * The first slice of a range's index members (no records) in every bucket at once: with
     * {@code countedId}, as {@link QueryScripts#MEMBERS} replies, each reply ending with 1 when the
     * bucket has as many entries of that index as records, else 0; without, by {@code ZRANGEBYLEX}
     * (or {@code ZREVRANGEBYLEX}) alone.
     */
    List<List<Object>> firstMembers(byte[][][] buckets, QueryRanges.Range range, int count, byte[] countedId) {
        if (countedId == null) {
            return commands.fanOut(buckets.length, b -> members(commands.async(), buckets[b], range, count),
                    b -> sliceOf(members(commands.sync(), buckets[b], range, count)));
        }
        byte[][] args = {range.min(), range.max(), ascii(count), ascii(range.descending() ? 1 : 0), countedId};
        return commands.fanOut(buckets.length,
                b -> Scripts.send(commands.async(), QueryScripts.MEMBERS, ScriptOutputType.MULTI, buckets[b], args),
                b -> Scripts.run(commands.sync(), QueryScripts.MEMBERS, ScriptOutputType.MULTI, buckets[b], args));
    }

    /** A further slice of a range's index members in one bucket. */
    List<Object> members(byte[][] bucket, QueryRanges.Range range, int count) {
        return commands.command(() -> sliceOf(members(commands.sync(), bucket, range, count)));
    }

    @SuppressWarnings("unchecked")
    private static io.lettuce.core.RedisFuture<List<Object>> members(RedisClusterAsyncCommands<byte[], byte[]> async,
            byte[][] bucket, QueryRanges.Range range, int count) {
        io.lettuce.core.RedisFuture<?> sent = range.descending()
                ? async.zrevrangebylex(bucket[2], range.lex(), Limit.create(0, count))
                : async.zrangebylex(bucket[2], range.lex(), Limit.create(0, count));
        return (io.lettuce.core.RedisFuture<List<Object>>) sent;
    }

    private static List<byte[]> members(RedisClusterCommands<byte[], byte[]> sync, byte[][] bucket,
            QueryRanges.Range range, int count) {
        return range.descending() ? sync.zrevrangebylex(bucket[2], range.lex(), Limit.create(0, count))
                : sync.zrangebylex(bucket[2], range.lex(), Limit.create(0, count));
    }

    private static List<Object> sliceOf(List<byte[]> members) {
        return new ArrayList<>(members);
    }

    /** The key an index member names. */
    static String keyOf(byte[] member) {
        byte[] keyId = QueryRanges.KEY_ID;
        int from = keyId.length;
        if (Arrays.equals(member, 0, from, keyId, 0, from)) {
            return new String(member, from, member.length - from, StandardCharsets.UTF_8);
        }
        int end = IndexCodec.valueEnd(member, from);
        return new String(member, end, member.length - end, StandardCharsets.UTF_8);
    }

    /** The first {@code limit} records found, with the position of the last when more were found. */
    static QueryPage page(List<Found> found, int limit) {
        int size = Math.min(found.size(), limit);
        List<Map.Entry<String, EngineRecord>> records = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            records.add(new AbstractMap.SimpleImmutableEntry<>(found.get(i).key, found.get(i).record));
        }
        return new QueryPage(records, found.size() > limit ? found.get(limit - 1).position : null);
    }

    private static byte[] ascii(int number) {
        return Integer.toString(number).getBytes(StandardCharsets.US_ASCII);
    }
}
