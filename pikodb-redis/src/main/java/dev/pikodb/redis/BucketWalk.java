package dev.pikodb.redis;

import dev.pikodb.spi.EngineRecord;
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
 * One bucket's entries in the query's order: its ranges' index members read in turn, slice by slice
 * ({@link BucketReads#members}, no records); in a descending range by a path, a value's group is
 * released only once complete, its keys ascending. Entries are ordered by their members alone (the
 * value's encoding orders as the values do, see {@link IndexCodec}); an entry's record is read only
 * when the entry is taken for the page ({@link PageMerge}), and checked against the query then
 * ({@link #check}), so a page of 10 reads and decodes about 10 records, not every bucket's slice.
 *
 * <p>An entry is taken when its record is live, is ordered by that entry (a record with several values
 * at the path is ordered by its smallest when ascending, its largest when descending: only that
 * entry's value equals the record's sort value), lies after the cursor, and matches the condition.
 */
final class BucketWalk {

    /** An entry: {@code value} is the entry's value encoding, or null when by key. */
    record Pending(byte[] value, byte[] member, String key) {
    }

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

    BucketWalk(byte[][] bucket, List<QueryRanges.Range> ranges, QueryPlan plan, int idLength,
            BucketReads reads, IndexDefinitions indexes) {
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
            int byKey = IndexValue.compareCodePoints(a.key, b.key);
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
        return IndexValue.compareCodePoints(a.key, b.key);
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
            take(reads.members(bucket, next, BucketReads.SLICE), BucketReads.SLICE);
        }
        return ready.peek();
    }

    /** Takes the next entry (the one {@link #head} returned). */
    Pending poll() {
        return ready.poll();
    }

    /** The bucket's keys. */
    byte[][] bucket() {
        return bucket;
    }

    /**
     * Checks a taken entry against its record as read after the entry: the record at its position, or
     * null when it is not taken (missing or expired, ordered by another of its entries, not after the
     * cursor, or not matching the condition: changed since its entry was read, say).
     */
    BucketReads.Found check(Pending pending, EngineRecord record) {
        if (record == null) {
            return null;
        }
        QueryPosition position;
        Set<IndexValue> values = null;
        if (plan.orderedByKey()) {
            position = new QueryPosition(null, pending.key);
        } else {
            values = indexes.valuesAt(record, plan.orderPath());
            IndexValue sortValue = plan.sortValue(values);
            byte[] expected = sortValue == null ? QueryRanges.ABSENT : IndexCodec.value(sortValue);
            if (!Arrays.equals(pending.value, expected)) {
                return null; // not the entry the record is ordered by
            }
            position = new QueryPosition(sortValue, pending.key);
        }
        if (plan.after() != null && plan.order().compare(position, plan.after()) <= 0) {
            return null;
        }
        if (plan.condition() != QueryCondition.All.INSTANCE && !matches(pending.key, record, values)) {
            return null;
        }
        return new BucketReads.Found(position, pending.key, record);
    }

    /**
     * Takes a slice of the current range: the members read (the trailing count check of a
     * {@link QueryScripts#MEMBERS} reply, when there is one, left out).
     */
    void take(List<Object> reply, int asked) {
        boolean descending = ranges.get(range).descending();
        int taken = 0;
        byte[] last = null;
        for (Object item : reply) {
            if (item instanceof byte[] member) {
                accept(member, descending);
                last = member;
                taken++;
            }
        }
        if (last != null) {
            resume = last;
        }
        if (taken < asked) {
            rangeDone = true;
        }
    }

    private void accept(byte[] member, boolean descending) {
        String key = BucketReads.keyOf(member);
        if (plan.orderedByKey()) {
            ready.add(new Pending(null, member, key));
            return;
        }
        byte[] entryValue = Arrays.copyOfRange(member, idLength, IndexCodec.valueEnd(member, idLength));
        Pending pending = new Pending(entryValue, member, key);
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
    private boolean matches(String key, EngineRecord record, Set<IndexValue> orderValues) {
        return plan.condition().matches(path -> path.equals(QueryCondition.KEY) ? Set.of(IndexValue.string(key))
                : orderValues != null && path.equals(plan.orderPath()) ? orderValues
                : indexes.valuesAt(record, path));
    }

    private void flushGroup() {
        group.sort((a, b) -> IndexValue.compareCodePoints(a.key, b.key));
        ready.addAll(group);
        group.clear();
        groupValue = null;
    }
}
