package dev.pikodb.redis;

import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.QueryPage;
import dev.pikodb.spi.QueryPlan;
import dev.pikodb.spi.QueryPosition;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Supplier;

/**
 * Reads index entries with their live records from a table's buckets ({@link Scripts#ENTRIES}: one
 * script per bucket, all buckets' first slices sent at once, each in one round trip), and merges the
 * buckets' walks ({@link BucketWalk}) into a page.
 */
final class BucketReads {

    /** How many entries a script reads after a bucket's first slice. */
    static final int SLICE = 500;

    private final KeySpace keys;
    private final Commands commands;
    private final Supplier<byte[]> now;
    private final RedisQueries.Expired expired;
    /** The change stream argument of the scripts (see {@link Scripts}). */
    private final byte[] changeStream;

    BucketReads(KeySpace keys, Commands commands, Supplier<byte[]> now, RedisQueries.Expired expired,
            byte[] changeStream) {
        this.keys = keys;
        this.commands = commands;
        this.now = now;
        this.expired = expired;
        this.changeStream = changeStream;
    }

    /** An entry of a bucket with its live record (null when missing or expired). */
    record Hit(byte[] member, String key, EngineRecord record) {
    }

    /** A record found, at its position. */
    record Found(QueryPosition position, String key, EngineRecord record) {
    }

    /** The table's buckets' keys (see {@link KeySpace#buckets}). */
    byte[][][] buckets(String table) {
        return keys.buckets(table);
    }

    /** Reads every entry of a range in every bucket, slice by slice, keeping the live records by key. */
    void collect(String table, QueryRanges.Range range, Map<String, EngineRecord> into) {
        byte[][][] buckets = keys.buckets(table);
        List<List<Object>> firsts = first(buckets, range, SLICE, null);
        for (int b = 0; b < buckets.length; b++) {
            List<Hit> hits = hits(table, firsts.get(b));
            while (true) {
                for (Hit hit : hits) {
                    if (hit.record != null) {
                        into.putIfAbsent(hit.key, hit.record);
                    }
                }
                if (hits.size() < SLICE) {
                    break;
                }
                byte[] last = hits.get(hits.size() - 1).member;
                hits = fetch(table, buckets[b],
                        new QueryRanges.Range(IndexCodec.bound(false, last), range.max(), false), SLICE);
            }
        }
    }

    /**
     * The first slice of a range in every bucket at once, as the script replies; with {@code countedId},
     * each reply ends with 1 when the bucket has as many entries of that index as records, else 0.
     */
    List<List<Object>> first(byte[][][] buckets, QueryRanges.Range range, int count, byte[] countedId) {
        byte[][] args = countedId == null
                ? new byte[][] {now.get(), range.min(), range.max(), ascii(count), ascii(range.descending() ? 1 : 0),
                        changeStream}
                : new byte[][] {now.get(), range.min(), range.max(), ascii(count), ascii(range.descending() ? 1 : 0),
                        changeStream, countedId};
        return commands.fanOut(buckets.length,
                b -> Scripts.send(commands.async(), Scripts.ENTRIES, ScriptOutputType.MULTI, buckets[b], args),
                b -> Scripts.run(commands.sync(), Scripts.ENTRIES, ScriptOutputType.MULTI, buckets[b], args));
    }

    /** A further slice of a range in one bucket. */
    List<Hit> fetch(String table, byte[][] bucket, QueryRanges.Range range, int count) {
        List<Object> reply = commands.command(() -> Scripts.run(commands.sync(), Scripts.ENTRIES,
                ScriptOutputType.MULTI, bucket, now.get(), range.min(), range.max(), ascii(count),
                ascii(range.descending() ? 1 : 0), changeStream));
        return hits(table, reply);
    }

    /**
     * The entries of a script's reply with their records; an expired record the script removed is
     * reported and counts as missing. Records are parsed in their header only ({@link RecordFormat}).
     */
    List<Hit> hits(String table, List<Object> reply) {
        List<Hit> hits = new ArrayList<>(reply.size() / 2);
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            byte[] member = (byte[]) reply.get(i);
            String key = keyOf(member);
            byte[] stored = (byte[]) reply.get(i + 1);
            if (stored != null && stored.length > 0 && stored[0] == 'x') {
                expired.removed(table, key, Long.parseLong(new String(stored, 1, stored.length - 1,
                        StandardCharsets.US_ASCII)));
                stored = null;
            }
            hits.add(new Hit(member, key, stored == null || stored.length == 0 ? null
                    : RecordFormat.parse(table, key, stored)));
        }
        return hits;
    }

    private static String keyOf(byte[] member) {
        byte[] keyId = QueryRanges.KEY_ID;
        int from = keyId.length;
        if (Arrays.equals(member, 0, from, keyId, 0, from)) {
            return new String(member, from, member.length - from, StandardCharsets.UTF_8);
        }
        int end = IndexCodec.valueEnd(member, from);
        return new String(member, end, member.length - end, StandardCharsets.UTF_8);
    }

    /**
     * Merges the buckets' walks, started with their first slices, until one record past the page: the
     * walks' entries are ordered by their members, and each is checked against its record only when
     * it reaches the page ({@link BucketWalk#next}).
     */
    static QueryPage merge(List<BucketWalk> walks, QueryPlan plan) {
        PriorityQueue<BucketWalk> heads = new PriorityQueue<>(Math.max(1, walks.size()),
                (a, c) -> BucketWalk.compare(plan, a.head(), c.head()));
        for (BucketWalk walk : walks) {
            if (walk.head() != null) {
                heads.add(walk);
            }
        }
        List<Found> found = new ArrayList<>();
        long wanted = plan.limit() == Integer.MAX_VALUE ? Long.MAX_VALUE : plan.limit() + 1L;
        while (!heads.isEmpty() && found.size() < wanted) {
            BucketWalk walk = heads.poll();
            Found next = walk.next();
            if (next != null) {
                found.add(next);
            }
            if (walk.head() != null) {
                heads.add(walk);
            }
        }
        return page(found, plan.limit());
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
