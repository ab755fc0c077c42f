package dev.pikodb.redis;

import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.IndexValue;
import dev.pikodb.spi.QueryCondition;
import dev.pikodb.spi.QueryPage;
import dev.pikodb.spi.QueryPlan;
import dev.pikodb.spi.QueryPosition;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Answers queries from the index entries in a table's buckets (see {@link KeySpace} and
 * {@link IndexCodec}), never by reading every record.
 *
 * <p><b>Walks</b> (queries without a condition): every bucket reads its entries of the ordering
 * index (or of its key index) in order from the cursor on, in slices ({@link Scripts#ENTRIES}, which
 * returns each entry's live record with it); the buckets' sequences are merged in the query's order
 * until one record past the page. The work grows with the page, not with the table. A descending walk
 * by a path reads each value's group of entries whole, to list its keys ascending.
 *
 * <p><b>Conditions</b>: the candidates come from lex ranges of the index entries of each bucket (an
 * {@code and} takes the part with the fewest entries, counted with {@code ZLEXCOUNT}; an {@code or}
 * the union of its parts); each candidate's live record, read by the same script, is checked against
 * the whole condition, then sorted and paged. The work grows with the candidates. Except for a
 * condition on the path the query is ordered by alone, with a limit ({@code range("/created", a, b)
 * .orderBy("/created", false).limit(10)}): that one walks the range as a walk does, a slice at a time
 * per bucket, merged until one record past the page, when every bucket has one entry of that index
 * per record (see {@code rangeWalk}); its work grows with the page, not with the records in range.
 *
 * <p><b>Exactness.</b> Every returned record was live when its bucket's script read it, and its value
 * at the returned version is checked here against the condition (and, in a walk, its sort value
 * against the entry that named it: a record with several values is taken at its smallest value when
 * ascending, its largest when descending). A record not written during the query has its entries in
 * place, so it is a candidate, and it is returned once (candidates are per key).
 */
final class RedisQueries {

    private static final int SLICE = 500;
    private static final byte[] KEY_ID = IndexCodec.id(IndexCodec.KEY_INDEX);
    private static final byte[] ABSENT = {IndexCodec.ABSENT};

    private final KeySpace keys;
    /** The change stream argument of the scripts (see {@link Scripts}). */
    private final byte[] changeStream;
    private final Commands commands;
    private final Supplier<byte[]> now;
    private final IndexDefinitions indexes;
    private final Expired expired;

    /** Told of each expired record a query removed. */
    interface Expired {
        void removed(String table, String key, long version);
    }

    RedisQueries(KeySpace keys, Commands commands, Supplier<byte[]> now, IndexDefinitions indexes, Expired expired,
            byte[] changeStream) {
        this.changeStream = changeStream;
        this.expired = expired;
        this.keys = keys;
        this.commands = commands;
        this.now = now;
        this.indexes = indexes;
    }

    /** An entry of a bucket with its live record (null when missing or expired). */
    private record Hit(byte[] member, String key, EngineRecord record) {
    }

    /** A lex range of members, read ascending or descending. */
    private record Range(byte[] min, byte[] max, boolean descending) {
    }

    /** A record found, at its position. */
    private record Found(QueryPosition position, String key, EngineRecord record) {
    }

    QueryPage query(String table, QueryPlan plan) {
        IndexDefinitions.Definitions definitions = indexes.load(table);
        if (plan.condition() == QueryCondition.All.INSTANCE) {
            return walk(table, definitions, plan);
        }
        QueryPage bounded = rangeWalk(table, definitions, plan);
        if (bounded != null) {
            return bounded;
        }
        Map<String, EngineRecord> candidates = candidates(table, definitions, plan.condition());
        Comparator<QueryPosition> order = plan.order();
        List<Found> found = new ArrayList<>();
        for (Map.Entry<String, EngineRecord> candidate : candidates.entrySet()) {
            String key = candidate.getKey();
            EngineRecord record = candidate.getValue();
            if (!matches(plan.condition(), key, record)) {
                continue;
            }
            QueryPosition position = new QueryPosition(
                    plan.orderedByKey() ? null : plan.sortValue(indexes.valuesAt(record, plan.orderPath())), key);
            if (plan.after() == null || order.compare(position, plan.after()) > 0) {
                found.add(new Found(position, key, record));
            }
        }
        found.sort((a, b) -> order.compare(a.position, b.position));
        return page(found, plan.limit());
    }

    long count(String table, QueryCondition condition) {
        IndexDefinitions.Definitions definitions = indexes.load(table);
        if (condition == QueryCondition.All.INSTANCE) {
            condition = new QueryCondition.Range(QueryCondition.KEY, null, null);
        }
        long count = 0;
        for (Map.Entry<String, EngineRecord> candidate : candidates(table, definitions, condition).entrySet()) {
            if (matches(condition, candidate.getKey(), candidate.getValue())) {
                count++;
            }
        }
        return count;
    }

    private boolean matches(QueryCondition condition, String key, EngineRecord record) {
        return condition.matches(path -> path.equals(QueryCondition.KEY) ? Set.of(IndexValue.string(key))
                : indexes.valuesAt(record, path));
    }

    private static QueryPage page(List<Found> found, int limit) {
        int size = Math.min(found.size(), limit);
        List<Map.Entry<String, EngineRecord>> records = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            records.add(new AbstractMap.SimpleImmutableEntry<>(found.get(i).key, found.get(i).record));
        }
        return new QueryPage(records, found.size() > limit ? found.get(limit - 1).position : null);
    }

    // ---- candidates ---------------------------------------------------------------------------

    private Map<String, EngineRecord> candidates(String table, IndexDefinitions.Definitions definitions,
            QueryCondition condition) {
        if (condition instanceof QueryCondition.Leaf leaf) {
            Map<String, EngineRecord> found = new LinkedHashMap<>();
            for (Range range : ranges(table, definitions, leaf)) {
                collect(table, range, found);
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
            for (Range range : ranges(table, definitions, leaf)) {
                for (long n : commands.fanOut(buckets.length,
                        b -> commands.async().zlexcount(buckets[b][2], lex(range)),
                        b -> commands.sync().zlexcount(buckets[b][2], lex(range)))) {
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

    /** A raw bound ({@code [bytes} or {@code (bytes}) as Lettuce's range boundary. */
    private static io.lettuce.core.Range.Boundary<byte[]> boundary(byte[] raw) {
        byte[] value = Arrays.copyOfRange(raw, 1, raw.length);
        return raw[0] == '[' ? io.lettuce.core.Range.Boundary.including(value)
                : io.lettuce.core.Range.Boundary.excluding(value);
    }

    private static io.lettuce.core.Range<byte[]> lex(Range range) {
        return io.lettuce.core.Range.from(boundary(range.min), boundary(range.max));
    }

    /** Reads every entry of a range in every bucket, slice by slice, keeping the live records. */
    private void collect(String table, Range range, Map<String, EngineRecord> into) {
        byte[][][] buckets = keys.buckets(table);
        List<List<Hit>> firsts = fetchAll(table, buckets, range);
        for (int b = 0; b < buckets.length; b++) {
            List<Hit> hits = firsts.get(b);
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
                hits = fetch(table, buckets[b], new Range(IndexCodec.bound(false, last), range.max, false), SLICE);
            }
        }
    }

    /** The lex ranges of index members that hold a leaf's candidates. */
    private static List<Range> ranges(String table, IndexDefinitions.Definitions definitions,
            QueryCondition.Leaf leaf) {
        boolean byKey = leaf.path().equals(QueryCondition.KEY);
        byte[] id;
        if (byKey) {
            id = KEY_ID;
        } else {
            IndexDefinitions.Index index = definitions.onPath(leaf.path());
            if (index == null) {
                throw noIndex(table, leaf.path());
            }
            id = index.idBytes();
        }
        List<Range> ranges = new ArrayList<>();
        if (leaf instanceof QueryCondition.In in) {
            for (IndexValue value : in.values()) {
                if (byKey) {
                    if (value.kind() == IndexValue.Kind.STRING) {
                        byte[] key = utf8((String) value.value());
                        ranges.add(new Range(IndexCodec.bound(true, id, key), IndexCodec.bound(true, id, key), false));
                    }
                } else {
                    byte[] encoded = IndexCodec.value(value);
                    ranges.add(new Range(IndexCodec.bound(true, id, encoded),
                            IndexCodec.bound(false, id, encoded, IndexCodec.FF), false));
                }
            }
        } else if (leaf instanceof QueryCondition.Prefix prefix) {
            byte[] start = byKey ? utf8(prefix.prefix()) : IndexCodec.stringPrefix(prefix.prefix());
            ranges.add(new Range(IndexCodec.bound(true, id, start), IndexCodec.bound(false, id, start, IndexCodec.FF),
                    false));
        } else {
            QueryCondition.Range range = (QueryCondition.Range) leaf;
            IndexValue.Kind kind = range.kind();
            if (byKey) {
                if (kind != null && kind != IndexValue.Kind.STRING) {
                    return ranges;
                }
                ranges.add(new Range(
                        range.from() == null ? IndexCodec.bound(true, id) : IndexCodec.bound(true, id, utf8((String) range.from().value())),
                        range.to() == null ? IndexCodec.bound(false, id, IndexCodec.FF)
                                : IndexCodec.bound(false, id, utf8((String) range.to().value())), false));
            } else {
                byte[] min = range.from() != null ? IndexCodec.bound(true, id, IndexCodec.value(range.from()))
                        : IndexCodec.bound(true, id, new byte[] {kind == null ? IndexCodec.BOOLEAN : kindByte(kind)});
                byte[] max = range.to() != null ? IndexCodec.bound(false, id, IndexCodec.value(range.to()))
                        : IndexCodec.bound(false, id, new byte[] {kind == null ? IndexCodec.ABSENT : (byte) (kindByte(kind) + 1)});
                ranges.add(new Range(min, max, false));
            }
        }
        return ranges;
    }

    private static byte kindByte(IndexValue.Kind kind) {
        return switch (kind) {
            case BOOLEAN -> IndexCodec.BOOLEAN;
            case NUMBER -> IndexCodec.NUMBER;
            case STRING -> IndexCodec.STRING;
        };
    }

    static IllegalArgumentException noIndex(String table, String path) {
        return new IllegalArgumentException("Table '" + table + "' has no index on \"" + path
                + "\" (it was dropped meanwhile); create one with createIndex(\"" + table + "\", name, \"" + path + "\")");
    }

    // ---- fetching ---------------------------------------------------------------------------

    private List<List<Hit>> fetchAll(String table, byte[][][] buckets, Range range) {
        byte[] time = now.get();
        byte[][] args = {time, range.min, range.max, utf8(Integer.toString(SLICE)), utf8(range.descending ? "1" : "0"),
            changeStream};
        List<List<Object>> replies = commands.fanOut(buckets.length,
                b -> Scripts.send(commands.async(), Scripts.ENTRIES, ScriptOutputType.MULTI, buckets[b], args),
                b -> Scripts.run(commands.sync(), Scripts.ENTRIES, ScriptOutputType.MULTI, buckets[b], args));
        List<List<Hit>> hits = new ArrayList<>(buckets.length);
        for (List<Object> reply : replies) {
            hits.add(hits(table, reply));
        }
        return hits;
    }

    private List<Hit> fetch(String table, byte[][] bucket, Range range, int count) {
        List<Object> reply = commands.command(() -> Scripts.run(commands.sync(), Scripts.ENTRIES,
                ScriptOutputType.MULTI, bucket, now.get(), range.min, range.max, utf8(Integer.toString(count)),
                utf8(range.descending ? "1" : "0"), changeStream));
        return hits(table, reply);
    }

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

    private static String keyOf(byte[] member) {
        int from = KEY_ID.length;
        if (Arrays.equals(member, 0, from, KEY_ID, 0, from)) {
            return new String(member, from, member.length - from, StandardCharsets.UTF_8);
        }
        int end = IndexCodec.valueEnd(member, from);
        return new String(member, end, member.length - end, StandardCharsets.UTF_8);
    }

    // ---- walks --------------------------------------------------------------------------------

    private QueryPage walk(String table, IndexDefinitions.Definitions definitions, QueryPlan plan) {
        byte[] id;
        List<Range> ranges = new ArrayList<>();
        QueryPosition after = plan.after();
        if (plan.orderedByKey()) {
            id = KEY_ID;
            byte[] min = IndexCodec.bound(true, id);
            byte[] max = IndexCodec.bound(false, id, IndexCodec.FF);
            if (after != null) {
                byte[] bound = IndexCodec.bound(false, id, utf8(after.key()));
                if (plan.ascending()) {
                    min = bound;
                } else {
                    max = bound;
                }
            }
            ranges.add(new Range(min, max, !plan.ascending()));
        } else {
            IndexDefinitions.Index index = definitions.onPath(plan.orderPath());
            if (index == null) {
                throw noIndex(table, plan.orderPath());
            }
            id = index.idBytes();
            byte[] absentMin = after != null && after.sortValue() == null
                    ? IndexCodec.bound(false, id, ABSENT, utf8(after.key())) : IndexCodec.bound(true, id, ABSENT);
            byte[] absentMax = IndexCodec.bound(false, id, new byte[] {IndexCodec.ABSENT + 1});
            if (after == null || after.sortValue() != null) {
                if (plan.ascending()) {
                    byte[] min = after == null ? IndexCodec.bound(true, id)
                            : IndexCodec.bound(false, id, IndexCodec.value(after.sortValue()), utf8(after.key()));
                    ranges.add(new Range(min, IndexCodec.bound(false, id, ABSENT), false));
                } else {
                    byte[] max = after == null ? IndexCodec.bound(false, id, ABSENT)
                            : IndexCodec.bound(false, id, IndexCodec.value(after.sortValue()), IndexCodec.FF);
                    ranges.add(new Range(IndexCodec.bound(true, id), max, true));
                }
            }
            ranges.add(new Range(absentMin, absentMax, false));
        }
        byte[][][] buckets = keys.buckets(table);
        // The first slice of every bucket at once.
        int first = firstSlice(plan);
        List<List<Hit>> firsts = fetchAllWith(table, buckets, ranges.get(0), first, null);
        return merge(table, buckets, ranges, plan, id.length, firsts, first);
    }

    private static int firstSlice(QueryPlan plan) {
        return plan.limit() == Integer.MAX_VALUE ? SLICE : Math.min(SLICE, plan.limit() + 1);
    }

    /**
     * A condition only on the path the query is ordered by (a range, a prefix, values, and their
     * {@code and}s and {@code or}s, such as a derived query's {@code Between}), with a limit: walks the
     * part of the ordering index that covers the condition in every bucket, in the query's order, a
     * slice at a time (the first one of {@code limit + 1} entries), and merges the buckets until one
     * record past the page, as a walk does, checking each record against the condition; the work grows
     * with the page, not with the records in range.
     *
     * <p>This order is the query's only when every record has one value at the path: a record with
     * several values is ordered by its smallest (largest when descending), which may lie outside the
     * range while another of its values lies in it, and would then come before every record of the
     * range. So the first slices also tell, per bucket, whether the index has as many entries as the
     * bucket has records (one each); when a bucket has more, this returns {@code null} and the query
     * takes its candidates, as any condition does.
     *
     * @return the page, or {@code null} when this plan or these buckets are not for a range walk
     */
    private QueryPage rangeWalk(String table, IndexDefinitions.Definitions definitions, QueryPlan plan) {
        if (plan.limit() == Integer.MAX_VALUE || plan.orderedByKey()) {
            return null;
        }
        Range covering = covering(table, definitions, plan.condition(), plan.orderPath());
        QueryPosition after = plan.after();
        if (covering == null || after != null && after.sortValue() == null) {
            return null;
        }
        byte[] id = definitions.onPath(plan.orderPath()).idBytes();
        Range walked;
        if (plan.ascending()) {
            byte[] min = after == null ? covering.min : narrowerMin(covering.min,
                    IndexCodec.bound(false, id, IndexCodec.value(after.sortValue()), utf8(after.key())));
            walked = new Range(min, covering.max, false);
        } else {
            byte[] max = after == null ? covering.max : narrowerMax(covering.max,
                    IndexCodec.bound(false, id, IndexCodec.value(after.sortValue()), IndexCodec.FF));
            walked = new Range(covering.min, max, true);
        }
        byte[][][] buckets = keys.buckets(table);
        int first = firstSlice(plan);
        List<List<Object>> replies = fetchReplies(buckets, walked, first, id);
        List<List<Hit>> firsts = new ArrayList<>(buckets.length);
        for (List<Object> reply : replies) {
            if (reply.size() % 2 == 0 || !Long.valueOf(1).equals(reply.get(reply.size() - 1))) {
                return null; // a bucket holds records with several values at the path
            }
            firsts.add(hits(table, reply));
        }
        return merge(table, buckets, List.of(walked), plan, id.length, firsts, first);
    }

    /**
     * The lex range of the ordering index that holds every entry a condition on that path alone can
     * accept (the union of an {@code or}'s parts, the intersection of an {@code and}'s), or {@code null}
     * when the condition tests another path.
     */
    private static Range covering(String table, IndexDefinitions.Definitions definitions, QueryCondition condition,
            String path) {
        if (condition instanceof QueryCondition.Leaf leaf) {
            if (!leaf.path().equals(path)) {
                return null;
            }
            Range union = null;
            for (Range range : ranges(table, definitions, leaf)) {
                union = union == null ? range : union(union, range);
                if (union == null) {
                    return null;
                }
            }
            return union;
        }
        boolean and = condition instanceof QueryCondition.And;
        List<QueryCondition> parts = and ? ((QueryCondition.And) condition).parts()
                : condition instanceof QueryCondition.Or or ? or.parts() : List.of();
        Range combined = null;
        for (QueryCondition part : parts) {
            Range range = covering(table, definitions, part, path);
            if (range == null) {
                return null;
            }
            combined = combined == null ? range : and
                    ? new Range(narrowerMin(combined.min, range.min), narrowerMax(combined.max, range.max), false)
                    : union(combined, range);
            if (combined == null) {
                return null;
            }
        }
        return combined;
    }

    /**
     * The union of two ranges when it is one range (they overlap or touch, as a {@code Between}'s
     * {@code [from, to)} and {@code to} do), else {@code null}: walking the gap between them could
     * read far more than their candidates.
     */
    private static Range union(Range a, Range b) {
        Range first = widerMin(a.min, b.min) == a.min ? a : b;
        Range second = first == a ? b : a;
        int gap = compareBounds(second.min, first.max);
        if (gap > 0 || gap == 0 && second.min[0] == '(' && first.max[0] == '(') {
            return null;
        }
        return new Range(first.min, widerMax(a.max, b.max), false);
    }

    /** Orders two raw lex bounds ({@code [bytes} or {@code (bytes}) by their bytes. */
    private static int compareBounds(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, 1, a.length, b, 1, b.length);
    }

    private static byte[] widerMin(byte[] a, byte[] b) {
        int c = compareBounds(a, b);
        return c != 0 ? (c < 0 ? a : b) : (a[0] == '[' ? a : b);
    }

    private static byte[] narrowerMin(byte[] a, byte[] b) {
        int c = compareBounds(a, b);
        return c != 0 ? (c > 0 ? a : b) : (a[0] == '(' ? a : b);
    }

    private static byte[] widerMax(byte[] a, byte[] b) {
        int c = compareBounds(a, b);
        return c != 0 ? (c > 0 ? a : b) : (a[0] == '[' ? a : b);
    }

    private static byte[] narrowerMax(byte[] a, byte[] b) {
        int c = compareBounds(a, b);
        return c != 0 ? (c < 0 ? a : b) : (a[0] == '(' ? a : b);
    }

    /** Merges the buckets' walks, started with their first slices, until one record past the page. */
    private QueryPage merge(String table, byte[][][] buckets, List<Range> ranges, QueryPlan plan, int idLength,
            List<List<Hit>> firsts, int first) {
        List<BucketWalk> walks = new ArrayList<>();
        for (int b = 0; b < buckets.length; b++) {
            BucketWalk walk = new BucketWalk(table, buckets[b], ranges, plan, idLength);
            walk.take(firsts.get(b), first);
            walks.add(walk);
        }
        Comparator<QueryPosition> order = plan.order();
        PriorityQueue<BucketWalk> heads = new PriorityQueue<>((a, c) -> order.compare(a.head().position, c.head().position));
        for (BucketWalk walk : walks) {
            if (walk.head() != null) {
                heads.add(walk);
            }
        }
        List<Found> found = new ArrayList<>();
        long wanted = plan.limit() == Integer.MAX_VALUE ? Long.MAX_VALUE : plan.limit() + 1L;
        while (!heads.isEmpty() && found.size() < wanted) {
            BucketWalk walk = heads.poll();
            found.add(walk.ready.poll());
            if (walk.head() != null) {
                heads.add(walk);
            }
        }
        return page(found, plan.limit());
    }

    private List<List<Hit>> fetchAllWith(String table, byte[][][] buckets, Range range, int count, byte[] countedId) {
        List<List<Hit>> hits = new ArrayList<>(buckets.length);
        for (List<Object> reply : fetchReplies(buckets, range, count, countedId)) {
            hits.add(hits(table, reply));
        }
        return hits;
    }

    /**
     * The first slice of a range in every bucket at once; with {@code countedId}, each reply ends with
     * 1 when the bucket has as many entries of that index as records, else 0 (see {@link Scripts#ENTRIES}).
     */
    private List<List<Object>> fetchReplies(byte[][][] buckets, Range range, int count, byte[] countedId) {
        byte[][] args = countedId == null
                ? new byte[][] {now.get(), range.min, range.max, utf8(Integer.toString(count)), utf8(range.descending ? "1" : "0"),
                        changeStream}
                : new byte[][] {now.get(), range.min, range.max, utf8(Integer.toString(count)), utf8(range.descending ? "1" : "0"),
                        changeStream, countedId};
        return commands.fanOut(buckets.length,
                b -> Scripts.send(commands.async(), Scripts.ENTRIES, ScriptOutputType.MULTI, buckets[b], args),
                b -> Scripts.run(commands.sync(), Scripts.ENTRIES, ScriptOutputType.MULTI, buckets[b], args));
    }

    /**
     * One bucket's records in the query's order: its ranges read in turn, slice by slice, each entry
     * checked against its live record; in a descending range by a path, a value's group is released
     * only once complete, its keys ascending.
     */
    private final class BucketWalk {
        private final String table;
        private final byte[][] bucket;
        private final List<Range> ranges;
        private final QueryPlan plan;
        private final int idLength;
        private final Deque<Found> ready = new ArrayDeque<>();
        private final List<Found> group = new ArrayList<>();
        private byte[] groupValue;
        private int range;
        private byte[] resume;
        private boolean rangeDone;

        BucketWalk(String table, byte[][] bucket, List<Range> ranges, QueryPlan plan, int idLength) {
            this.table = table;
            this.bucket = bucket;
            this.ranges = ranges;
            this.plan = plan;
            this.idLength = idLength;
        }

        Found head() {
            while (ready.isEmpty() && range < ranges.size()) {
                if (rangeDone) {
                    flushGroup();
                    range++;
                    resume = null;
                    rangeDone = false;
                    continue;
                }
                Range current = ranges.get(range);
                Range next = resume == null ? current : current.descending
                        ? new Range(current.min, IndexCodec.bound(false, resume), true)
                        : new Range(IndexCodec.bound(false, resume), current.max, false);
                take(fetch(table, bucket, next, SLICE), SLICE);
            }
            return ready.peek();
        }

        /** Takes a slice of the current range. */
        void take(List<Hit> hits, int asked) {
            Range current = ranges.get(range);
            for (Hit hit : hits) {
                accept(hit, current.descending);
            }
            if (!hits.isEmpty()) {
                resume = hits.get(hits.size() - 1).member;
            }
            if (hits.size() < asked) {
                rangeDone = true;
            }
        }

        private void accept(Hit hit, boolean descending) {
            if (hit.record == null) {
                return;
            }
            QueryPosition position;
            byte[] entryValue = null;
            Set<IndexValue> values = null;
            if (plan.orderedByKey()) {
                position = new QueryPosition(null, hit.key);
            } else {
                values = indexes.valuesAt(hit.record, plan.orderPath());
                IndexValue sortValue = plan.sortValue(values);
                int end = IndexCodec.valueEnd(hit.member, idLength);
                entryValue = Arrays.copyOfRange(hit.member, idLength, end);
                byte[] expected = sortValue == null ? ABSENT : IndexCodec.value(sortValue);
                if (!Arrays.equals(entryValue, expected)) {
                    return; // stale, or not the entry the record is ordered by
                }
                position = new QueryPosition(sortValue, hit.key);
            }
            if (plan.after() != null && plan.order().compare(position, plan.after()) <= 0) {
                return;
            }
            if (plan.condition() != QueryCondition.All.INSTANCE && !matchesWith(hit, values)) {
                return; // a range walk's entry whose record changed since
            }
            Found found = new Found(position, hit.key, hit.record);
            if (!descending || plan.orderedByKey()) {
                ready.add(found);
                return;
            }
            if (groupValue != null && !Arrays.equals(groupValue, entryValue)) {
                flushGroup();
            }
            groupValue = entryValue;
            group.add(found);
        }

        /** Checks a record against the condition, with its values at the ordering path already read. */
        private boolean matchesWith(Hit hit, Set<IndexValue> orderValues) {
            return plan.condition().matches(path -> path.equals(QueryCondition.KEY) ? Set.of(IndexValue.string(hit.key))
                    : orderValues != null && path.equals(plan.orderPath()) ? orderValues
                    : indexes.valuesAt(hit.record, path));
        }

        private void flushGroup() {
            group.sort((a, b) -> IndexValue.compareCodePoints(a.key, b.key));
            ready.addAll(group);
            group.clear();
            groupValue = null;
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
