package dev.pikodb.redis;

import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.IndexValue;
import dev.pikodb.spi.QueryCondition;
import dev.pikodb.spi.QueryPage;
import dev.pikodb.spi.QueryPlan;
import dev.pikodb.spi.QueryPosition;
import io.lettuce.core.RedisFuture;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Answers queries from the index entries in a table's buckets (see {@link KeySpace} and
 * {@link IndexCodec}), never by reading every record.
 *
 * <p>Each query plans with the table's index definitions ({@link IndexDefinitions}), read again
 * alongside its first commands (see {@code withDefinitions}): a query costs the round trips of its
 * bucket reads only. The ranges it reads come from {@link QueryRanges}, the reads from {@link
 * BucketReads}, each bucket's walk in order from {@link BucketWalk}, the merge of the walks into a page
 * from {@link PageMerge}.
 *
 * <p><b>Walks</b> (queries without a condition): every bucket reads its members of the ordering
 * index (or of its key index) in order from the cursor on, in slices ({@code ZRANGEBYLEX}, members
 * only); the buckets' sequences are merged in the query's order (the order of the entries'
 * members), and the records of the entries taken are read afterwards, for the page only, one
 * {@code HMGET} per bucket involved ({@link PageMerge}, {@link PageRecords}), until one record past
 * the page: a page of 10 costs two round trips and reads 11 records. The work grows with the page,
 * not with the table. A descending walk by a path reads each value's group of entries whole, to list
 * its keys ascending.
 *
 * <p><b>Conditions</b>: the candidates come from lex ranges of the index entries of each bucket (an
 * {@code and} takes the part with the fewest entries, counted with {@code ZLEXCOUNT}; an {@code or}
 * the union of its parts), members first ({@code ZRANGEBYLEX}); each candidate's live record, read
 * afterwards ({@link PageRecords}), is checked against the whole condition, then sorted and paged.
 * The work grows with the candidates. Except for a condition on the path the query is ordered by
 * alone, with a limit ({@code range("/created", a, b).orderBy("/created", false).limit(10)}): that
 * one walks the range as a walk does, members first, a slice at a time per bucket, merged until one
 * record past the page, when every bucket has one entry of that index per record (plain {@code
 * ZRANGEBYLEX} commands when the index's definition notes that no record ever had several values at
 * its path, else a script that also counts each bucket's entries; see {@code rangeWalk}); its work
 * grows with the page, not with the records in range.
 *
 * <p><b>Exactness.</b> Every returned record was live when it was read (by a script, or by a bare
 * read judged as {@link PointReads} judges one), and its value at the returned version is checked here
 * against the condition (and, in a walk, its sort value against the entry that named it: a record
 * with several values is taken at its smallest value when ascending, its largest when descending; a
 * record changed since a walk read its entry fails that check and is passed over, the walk going on).
 * A record not written during the query has its entries in place, so it is a candidate, and it is
 * returned once (candidates are per key).
 */
final class RedisQueries {

    /** How many tables' definitions are remembered for queries. */
    private static final int REMEMBERED = 100_000;
    private static final IndexDefinitions.Definitions NONE = new IndexDefinitions.Definitions(0, List.of());

    private final KeySpace keys;
    private final Commands commands;
    private final IndexDefinitions indexes;
    private final BucketReads reads;
    private final PageRecords records;
    /** The definitions each table's last query planned with (checked again by every query). */
    private final Map<String, IndexDefinitions.Definitions> seen = new ConcurrentHashMap<>();

    /** Told of each expired record a query removed. */
    interface Expired {
        void removed(String table, String key, long version);
    }

    RedisQueries(KeySpace keys, Commands commands, Supplier<byte[]> now, LongSupplier serverUpperBound,
            IndexDefinitions indexes, Expired expired, byte[] changeStream) {
        this.keys = keys;
        this.commands = commands;
        this.indexes = indexes;
        this.reads = new BucketReads(keys, commands);
        this.records = new PageRecords(commands, now, serverUpperBound, expired, changeStream);
    }

    /** Reads the records of a query's entries. */
    PageRecords records() {
        return records;
    }

    QueryPage query(String table, QueryPlan plan) {
        boolean byKeyOnly = plan.orderedByKey() && onlyKey(plan.condition());
        return withDefinitions(table, byKeyOnly, definitions -> answer(table, definitions, plan));
    }

    long count(String table, QueryCondition condition) {
        QueryCondition counted = condition == QueryCondition.All.INSTANCE
                ? new QueryCondition.Range(QueryCondition.KEY, null, null) : condition;
        return withDefinitions(table, onlyKey(counted), definitions -> {
            checkIndexed(table, definitions, counted);
            long count = 0;
            for (Map.Entry<String, EngineRecord> candidate : candidates(table, definitions, counted).entrySet()) {
                if (matches(counted, candidate.getKey(), candidate.getValue())) {
                    count++;
                }
            }
            return count;
        });
    }

    /** Refuses a condition on a path without a ready index (see {@link RedisStorage#checksQueryPaths}). */
    private static void checkIndexed(String table, IndexDefinitions.Definitions definitions,
            QueryCondition condition) {
        for (String path : condition.paths()) {
            if (!path.equals(QueryCondition.KEY)) {
                QueryRanges.index(table, definitions, path);
            }
        }
    }

    private static boolean onlyKey(QueryCondition condition) {
        for (String path : condition.paths()) {
            if (!path.equals(QueryCondition.KEY)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Answers with the table's current index definitions, without a round trip of its own: a query on
     * the key alone needs none; otherwise the definitions the table's last query used are read again
     * alongside the query's first commands and, when they changed meanwhile (an index created, made
     * ready or dropped, by any instance), the query is answered again with the new ones. A table not
     * queried before has its definitions read first.
     */
    private <T> T withDefinitions(String table, boolean keyOnly, Function<IndexDefinitions.Definitions, T> answer) {
        if (keyOnly) {
            return answer.apply(NONE);
        }
        IndexDefinitions.Definitions known = seen.get(table);
        if (known != null) {
            byte[] key = keys.indexesKey(table);
            RedisFuture<Map<byte[], byte[]>> check = commands.send(() -> commands.async().hgetall(key));
            T result = null;
            IllegalArgumentException refused = null;
            try {
                result = answer.apply(known);
            } catch (IllegalArgumentException e) {
                refused = e; // perhaps an index the remembered definitions lack: decided below
            }
            IndexDefinitions.Definitions current = IndexDefinitions.parse(
                    commands.await(check, () -> commands.sync().hgetall(key)));
            if (current.equals(known)) {
                if (refused != null) {
                    throw refused;
                }
                return result;
            }
            remember(table, current);
            return answer.apply(current);
        }
        IndexDefinitions.Definitions current = indexes.load(table);
        remember(table, current);
        return answer.apply(current);
    }

    private void remember(String table, IndexDefinitions.Definitions definitions) {
        if (seen.size() >= REMEMBERED) {
            seen.clear();
        }
        seen.put(table, definitions);
    }

    private QueryPage answer(String table, IndexDefinitions.Definitions definitions, QueryPlan plan) {
        checkIndexed(table, definitions, plan.condition());
        if (!plan.orderedByKey()) {
            QueryRanges.index(table, definitions, plan.orderPath());
        }
        if (plan.condition() == QueryCondition.All.INSTANCE) {
            return walk(table, definitions, plan);
        }
        QueryPage bounded = rangeWalk(table, definitions, plan);
        if (bounded != null) {
            return bounded;
        }
        Map<String, EngineRecord> candidates = candidates(table, definitions, plan.condition());
        Comparator<QueryPosition> order = plan.order();
        List<BucketReads.Found> found = new ArrayList<>();
        for (Map.Entry<String, EngineRecord> candidate : candidates.entrySet()) {
            String key = candidate.getKey();
            EngineRecord record = candidate.getValue();
            if (!matches(plan.condition(), key, record)) {
                continue;
            }
            QueryPosition position = new QueryPosition(
                    plan.orderedByKey() ? null : plan.sortValue(indexes.valuesAt(record, plan.orderPath())), key);
            if (plan.after() == null || order.compare(position, plan.after()) > 0) {
                found.add(new BucketReads.Found(position, key, record));
            }
        }
        found.sort((a, b) -> order.compare(a.position(), b.position()));
        return BucketReads.page(found, plan.limit());
    }

    private boolean matches(QueryCondition condition, String key, EngineRecord record) {
        return condition.matches(path -> path.equals(QueryCondition.KEY) ? Set.of(IndexValue.string(key))
                : indexes.valuesAt(record, path));
    }

    // ---- candidates ---------------------------------------------------------------------------

    private Map<String, EngineRecord> candidates(String table, IndexDefinitions.Definitions definitions,
            QueryCondition condition) {
        if (condition instanceof QueryCondition.Leaf leaf) {
            Map<String, EngineRecord> found = new LinkedHashMap<>();
            for (QueryRanges.Range range : QueryRanges.ranges(table, definitions, leaf)) {
                reads.collect(table, range, found, records);
            }
            return found;
        }
        if (condition instanceof QueryCondition.And and) {
            QueryCondition smallest = null;
            long fewest = Long.MAX_VALUE;
            for (QueryCondition part : and.parts()) {
                long entries = estimate(table, definitions, part);
                if (entries < fewest) {
                    fewest = entries;
                    smallest = part;
                }
            }
            return candidates(table, definitions, smallest);
        }
        if (condition instanceof QueryCondition.Or or) {
            Map<String, EngineRecord> union = new HashMap<>();
            for (QueryCondition part : or.parts()) {
                candidates(table, definitions, part).forEach(union::putIfAbsent);
            }
            return union;
        }
        throw new IllegalStateException("a condition on every record has no candidates: " + condition);
    }

    /** How many entries a condition's candidates come from, summed over the buckets with ZLEXCOUNT. */
    private long estimate(String table, IndexDefinitions.Definitions definitions, QueryCondition condition) {
        if (condition instanceof QueryCondition.Leaf leaf) {
            byte[][][] buckets = keys.buckets(table);
            long total = 0;
            for (QueryRanges.Range range : QueryRanges.ranges(table, definitions, leaf)) {
                for (long n : commands.fanOut(buckets.length,
                        b -> commands.async().zlexcount(buckets[b][2], range.lex()),
                        b -> commands.sync().zlexcount(buckets[b][2], range.lex()))) {
                    total += n;
                }
            }
            return total;
        }
        long total = 0;
        List<QueryCondition> parts = condition instanceof QueryCondition.And and ? and.parts()
                : ((QueryCondition.Or) condition).parts();
        long min = Long.MAX_VALUE;
        for (QueryCondition part : parts) {
            long n = estimate(table, definitions, part);
            total += n;
            min = Math.min(min, n);
        }
        return condition instanceof QueryCondition.And ? min : total;
    }

    // ---- walks --------------------------------------------------------------------------------

    private QueryPage walk(String table, IndexDefinitions.Definitions definitions, QueryPlan plan) {
        List<QueryRanges.Range> ranges = QueryRanges.walk(table, definitions, plan);
        byte[] id = plan.orderedByKey() ? QueryRanges.KEY_ID
                : QueryRanges.index(table, definitions, plan.orderPath()).idBytes();
        byte[][][] buckets = keys.buckets(table);
        int first = firstSlice(plan);
        List<List<Object>> firsts = reads.firstMembers(buckets, ranges.get(0), first, null);
        List<BucketWalk> walks = new ArrayList<>(buckets.length);
        for (int b = 0; b < buckets.length; b++) {
            BucketWalk walk = new BucketWalk(buckets[b], ranges, plan, id.length, reads, indexes);
            walk.take(firsts.get(b), first);
            walks.add(walk);
        }
        return PageMerge.merge(table, walks, plan, records);
    }

    private static int firstSlice(QueryPlan plan) {
        return plan.limit() == Integer.MAX_VALUE ? BucketReads.SLICE : Math.min(BucketReads.SLICE, plan.limit() + 1);
    }

    /**
     * How many entries a range walk reads first in each bucket: the page and one past it spread over
     * the buckets, which hold records by a hash of the key, so about {@code (limit + 1) / buckets} each;
     * read with a margin of four standard deviations (a binomial's, at most its mean's root) and two
     * more (a descending walk holds back the last value's group until it is complete), so that a
     * bucket runs out of its first slice before the page is full in about one query in a hundred at
     * most (a page of 10: 7 entries per bucket, not 11). A bucket that does reads its next slice (of
     * {@value BucketReads#SLICE}); the page is the same.
     *
     * @param limit the query's limit
     * @param buckets the table's buckets
     * @return the first slice's size per bucket
     */
    static int firstRangeSlice(int limit, int buckets) {
        double mean = (limit + 1.0) / buckets;
        int margin = (int) Math.ceil(mean + 4 * Math.sqrt(mean)) + 2;
        return (int) Math.min(Math.min(limit + 1L, BucketReads.SLICE), margin);
    }

    /**
     * A condition only on the path the query is ordered by (a range, a prefix, values, and their
     * {@code and}s and {@code or}s, such as a derived query's {@code Between}), with a limit: walks the
     * part of the ordering index that covers the condition in every bucket, in the query's order, a
     * slice at a time (the first one of a few entries, see {@link #firstRangeSlice}), and merges the
     * buckets until one record past the page, as a walk does, checking each record taken against the
     * condition; the work grows with the page, not with the records in range.
     *
     * <p>This order is the query's only when every record has one value at the path: a record with
     * several values is ordered by its smallest (largest when descending), which may lie outside the
     * range while another of its values lies in it, and would then come before every record of the
     * range. An index whose definition notes that no record ever had several values at its path
     * ({@link IndexDefinitions.Index#singleValued}) is walked with plain {@code ZRANGEBYLEX} commands.
     * Otherwise the first slices are read by {@link QueryScripts#MEMBERS}, which also tells, per
     * bucket, whether the index has as many entries as the bucket has records (one each); when a
     * bucket has more, this returns {@code null} and the query takes its candidates, as any condition
     * does.
     *
     * @return the page, or {@code null} when this plan or these buckets are not for a range walk
     */
    private QueryPage rangeWalk(String table, IndexDefinitions.Definitions definitions, QueryPlan plan) {
        if (plan.limit() == Integer.MAX_VALUE || plan.orderedByKey()) {
            return null;
        }
        QueryRanges.Range walked = QueryRanges.rangeWalk(table, definitions, plan);
        if (walked == null) {
            return null;
        }
        IndexDefinitions.Index index = QueryRanges.index(table, definitions, plan.orderPath());
        byte[] id = index.idBytes();
        byte[][][] buckets = keys.buckets(table);
        boolean counted = !index.singleValued();
        int first = counted ? firstSlice(plan) : firstRangeSlice(plan.limit(), buckets.length);
        List<List<Object>> replies = reads.firstMembers(buckets, walked, first, counted ? id : null);
        List<BucketWalk> walks = new ArrayList<>(buckets.length);
        for (int b = 0; b < buckets.length; b++) {
            List<Object> reply = replies.get(b);
            if (counted && (reply.isEmpty() || !Long.valueOf(1).equals(reply.get(reply.size() - 1)))) {
                return null; // a bucket holds records with several values at the path
            }
            BucketWalk walk = new BucketWalk(buckets[b], List.of(walked), plan, id.length, reads, indexes);
            walk.take(reply, first);
            walks.add(walk);
        }
        return PageMerge.merge(table, walks, plan, records);
    }
}
