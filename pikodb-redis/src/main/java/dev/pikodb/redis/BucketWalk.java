package dev.pikodb.redis;

import dev.pikodb.spi.IndexValue;
import dev.pikodb.spi.QueryCondition;
import dev.pikodb.spi.QueryPlan;
import dev.pikodb.spi.QueryPosition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * One bucket's entries in the query's order: its ranges read in turn, slice by slice; in a descending
 * range by a path, a value's group is released only once complete, its keys ascending. Entries are
 * ordered by their members alone (the value's encoding orders as the values do, see {@link
 * IndexCodec}); an entry's record is checked against the query only when the entry is taken for the
 * page ({@link #next}), so a page of 10 decodes about 10 values, not every bucket's slice.
 *
 * <p>An entry is taken when its record is live, is ordered by that entry (a record with several values
 * at the path is ordered by its smallest when ascending, its largest when descending: only that
 * entry's value equals the record's sort value), lies after the cursor, and matches the condition.
 */
final class BucketWalk {

    /** An entry with its record: {@code value} is the entry's value encoding, or null when by key. */
    record Pending(byte[] value, BucketReads.Hit hit) {
    }

    private final String table;
    private final byte[][] bucket;
    private final List<QueryRanges.Range> ranges;
    private final QueryPlan plan;
    private final int idLength;
    private final BucketReads reads;
    private final IndexDefinitions indexes;
    private final Deque<Pending> ready = new ArrayDeque<>();
    private final List<Pending> group = new ArrayList<>();
    private byte[] groupValue;
    private int range;
    private byte[] resume;
    private boolean rangeDone;

    BucketWalk(String table, byte[][] bucket, List<QueryRanges.Range> ranges, QueryPlan plan, int idLength,
            BucketReads reads, IndexDefinitions indexes) {
        this.table = table;
        this.bucket = bucket;
        this.ranges = ranges;
        this.plan = plan;
        this.idLength = idLength;
        this.reads = reads;
        this.indexes = indexes;
    }

    /**
     * Orders two entries as the query orders their records: by key; or by value (the encodings'
     * bytes), records without a value last, ties by key ascending.
     */
    static int compare(QueryPlan plan, Pending a, Pending b) {
        if (plan.orderedByKey()) {
            int byKey = IndexValue.compareCodePoints(a.hit.key(), b.hit.key());
            return plan.ascending() ? byKey : -byKey;
        }
        boolean aAbsent = a.value[0] == IndexCodec.ABSENT;
        boolean bAbsent = b.value[0] == IndexCodec.ABSENT;
        if (aAbsent != bAbsent) {
            return aAbsent ? 1 : -1;
        }
        if (!aAbsent) {
            int byValue = Arrays.compareUnsigned(a.value, b.value);
            if (byValue != 0) {
                return plan.ascending() ? byValue : -byValue;
            }
        }
        return IndexValue.compareCodePoints(a.hit.key(), b.hit.key());
    }

    /** The next entry, reading the next slice when needed; null when the walk is done. */
    Pending head() {
        while (ready.isEmpty() && range < ranges.size()) {
            if (rangeDone) {
                flushGroup();
                range++;
                resume = null;
                rangeDone = false;
                continue;
            }
            QueryRanges.Range current = ranges.get(range);
            QueryRanges.Range next = resume == null ? current : current.descending()
                    ? new QueryRanges.Range(current.min(), IndexCodec.bound(false, resume), true)
                    : new QueryRanges.Range(IndexCodec.bound(false, resume), current.max(), false);
            take(reads.fetch(table, bucket, next, BucketReads.SLICE), BucketReads.SLICE);
        }
        return ready.peek();
    }

    /** Takes the next entry: its record at its position, or null when the record is not taken. */
    BucketReads.Found next() {
        Pending pending = ready.poll();
        BucketReads.Hit hit = pending.hit;
        QueryPosition position;
        Set<IndexValue> values = null;
        if (plan.orderedByKey()) {
            position = new QueryPosition(null, hit.key());
        } else {
            values = indexes.valuesAt(hit.record(), plan.orderPath());
            IndexValue sortValue = plan.sortValue(values);
            byte[] expected = sortValue == null ? QueryRanges.ABSENT : IndexCodec.value(sortValue);
            if (!Arrays.equals(pending.value, expected)) {
                return null; // not the entry the record is ordered by
            }
            position = new QueryPosition(sortValue, hit.key());
        }
        if (plan.after() != null && plan.order().compare(position, plan.after()) <= 0) {
            return null;
        }
        if (plan.condition() != QueryCondition.All.INSTANCE && !matches(hit, values)) {
            return null;
        }
        return new BucketReads.Found(position, hit.key(), hit.record());
    }

    /** Takes a slice of the current range. */
    void take(List<BucketReads.Hit> hits, int asked) {
        boolean descending = ranges.get(range).descending();
        for (BucketReads.Hit hit : hits) {
            accept(hit, descending);
        }
        if (!hits.isEmpty()) {
            resume = hits.get(hits.size() - 1).member();
        }
        if (hits.size() < asked) {
            rangeDone = true;
        }
    }

    private void accept(BucketReads.Hit hit, boolean descending) {
        if (hit.record() == null) {
            return;
        }
        if (plan.orderedByKey()) {
            ready.add(new Pending(null, hit));
            return;
        }
        byte[] member = hit.member();
        byte[] entryValue = Arrays.copyOfRange(member, idLength, IndexCodec.valueEnd(member, idLength));
        Pending pending = new Pending(entryValue, hit);
        if (!descending) {
            ready.add(pending);
            return;
        }
        if (groupValue != null && !Arrays.equals(groupValue, entryValue)) {
            flushGroup();
        }
        groupValue = entryValue;
        group.add(pending);
    }

    /** Checks a record against the condition, with its values at the ordering path already read. */
    private boolean matches(BucketReads.Hit hit, Set<IndexValue> orderValues) {
        return plan.condition().matches(path -> path.equals(QueryCondition.KEY) ? Set.of(IndexValue.string(hit.key()))
                : orderValues != null && path.equals(plan.orderPath()) ? orderValues
                : indexes.valuesAt(hit.record(), path));
    }

    private void flushGroup() {
        group.sort((a, b) -> IndexValue.compareCodePoints(a.hit.key(), b.hit.key()));
        ready.addAll(group);
        group.clear();
        groupValue = null;
    }
}
