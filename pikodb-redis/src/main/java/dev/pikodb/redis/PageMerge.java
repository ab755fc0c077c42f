package dev.pikodb.redis;

import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.QueryPage;
import dev.pikodb.spi.QueryPlan;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Merges the buckets' walks ({@link BucketWalk}), which hold index members only, into a page: takes
 * the next entries in the query's order, as many as the page still lacks (with one past it, which
 * tells whether there is a next page), reads their records in one round trip ({@link PageRecords}),
 * checks each entry against its record ({@link BucketWalk#check}), and repeats while the page lacks
 * records and entries remain. An entry whose record changed since the entry was read (removed,
 * expired, or moved to another value) is passed over and the walk continues after it: the page holds
 * only records that agree with the query when they were read, each once (a record that moved to a
 * value the walk reaches later is not returned again).
 */
final class PageMerge {

    private PageMerge() {
    }

    /**
     * The page of the walks, started with their first slices.
     *
     * @param table the table
     * @param walks the buckets' walks
     * @param plan the query
     * @param records reads the records of the entries taken
     * @return the page
     */
    static QueryPage merge(String table, List<BucketWalk> walks, QueryPlan plan, PageRecords records) {
        PriorityQueue<BucketWalk> heads = new PriorityQueue<>(Math.max(1, walks.size()),
                (a, c) -> BucketWalk.compare(plan, a.head(), c.head()));
        for (BucketWalk walk : walks) {
            if (walk.head() != null) {
                heads.add(walk);
            }
        }
        List<BucketReads.Found> found = new ArrayList<>();
        Set<String> returned = new java.util.HashSet<>();
        long wanted = plan.limit() == Integer.MAX_VALUE ? Long.MAX_VALUE : plan.limit() + 1L;
        List<BucketWalk> from = new ArrayList<>();
        List<BucketWalk.Pending> taken = new ArrayList<>();
        while (!heads.isEmpty() && found.size() < wanted) {
            long batch = Math.min(wanted - found.size(), BucketReads.SLICE);
            from.clear();
            taken.clear();
            Map<byte[][], Set<String>> byBucket = new IdentityHashMap<>();
            while (taken.size() < batch && !heads.isEmpty()) {
                BucketWalk walk = heads.poll();
                BucketWalk.Pending next = walk.poll();
                from.add(walk);
                taken.add(next);
                byBucket.computeIfAbsent(walk.bucket(), bucket -> new LinkedHashSet<>()).add(next.key());
                if (walk.head() != null) {
                    heads.add(walk);
                }
            }
            Map<String, EngineRecord> live = records.read(table, byBucket);
            for (int i = 0; i < taken.size(); i++) {
                BucketReads.Found checked = from.get(i).check(taken.get(i), live.get(taken.get(i).key()));
                if (checked != null && returned.add(checked.key())) {
                    found.add(checked);
                }
            }
        }
        return BucketReads.page(found, plan.limit());
    }
}
