package dev.pikodb.internal.index;

import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.IndexValue;
import dev.pikodb.spi.QueryCondition;
import dev.pikodb.spi.QueryPage;
import dev.pikodb.spi.QueryPlan;
import dev.pikodb.spi.QueryPosition;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Set;

/**
 * Answers queries from a table's {@link TableIndexes}, never by reading every record.
 *
 * <p><b>Plans.</b> A condition on indexed paths gives its candidates from index ranges (an
 * {@code and} the smallest of its parts' candidate sets, an {@code or} their union); each candidate
 * is then checked against its live record, which is sorted and paged: the work grows with the
 * candidates. A query with no condition walks the ordering itself: the sorted keys, or the ordering
 * path's index followed by the keys without a value there, stopping after the page: the work grows
 * with the page.
 *
 * <p><b>Exactness.</b> A candidate is returned only when its live record matches: for a single
 * indexed condition, when the index entry that named it was made from the record the table holds now
 * (see {@link SecondaryIndex}); otherwise by evaluating the condition on the live record's values. A
 * record not written during the query has its entries in place before the query starts, so it is a
 * candidate, and it is returned once (candidates are per key).
 */
public final class IndexQueries {

    private IndexQueries() {
    }

    /**
     * Runs a query.
     *
     * @param table the table's name, for messages
     * @param indexes the table's indexes
     * @param plan the plan
     * @param now the current time, epoch milliseconds
     * @return the page
     */
    public static QueryPage query(String table, TableIndexes indexes, QueryPlan plan, long now) {
        if (plan.condition() == QueryCondition.All.INSTANCE) {
            return plan.orderedByKey() ? walkKeys(indexes, plan, now) : walkIndex(table, indexes, plan, now);
        }
        Map<String, Named> candidates = candidates(table, indexes, plan.condition());
        IndexedRecords records = indexes.records();
        Comparator<QueryPosition> order = plan.order();
        List<Found> found = new ArrayList<>();
        boolean checkedByEntries = plan.condition() instanceof QueryCondition.Leaf leaf && !leaf.path().equals(QueryCondition.KEY);
        // The entry that named a candidate made from its live record holds its values at the ordering path.
        boolean sortedByEntries = checkedByEntries && !plan.orderedByKey()
                && ((QueryCondition.Leaf) plan.condition()).path().equals(plan.orderPath());
        for (Map.Entry<String, Named> candidate : candidates.entrySet()) {
            String key = candidate.getKey();
            Named named = candidate.getValue();
            Object held = records.liveHeld(key, now);
            if (held == null || checkedByEntries && held != Slots.held(named.slot)) {
                continue;
            }
            EngineRecord record = records.record(held);
            TableIndexes.Values values = indexes.new Values(record);
            if (!checkedByEntries && !plan.condition().matches(path -> path.equals(QueryCondition.KEY)
                    ? Set.of(IndexValue.string(key)) : values.at(path))) {
                continue;
            }
            IndexValue sortValue;
            if (plan.orderedByKey()) {
                sortValue = null;
            } else if (sortedByEntries) {
                Object value = named.slot instanceof Slots.Multi multi
                        ? (plan.ascending() ? multi.min : multi.max) : named.value;
                sortValue = CompactValue.value(value);
            } else {
                sortValue = plan.sortValue(values.at(plan.orderPath()));
            }
            QueryPosition position = new QueryPosition(sortValue, key);
            if (plan.after() != null && order.compare(position, plan.after()) <= 0) {
                continue;
            }
            found.add(new Found(position, record));
        }
        found.sort((a, b) -> order.compare(a.position, b.position));
        return page(found, plan.limit());
    }

    /**
     * Counts the live records that match a condition.
     *
     * @param table the table's name, for messages
     * @param indexes the table's indexes
     * @param condition the condition, not {@link QueryCondition.All}
     * @param now the current time, epoch milliseconds
     * @return the count
     */
    public static long count(String table, TableIndexes indexes, QueryCondition condition, long now) {
        Map<String, Named> candidates = candidates(table, indexes, condition);
        IndexedRecords records = indexes.records();
        boolean checkedByEntries = condition instanceof QueryCondition.Leaf leaf && !leaf.path().equals(QueryCondition.KEY);
        long count = 0;
        for (Map.Entry<String, Named> candidate : candidates.entrySet()) {
            String key = candidate.getKey();
            Object held = records.liveHeld(key, now);
            if (held == null || checkedByEntries && held != Slots.held(candidate.getValue().slot)) {
                continue;
            }
            if (!checkedByEntries) {
                TableIndexes.Values values = indexes.new Values(records.record(held));
                if (!condition.matches(path -> path.equals(QueryCondition.KEY)
                        ? Set.of(IndexValue.string(key)) : values.at(path))) {
                    continue;
                }
            }
            count++;
        }
        return count;
    }

