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
        Map<String, Object> candidates = candidates(table, indexes, plan.condition());
        IndexedRecords records = indexes.records();
        Comparator<QueryPosition> order = plan.order();
        List<Found> found = new ArrayList<>();
        boolean checkedByEntries = plan.condition() instanceof QueryCondition.Leaf leaf && !leaf.path().equals(QueryCondition.KEY);
        for (Map.Entry<String, Object> candidate : candidates.entrySet()) {
            String key = candidate.getKey();
            Object held = records.liveHeld(key, now);
            if (held == null || checkedByEntries && held != candidate.getValue()) {
                continue;
            }
            EngineRecord record = records.record(held);
            TableIndexes.Values values = indexes.new Values(record);
            if (!checkedByEntries && !plan.condition().matches(path -> path.equals(QueryCondition.KEY)
                    ? Set.of(IndexValue.string(key)) : values.at(path))) {
                continue;
            }
            QueryPosition position = new QueryPosition(plan.orderedByKey() ? null : plan.sortValue(values.at(plan.orderPath())), key);
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
        Map<String, Object> candidates = candidates(table, indexes, condition);
        IndexedRecords records = indexes.records();
        boolean checkedByEntries = condition instanceof QueryCondition.Leaf leaf && !leaf.path().equals(QueryCondition.KEY);
        long count = 0;
        for (Map.Entry<String, Object> candidate : candidates.entrySet()) {
            String key = candidate.getKey();
            Object held = records.liveHeld(key, now);
            if (held == null || checkedByEntries && held != candidate.getValue()) {
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

    /**
     * The keys that may match, each with the held object of the entry that named it (or null when
     * it came from the keys).
     */
    private static Map<String, Object> candidates(String table, TableIndexes indexes, QueryCondition condition) {
        if (condition instanceof QueryCondition.Leaf leaf) {
            Map<String, Object> keys = new LinkedHashMap<>();
            if (leaf.path().equals(QueryCondition.KEY)) {
                keyCandidates(indexes, leaf, keys);
            } else {
                indexCandidates(index(table, indexes, leaf.path()), leaf, keys);
            }
            return keys;
        }
        if (condition instanceof QueryCondition.And and) {
            Map<String, Object> smallest = null;
            for (QueryCondition part : and.parts()) {
                Map<String, Object> keys = candidates(table, indexes, part);
                if (smallest == null || keys.size() < smallest.size()) {
                    smallest = keys;
                }
            }
            return smallest;
        }
        if (condition instanceof QueryCondition.Or or) {
            Map<String, Object> union = new HashMap<>();
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

    private static void indexCandidates(SecondaryIndex index, QueryCondition.Leaf leaf, Map<String, Object> into) {
        if (leaf instanceof QueryCondition.In in) {
            for (IndexValue value : in.values()) {
                index.entries.subMap(IndexEntry.before(value), true, IndexEntry.after(value), true)
                        .forEach((entry, slot) -> into.put(entry.key, SecondaryIndex.held(slot)));
            }
            return;
        }
        NavigableMap<IndexEntry, Object> from = lowerBound(index.entries, leaf);
        for (Map.Entry<IndexEntry, Object> entry : from.entrySet()) {
            IndexValue value = entry.getKey().value;
            if (pastUpperBound(leaf, value)) {
                break;
            }
            if (leaf.accepts(value)) {
                into.put(entry.getKey().key, SecondaryIndex.held(entry.getValue()));
            }
        }
    }

    /** The entries from the first one a range or prefix condition can accept. */
    private static NavigableMap<IndexEntry, Object> lowerBound(NavigableMap<IndexEntry, Object> entries,
            QueryCondition.Leaf leaf) {
        if (leaf instanceof QueryCondition.Prefix prefix) {
            return entries.tailMap(IndexEntry.before(IndexValue.string(prefix.prefix())), true);
        }
        QueryCondition.Range range = (QueryCondition.Range) leaf;
        if (range.from() != null) {
            return entries.tailMap(IndexEntry.before(range.from()), true);
        }
        if (range.kind() == IndexValue.Kind.NUMBER) {
            return entries.tailMap(IndexEntry.after(IndexValue.TRUE), true);
        }
        if (range.kind() == IndexValue.Kind.STRING) {
            return entries.tailMap(IndexEntry.before(IndexValue.string("")), true);
        }
        return entries;
    }

    /** Whether every value from {@code value} on is beyond a range or prefix condition. */
    private static boolean pastUpperBound(QueryCondition.Leaf leaf, IndexValue value) {
        if (leaf instanceof QueryCondition.Prefix prefix) {
            return value.kind() != IndexValue.Kind.STRING || !((String) value.value()).startsWith(prefix.prefix());
        }
        QueryCondition.Range range = (QueryCondition.Range) leaf;
        if (range.to() != null) {
            return value.compareTo(range.to()) >= 0;
        }
        return range.kind() != null && value.kind().compareTo(range.kind()) > 0;
    }

    private static void keyCandidates(TableIndexes indexes, QueryCondition.Leaf leaf, Map<String, Object> into) {
        if (leaf instanceof QueryCondition.In in) {
            for (IndexValue value : in.values()) {
                if (value.kind() == IndexValue.Kind.STRING) {
                    into.put((String) value.value(), null);
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
        NavigableSet<String> keys = indexes.sortedKeys();
        for (String key : from == null ? keys : keys.tailSet(from, true)) {
            IndexValue value = IndexValue.string(key);
            if (pastUpperBound(leaf, value)) {
                break;
            }
            into.put(key, null);
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
            if (plan.ascending()) {
                NavigableMap<IndexEntry, Object> entries = after == null ? index.entries
                        : index.entries.tailMap(new IndexEntry(after.sortValue(), after.key()), false);
                takeEntries(entries, records, plan, now, found, wanted);
            } else {
                IndexValue value = after == null ? lastValue(index.entries) : after.sortValue();
                boolean first = true;
                while (value != null && found.size() < wanted) {
                    NavigableMap<IndexEntry, Object> group = first && after != null
                            ? index.entries.subMap(new IndexEntry(value, after.key()), false, IndexEntry.after(value), true)
                            : index.entries.subMap(IndexEntry.before(value), true, IndexEntry.after(value), true);
                    takeEntries(group, records, plan, now, found, wanted);
                    IndexEntry lower = index.entries.lowerKey(IndexEntry.before(value));
                    value = lower == null ? null : lower.value;
                    first = false;
                }
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

    private static IndexValue lastValue(NavigableMap<IndexEntry, Object> entries) {
        Map.Entry<IndexEntry, Object> last = entries.lastEntry();
        return last == null ? null : last.getKey().value;
    }

    private static void takeEntries(NavigableMap<IndexEntry, Object> entries, IndexedRecords records, QueryPlan plan,
            long now, List<Found> found, int wanted) {
        for (Map.Entry<IndexEntry, Object> entry : entries.entrySet()) {
            Object slot = entry.getValue();
            String key = entry.getKey().key;
            Object held = records.liveHeld(key, now);
            if (held == null || held != SecondaryIndex.held(slot)) {
                continue;
            }
            if (slot instanceof SecondaryIndex.Multi multi
                    && !entry.getKey().value.equals(plan.ascending() ? multi.min : multi.max)) {
                continue;
            }
            found.add(new Found(new QueryPosition(entry.getKey().value, key), records.record(held)));
            if (found.size() >= wanted) {
                return;
            }
        }
    }
}
