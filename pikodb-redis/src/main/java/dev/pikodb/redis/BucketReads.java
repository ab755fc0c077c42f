package dev.pikodb.redis;

import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.QueryPage;
import dev.pikodb.spi.QueryPosition;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads a table's buckets for queries: index entries with their live records ({@link
 * QueryScripts#ENTRIES}), for a condition's candidates, and index members alone ({@link
 * QueryScripts#MEMBERS}), for walks in order whose records are read afterwards, for the page only
 * ({@link PageMerge}). One script per bucket, all buckets' first slices sent at once, in one round trip.
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
        List<List<Object>> firsts = first(buckets, range, SLICE);
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

    /** The first slice of a range's entries, with their records, in every bucket at once. */
    private List<List<Object>> first(byte[][][] buckets, QueryRanges.Range range, int count) {
        byte[][] args = {now.get(), changeStream, range.min(), range.max(), ascii(count),
                ascii(range.descending() ? 1 : 0)};
        return commands.fanOut(buckets.length,
                b -> Scripts.send(commands.async(), QueryScripts.ENTRIES, ScriptOutputType.MULTI, buckets[b], args),
                b -> Scripts.run(commands.sync(), QueryScripts.ENTRIES, ScriptOutputType.MULTI, buckets[b], args));
    }

    /** A further slice of a range's entries, with their records, in one bucket. */
    private List<Hit> fetch(String table, byte[][] bucket, QueryRanges.Range range, int count) {
        List<Object> reply = commands.command(() -> Scripts.run(commands.sync(), QueryScripts.ENTRIES,
                ScriptOutputType.MULTI, bucket, now.get(), changeStream, range.min(), range.max(), ascii(count),
                ascii(range.descending() ? 1 : 0)));
        return hits(table, reply);
    }

    /**
     * The first slice of a range's index members (no records) in every bucket at once, as
     * {@link QueryScripts#MEMBERS} replies; with {@code countedId}, each reply ends with 1 when the
     * bucket has as many entries of that index as records, else 0.
     */
    List<List<Object>> firstMembers(byte[][][] buckets, QueryRanges.Range range, int count, byte[] countedId) {
        byte[][] args = countedId == null
                ? new byte[][] {range.min(), range.max(), ascii(count), ascii(range.descending() ? 1 : 0)}
                : new byte[][] {range.min(), range.max(), ascii(count), ascii(range.descending() ? 1 : 0), countedId};
        return commands.fanOut(buckets.length,
                b -> Scripts.send(commands.async(), QueryScripts.MEMBERS, ScriptOutputType.MULTI, buckets[b], args),
                b -> Scripts.run(commands.sync(), QueryScripts.MEMBERS, ScriptOutputType.MULTI, buckets[b], args));
    }

    /** A further slice of a range's index members in one bucket. */
    List<Object> members(byte[][] bucket, QueryRanges.Range range, int count) {
        return commands.command(() -> Scripts.run(commands.sync(), QueryScripts.MEMBERS, ScriptOutputType.MULTI,
                bucket, range.min(), range.max(), ascii(count), ascii(range.descending() ? 1 : 0)));
    }

    /**
     * The entries of a script's reply with their records; an expired record the script removed is
     * reported and counts as missing. Records are parsed in their header only ({@link RecordFormat}).
     */
    private List<Hit> hits(String table, List<Object> reply) {
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