    private record Found(QueryPosition position, EngineRecord record) {
    }

    /** How a candidate was named: the slot and compact value of the entry (both null when from the keys). */
    private record Named(Object slot, Object value) {
        static final Named BY_KEY = new Named(null, null);
    }

    private static QueryPage page(List<Found> found, int limit) {
        int size = Math.min(found.size(), limit);
        List<Map.Entry<String, EngineRecord>> records = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Found each = found.get(i);
            records.add(new AbstractMap.SimpleImmutableEntry<>(each.position.key(), each.record));
        }
        return new QueryPage(records, found.size() > limit ? found.get(limit - 1).position : null);
    }

    // ---- candidates ---------------------------------------------------------------------------

    /** The keys that may match, each with how it was named. */
    private static Map<String, Named> candidates(String table, TableIndexes indexes, QueryCondition condition) {
        if (condition instanceof QueryCondition.Leaf leaf) {
            Map<String, Named> keys = new LinkedHashMap<>();
            if (leaf.path().equals(QueryCondition.KEY)) {
                keyCandidates(indexes, leaf, keys);
            } else {
                indexCandidates(index(table, indexes, leaf.path()), leaf, keys);
            }
            return keys;
        }
        if (condition instanceof QueryCondition.And and) {
            Map<String, Named> smallest = null;
            for (QueryCondition part : and.parts()) {
                Map<String, Named> keys = candidates(table, indexes, part);
                if (smallest == null || keys.size() < smallest.size()) {
                    smallest = keys;
                }
            }
            return smallest;
        }
        if (condition instanceof QueryCondition.Or or) {
            Map<String, Named> union = new HashMap<>();
            for (QueryCondition part : or.parts()) {
                union.putAll(candidates(table, indexes, part));
            }
            return union;
        }
        throw new IllegalStateException("a condition on every record has no candidates: " + condition);
    }

    private static SecondaryIndex index(String table, TableIndexes indexes, String path) {
        SecondaryIndex index = indexes.onPath(path);
        if (index == null) {
            throw new IllegalArgumentException("Table '" + table + "' has no index on \"" + path
                    + "\" (it was dropped meanwhile); create one with createIndex(\"" + table + "\", name, \"" + path + "\")");
        }
        return index;
    }

    private static void indexCandidates(SecondaryIndex index, QueryCondition.Leaf leaf, Map<String, Named> into) {
        if (leaf instanceof QueryCondition.In in) {
            for (IndexValue value : in.values()) {
                Object compact = CompactValue.of(value);
                Object group = index.group(compact);
                if (group != null) {
                    KeyGroup.forEachUnordered(group, (key, slot) -> {
                        into.put(key, new Named(slot, compact));
                        return true;
                    });
                }
            }
            return;
        }
        Object upper = upperBound(leaf);
        Object lower = lowerBound(leaf);
        // A range of numbers without a start takes the values past true: from the first number on.
        boolean inclusive = !(leaf instanceof QueryCondition.Range range && range.from() == null
                && range.kind() == IndexValue.Kind.NUMBER);
        index.forEachValue(lower, inclusive, true, (value, group) -> {
            if (pastUpperBound(leaf, upper, value)) {
                return false;
            }
            KeyGroup.forEachUnordered(group, (key, slot) -> {
                into.put(key, new Named(slot, value));
                return true;
            });
            return true;
        });
    }

    /**
     * The first value a range or prefix condition can accept (for a range of numbers without a start,
     * {@code true}, which every number follows; null: from the first value); every value from there up
     * to {@link #pastUpperBound} is accepted (a range's values are of one kind, strings with a prefix
     * are contiguous in code point order).
     */
    private static Object lowerBound(QueryCondition.Leaf leaf) {
        if (leaf instanceof QueryCondition.Prefix prefix) {
            return prefix.prefix();
        }
        QueryCondition.Range range = (QueryCondition.Range) leaf;
        if (range.from() != null) {
            return CompactValue.of(range.from());
        }
        if (range.kind() == IndexValue.Kind.NUMBER) {
            return Boolean.TRUE;
        }
        if (range.kind() == IndexValue.Kind.STRING) {
            return "";
        }
        return null;
    }

    /** A range's exclusive upper bound in compact form, or null. */
    private static Object upperBound(QueryCondition.Leaf leaf) {
        return leaf instanceof QueryCondition.Range range && range.to() != null ? CompactValue.of(range.to()) : null;
    }

    /** Whether every value from {@code value} on is beyond a range or prefix condition. */
    private static boolean pastUpperBound(QueryCondition.Leaf leaf, Object upper, Object value) {
        if (leaf instanceof QueryCondition.Prefix prefix) {
            return !(value instanceof String string) || !string.startsWith(prefix.prefix());
        }
        QueryCondition.Range range = (QueryCondition.Range) leaf;
        if (upper != null) {
            return CompactValue.compare(value, upper) >= 0;
        }
        return range.kind() != null && CompactValue.kind(value).compareTo(range.kind()) > 0;
    }

    private static void keyCandidates(TableIndexes indexes, QueryCondition.Leaf leaf, Map<String, Named> into) {
        if (leaf instanceof QueryCondition.In in) {
            for (IndexValue value : in.values()) {
                if (value.kind() == IndexValue.Kind.STRING) {
                    into.put((String) value.value(), Named.BY_KEY);
                }
            }
            return;
        }
        String from;
        if (leaf instanceof QueryCondition.Prefix prefix) {
            from = prefix.prefix();
        } else {
            QueryCondition.Range range = (QueryCondition.Range) leaf;
            if (range.kind() != null && range.kind() != IndexValue.Kind.STRING) {
                return;
            }
            from = range.from() == null ? null : (String) range.from().value();
        }
        Object upper = upperBound(leaf);
        NavigableSet<String> keys = indexes.sortedKeys();
        for (String key : from == null ? keys : keys.tailSet(from, true)) {
            if (pastUpperBound(leaf, upper, key)) {
                break;
            }
            into.put(key, Named.BY_KEY);
        }
    }

    // ---- walks for queries without conditions -------------------------------------------------

    private static QueryPage walkKeys(TableIndexes indexes, QueryPlan plan, long now) {
        NavigableSet<String> keys = indexes.sortedKeys();
        if (!plan.ascending()) {
            keys = keys.descendingSet();
        }
        if (plan.after() != null) {
            keys = keys.tailSet(plan.after().key(), false);
        }
        IndexedRecords records = indexes.records();
        List<Found> found = new ArrayList<>();
        for (String key : keys) {
            Object held = records.liveHeld(key, now);
            if (held != null) {
                found.add(new Found(new QueryPosition(null, key), records.record(held)));
                if (found.size() > plan.limit()) {
                    break;
                }
            }
        }
        return page(found, plan.limit());
    }

    /**
     * Walks the ordering path's index in the plan's order (values ascending or descending, keys
     * ascending within a value), then the keys without a value there, until one record past the page.
     * A record is taken at its sort value: the entry of its smallest value when ascending, its largest
     * when descending.
     */
    private static QueryPage walkIndex(String table, TableIndexes indexes, QueryPlan plan, long now) {
        SecondaryIndex index = index(table, indexes, plan.orderPath());
        IndexedRecords records = indexes.records();
        int wanted = plan.limit() == Integer.MAX_VALUE ? Integer.MAX_VALUE : plan.limit() + 1;
        List<Found> found = new ArrayList<>();
        QueryPosition after = plan.after();
        if (after == null || after.sortValue() != null) {
            boolean more = true;
            Object from = null;
            if (after != null) {
                from = CompactValue.of(after.sortValue());
                Object group = index.group(from);
                if (group != null) {
                    more = take(index, from, group, after.key(), records, plan, now, found, wanted);
                }
            }
            if (more) {
                index.forEachValue(from, false, plan.ascending(),
                        (value, group) -> take(index, value, group, null, records, plan, now, found, wanted));
            }
        }
        if (found.size() < wanted) {
            NavigableMap<String, Object> absent = after == null || after.sortValue() != null ? index.absent
                    : index.absent.tailMap(after.key(), false);
            for (Map.Entry<String, Object> entry : absent.entrySet()) {
                Object held = records.liveHeld(entry.getKey(), now);
                if (held != null && held == entry.getValue()) {
                    found.add(new Found(new QueryPosition(null, entry.getKey()), records.record(held)));
                    if (found.size() >= wanted) {
                        break;
                    }
                }
            }
        }
        return page(found, plan.limit());
    }

    /**
     * Takes the current entries of one value's group after {@code afterKey} (all when null).
     *
     * @return false once enough records were found
     */
    private static boolean take(SecondaryIndex index, Object value, Object group, String afterKey,
            IndexedRecords records, QueryPlan plan, long now, List<Found> found, int wanted) {
        IndexValue[] sortValue = new IndexValue[1];
        return KeyGroup.forEach(group, index, afterKey, false, (key, slot) -> {
            Object held = records.liveHeld(key, now);
            if (held == null || held != Slots.held(slot)) {
                return true;
            }
            if (slot instanceof Slots.Multi multi
                    && CompactValue.compare(value, plan.ascending() ? multi.min : multi.max) != 0) {
                return true;
            }
            if (sortValue[0] == null) {
                sortValue[0] = CompactValue.value(value);
            }
            found.add(new Found(new QueryPosition(sortValue[0], key), records.record(held)));
            return found.size() < wanted;
        });
    }
}
