package dev.pikodb.redis;

import dev.pikodb.spi.IndexValue;
import dev.pikodb.spi.QueryCondition;
import dev.pikodb.spi.QueryPlan;
import dev.pikodb.spi.QueryPosition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a query's entries lie in a bucket's index sorted set: the lex ranges of members ({@link
 * IndexCodec}) that hold a condition's candidates, the ranges a walk reads in the query's order from
 * its cursor on, and the one range that covers a condition on the ordering path alone.
 */
final class QueryRanges {

    static final byte[] KEY_ID = IndexCodec.id(IndexCodec.KEY_INDEX);
    static final byte[] ABSENT = {IndexCodec.ABSENT};

    /** A lex range of members ({@code [bytes} or {@code (bytes} bounds), read ascending or descending. */
    record Range(byte[] min, byte[] max, boolean descending) {

        /** The range as Lettuce's lex range. */
        io.lettuce.core.Range<byte[]> lex() {
            return io.lettuce.core.Range.from(boundary(min), boundary(max));
        }

        private static io.lettuce.core.Range.Boundary<byte[]> boundary(byte[] raw) {
            byte[] value = Arrays.copyOfRange(raw, 1, raw.length);
            return raw[0] == '[' ? io.lettuce.core.Range.Boundary.including(value)
                    : io.lettuce.core.Range.Boundary.excluding(value);
        }
    }

    private QueryRanges() {
    }

    /** The lex ranges of index members that hold a leaf's candidates. */
    static List<Range> ranges(String table, IndexDefinitions.Definitions definitions, QueryCondition.Leaf leaf) {
        boolean byKey = leaf.path().equals(QueryCondition.KEY);
        byte[] id = byKey ? KEY_ID : index(table, definitions, leaf.path()).idBytes();
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

    /**
     * The ranges a walk (a query without a condition) reads in turn, from its cursor on: the key index
     * in the query's direction; or the ordering index's values in the query's direction, then its
     * records without a value, by key ascending.
     */
    static List<Range> walk(String table, IndexDefinitions.Definitions definitions, QueryPlan plan) {
        List<Range> ranges = new ArrayList<>();
        QueryPosition after = plan.after();
        if (plan.orderedByKey()) {
            byte[] min = IndexCodec.bound(true, KEY_ID);
            byte[] max = IndexCodec.bound(false, KEY_ID, IndexCodec.FF);
            if (after != null) {
                byte[] bound = IndexCodec.bound(false, KEY_ID, utf8(after.key()));
                if (plan.ascending()) {
                    min = bound;
                } else {
                    max = bound;
                }
            }
            ranges.add(new Range(min, max, !plan.ascending()));
            return ranges;
        }
        byte[] id = index(table, definitions, plan.orderPath()).idBytes();
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
        return ranges;
    }

    /**
     * The part of the ordering index a range walk reads: the range covering the condition, from the
     * cursor on, in the query's direction; {@code null} when the condition tests another path, its
     * parts leave a gap, or the cursor is past the values (at a record without one).
     */
    static Range rangeWalk(String table, IndexDefinitions.Definitions definitions, QueryPlan plan) {
        Range covering = covering(table, definitions, plan.condition(), plan.orderPath());
        QueryPosition after = plan.after();
        if (covering == null || after != null && after.sortValue() == null) {
            return null;
        }
        byte[] id = index(table, definitions, plan.orderPath()).idBytes();
        if (plan.ascending()) {
            byte[] min = after == null ? covering.min : narrowerMin(covering.min,
                    IndexCodec.bound(false, id, IndexCodec.value(after.sortValue()), utf8(after.key())));
            return new Range(min, covering.max, false);
        }
        byte[] max = after == null ? covering.max : narrowerMax(covering.max,
                IndexCodec.bound(false, id, IndexCodec.value(after.sortValue()), IndexCodec.FF));
        return new Range(covering.min, max, true);
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

    /** The ready index on a path, or the exception that names the {@code createIndex} call to make. */
    static IndexDefinitions.Index index(String table, IndexDefinitions.Definitions definitions, String path) {
        IndexDefinitions.Index index = definitions.onPath(path);
        if (index == null) {
            throw noIndex(table, path);
        }
        return index;
    }

    static IllegalArgumentException noIndex(String table, String path) {
        return new IllegalArgumentException("Table '" + table + "' has no index on \"" + path
                + "\" (it was dropped meanwhile); create one with createIndex(\"" + table + "\", name, \"" + path + "\")");
    }

    private static byte kindByte(IndexValue.Kind kind) {
        return switch (kind) {
            case BOOLEAN -> IndexCodec.BOOLEAN;
            case NUMBER -> IndexCodec.NUMBER;
            case STRING -> IndexCodec.STRING;
        };
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
