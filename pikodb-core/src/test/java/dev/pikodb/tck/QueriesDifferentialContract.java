package dev.pikodb.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.Query;
import dev.pikodb.QueryResult;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Queries compared with a simple in-memory model of the same operations (seeded; the seed is
 * printed, and {@code -Dpikodb.queries.seed=N} replays one), and paging and index upkeep under
 * concurrent writes.
 *
 * <p>The model is written from the contract, independently of any engine: it keeps the values as
 * written and answers a query by testing every record, comparing numbers as {@link BigDecimal},
 * strings by code point, booleans {@code false < true}, kinds never across.
 */
public abstract class QueriesDifferentialContract extends ContractSupport {

    private static final String TABLE = "diff";
    private static final List<String> PATHS = List.of("/n", "/s", "/tags", "/b");
    private static final List<String> WORDS = List.of("", "a", "ab", "abc", "b", "B", "\uE000", "\uD83D\uDE00", "a\uD83D\uDE00");

    // ---- the model ----------------------------------------------------------------------------

    private record ModelRecord(Object value, Long expiration) {
    }

    /** A comparable value of the model: kind 0 boolean, 1 number, 2 string. */
    private record V(int kind, Object value) implements Comparable<V> {
        @Override
        public int compareTo(V other) {
            if (kind != other.kind) {
                return Integer.compare(kind, other.kind);
            }
            return switch (kind) {
                case 0 -> Boolean.compare((Boolean) value, (Boolean) other.value);
                case 1 -> ((BigDecimal) value).compareTo((BigDecimal) other.value);
                default -> compareByCodePoint((String) value, (String) other.value);
            };
        }

        static V of(Object value) {
            if (value instanceof Boolean b) {
                return new V(0, b);
            }
            if (value instanceof Number n) {
                return new V(1, new BigDecimal(n.toString()));
            }
            if (value instanceof String s) {
                return new V(2, s);
            }
            return null;
        }

        boolean same(V other) {
            return compareTo(other) == 0;
        }
    }

    private static int compareByCodePoint(String a, String b) {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (x[i] != y[i]) {
                return Integer.compare(x[i], y[i]);
            }
        }
        return Integer.compare(x.length, y.length);
    }

    private static List<V> valuesAt(String key, Object value, String path) {
        List<V> values = new ArrayList<>();
        if (path.equals(Query.KEY)) {
            values.add(new V(2, key));
            return values;
        }
        Object at = value instanceof Map<?, ?> map ? map.get(path.substring(1)) : null;
        if (at instanceof List<?> list) {
            for (Object element : list) {
                V v = V.of(element);
                if (v != null) {
                    values.add(v);
                }
            }
        } else if (V.of(at) != null) {
            values.add(V.of(at));
        }
        return values;
    }

    /** A condition of the model, and the query that asks for it. */
    private interface Cond {
        boolean test(String key, Object value);

        Query query();
    }

    private static Cond eq(String path, Object value) {
        return new Cond() {
            public boolean test(String key, Object v) {
                return valuesAt(key, v, path).stream().anyMatch(x -> x.same(V.of(value)));
            }

            public Query query() {
                return Query.eq(path, value);
            }

            public String toString() {
                return "eq(" + path + "," + value + ")";
            }
        };
    }

    private static Cond in(String path, List<Object> values) {
        return new Cond() {
            public boolean test(String key, Object v) {
                return valuesAt(key, v, path).stream().anyMatch(x -> values.stream().anyMatch(y -> x.same(V.of(y))));
            }

            public Query query() {
                return Query.in(path, values);
            }

            public String toString() {
                return "in(" + path + "," + values + ")";
            }
        };
    }

    private static Cond range(String path, Object from, Object to) {
        return new Cond() {
            public boolean test(String key, Object v) {
                V lo = from == null ? null : V.of(from);
                V hi = to == null ? null : V.of(to);
                Integer kind = lo != null ? Integer.valueOf(lo.kind) : hi != null ? Integer.valueOf(hi.kind) : null;
                return valuesAt(key, v, path).stream().anyMatch(x -> (kind == null || x.kind == kind)
                        && (lo == null || x.compareTo(lo) >= 0) && (hi == null || x.compareTo(hi) < 0));
            }

            public Query query() {
                return Query.range(path, from, to);
            }

            public String toString() {
                return "range(" + path + "," + from + "," + to + ")";
            }
        };
    }

    private static Cond prefix(String path, String prefix) {
        return new Cond() {
            public boolean test(String key, Object v) {
                return valuesAt(key, v, path).stream().anyMatch(x -> x.kind == 2 && ((String) x.value).startsWith(prefix));
            }

            public Query query() {
                return Query.prefix(path, prefix);
            }

            public String toString() {
                return "prefix(" + path + "," + prefix + ")";
            }
        };
    }

    private static Cond both(Cond a, Cond b, boolean and) {
        return new Cond() {
            public boolean test(String key, Object v) {
                return and ? a.test(key, v) && b.test(key, v) : a.test(key, v) || b.test(key, v);
            }

            public Query query() {
                return and ? a.query().and(b.query()) : a.query().or(b.query());
            }

            public String toString() {
                return "(" + a + (and ? " and " : " or ") + b + ")";
            }
        };
    }

    private static final Cond ALL = new Cond() {
        public boolean test(String key, Object v) {
            return true;
        }

        public Query query() {
            return Query.all();
        }

        public String toString() {
            return "all";
        }
    };

    private List<String> expected(Map<String, ModelRecord> model, Cond cond, String orderPath, boolean ascending) {
        long now = clock.millis();
        List<String> keys = new ArrayList<>();
        Map<String, V> sortValues = new HashMap<>();
        model.forEach((key, record) -> {
            if (record.expiration != null && now > record.expiration) {
                return;
            }
            if (cond.test(key, record.value)) {
                keys.add(key);
                if (!orderPath.equals(Query.KEY)) {
                    List<V> values = valuesAt(key, record.value, orderPath);
                    values.stream().min(ascending ? Comparator.naturalOrder() : Comparator.reverseOrder())
                            .ifPresent(v -> sortValues.put(key, v));
                }
            }
        });
        Comparator<String> byKey = QueriesDifferentialContract::compareByCodePoint;
        Comparator<String> order;
        if (orderPath.equals(Query.KEY)) {
            order = ascending ? byKey : byKey.reversed();
        } else {
            order = (a, b) -> {
                V x = sortValues.get(a);
                V y = sortValues.get(b);
                if (x == null || y == null) {
                    return x == y ? 0 : x == null ? 1 : -1;
                }
                return ascending ? x.compareTo(y) : y.compareTo(x);
            };
            order = order.thenComparing(byKey);
        }
        keys.sort(order);
        return keys;
    }

    // ---- random operations --------------------------------------------------------------------

    private static Object randomScalar(Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> random.nextInt(7) - 3;
            case 1 -> (long) random.nextInt(7) - 3 + (random.nextBoolean() ? 9_007_199_254_740_992L : 0);
            case 2 -> random.nextInt(7) - 3 + (random.nextBoolean() ? 0.5 : 0.0);
            case 3 -> new BigDecimal(random.nextInt(7) - 3).setScale(random.nextInt(3));
            case 4, 5 -> WORDS.get(random.nextInt(WORDS.size()));
            case 6 -> random.nextBoolean();
            case 7 -> String.valueOf(random.nextInt(4));
            default -> random.nextInt(3) == 0 ? 9_007_199_254_740_993L : 1;
        };
    }

    private static Object randomValue(Random random) {
        if (random.nextInt(20) == 0) {
            return randomScalar(random);
        }
        Map<String, Object> value = new LinkedHashMap<>();
        for (String path : PATHS) {
            String field = path.substring(1);
            switch (random.nextInt(6)) {
                case 0 -> { }
                case 1 -> value.put(field, null);
                case 2 -> {
                    List<Object> list = new ArrayList<>();
                    for (int i = random.nextInt(4); i > 0; i--) {
                        list.add(random.nextInt(8) == 0 ? Map.of("x", 1) : randomScalar(random));
                    }
                    value.put(field, list);
                }
                default -> value.put(field, randomScalar(random));
            }
        }
        return value;
    }

    private static String randomPath(Random random) {
        return random.nextInt(6) == 0 ? Query.KEY : PATHS.get(random.nextInt(PATHS.size()));
    }

    private static Cond randomCond(Random random, int depth) {
        int choice = random.nextInt(depth > 0 ? 7 : 5);
        String path = randomPath(random);
        Object any = path.equals(Query.KEY) ? "k" + random.nextInt(40) : randomScalar(random);
        return switch (choice) {
            case 0 -> eq(path, any);
            case 1 -> {
                List<Object> values = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    values.add(path.equals(Query.KEY) ? "k" + random.nextInt(40) : randomScalar(random));
                }
                yield in(path, values);
            }
            case 2 -> {
                Object from = any;
                Object to = randomScalar(random);
                if (V.of(to).kind != V.of(from).kind) {
                    to = null;
                }
                if (random.nextInt(4) == 0) {
                    from = null;
                }
                yield range(path, from, to);
            }
            case 3 -> prefix(path, path.equals(Query.KEY) ? "k" + random.nextInt(4) : WORDS.get(random.nextInt(WORDS.size())));
            case 4 -> range(path, null, null);
            case 5 -> both(randomCond(random, depth - 1), randomCond(random, depth - 1), true);
            default -> both(randomCond(random, depth - 1), randomCond(random, depth - 1), false);
        };
    }

    /** Runs a seeded sequence of operations against the engine and the model; returns {queries, records}. */
    private long[] runDifferential(long seed, int operations) {
        Random random = new Random(seed);
        for (String path : PATHS) {
            db.createIndex(TABLE, path.substring(1), path);
        }
        Map<String, ModelRecord> model = new TreeMap<>();
        long queries = 0;
        long compared = 0;
        for (int op = 0; op < operations; op++) {
            int dice = random.nextInt(100);
            String key = "k" + random.nextInt(40);
            if (dice < 45) {
                Object value = randomValue(random);
                Long expiration = random.nextInt(5) == 0 ? clock.millis() + random.nextInt(5_000) : null;
                db.write(TABLE, key, value, expiration);
                model.put(key, new ModelRecord(value, expiration));
            } else if (dice < 55) {
                db.delete(TABLE, key);
                model.remove(key);
            } else if (dice < 62) {
                clock.advance(random.nextInt(2_000));
                if (random.nextInt(3) == 0) {
                    db.cleanupExpired(TABLE);
                }
            } else if (dice < 63) {
                reopen();
            } else {
                Cond cond = random.nextInt(8) == 0 ? ALL : randomCond(random, 2);
                String orderPath = random.nextInt(3) == 0 ? Query.KEY : randomPath(random);
                boolean ascending = random.nextBoolean();
                Integer limit = random.nextInt(3) == 0 ? null : 1 + random.nextInt(6);
                Query query = cond.query().orderBy(orderPath, ascending);
                if (limit != null) {
                    query = query.limit(limit);
                }
                List<String> want = expected(model, cond, orderPath, ascending);
                List<String> got = new ArrayList<>();
                QueryResult page = db.find(TABLE, query);
                while (true) {
                    for (Map.Entry<String, DatabaseRecord> entry : page.records()) {
                        got.add(entry.getKey());
                        JsonNode actual = JSON.readTree(JSON.writeValueAsString(entry.getValue().value()));
                        JsonNode written = JSON.readTree(JSON.writeValueAsString(model.get(entry.getKey()).value));
                        assertThat(actual).as("seed %d op %d: value of %s", seed, op, entry.getKey()).isEqualTo(written);
                    }
                    if (limit != null) {
                        assertThat(page.records().size()).isLessThanOrEqualTo(limit);
                    }
                    if (page.nextCursor().isEmpty()) {
                        break;
                    }
                    page = db.find(TABLE, query.after(page.nextCursor().get()));
                }
                assertThat(got).as("seed %d op %d: %s orderBy %s %s limit %s", seed, op, cond, orderPath,
                        ascending ? "asc" : "desc", limit).isEqualTo(want);
                assertThat(db.count(TABLE, cond.query())).as("seed %d op %d: count %s", seed, op, cond)
                        .isEqualTo(want.size());
                queries++;
                compared += want.size();
            }
        }
        return new long[] {queries, compared};
    }

    @Test
    void findAndCountAgreeWithAModelOverRandomOperations() {
        String fixed = System.getProperty("pikodb.queries.seed");
        int rounds = fixed != null ? 1 : Integer.getInteger("pikodb.queries.rounds", 3);
        int operations = Integer.getInteger("pikodb.queries.operations", 500);
        long base = fixed != null ? Long.parseLong(fixed) : new Random().nextLong();
        long queries = 0;
        long compared = 0;
        for (int round = 0; round < rounds; round++) {
            long seed = base + round;
            System.out.println("Queries differential test: seed " + seed + " (-Dpikodb.queries.seed=" + seed + ")");
            if (round > 0) {
                db.deleteTable(TABLE);
            }
            long[] counts = runDifferential(seed, operations);
            queries += counts[0];
            compared += counts[1];
        }
        System.out.println("Queries differential test: " + rounds + " seeds x " + operations + " operations, "
                + queries + " queries (each paged to the end and counted), " + compared + " records compared");
        assertThat(queries).isPositive();
    }

    // ---- concurrency --------------------------------------------------------------------------

    @Test
    void pagingReturnsEachUnchangedRecordOnceInOrderUnderConcurrentWrites() throws Exception {
        db.createIndex("t", "n", "/n");
        for (int i = 0; i < 200; i++) {
            db.write("t", String.format("stable%03d", i), map("n", i % 50));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            Random random = new Random(7);
            try {
                started.countDown();
                while (!stop.get()) {
                    String key = "churn" + random.nextInt(100);
                    if (random.nextInt(4) == 0) {
                        db.delete("t", key);
                    } else {
                        db.write("t", key, map("n", random.nextInt(60)));
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        writer.start();
        started.await();
        try {
            for (boolean ascending : List.of(true, false)) {
                Query query = Query.range("/n", 0, 50).orderBy("/n", ascending).limit(9);
                List<String> seen = new ArrayList<>();
                List<Integer> values = new ArrayList<>();
                QueryResult page = db.find("t", query);
                while (true) {
                    for (Map.Entry<String, DatabaseRecord> entry : page.records()) {
                        seen.add(entry.getKey());
                        int n = ((Number) ((Map<?, ?>) entry.getValue().value()).get("n")).intValue();
                        assertThat(n).as("the returned version matches").isBetween(0, 49);
                        values.add(n);
                    }
                    if (page.nextCursor().isEmpty()) {
                        break;
                    }
                    page = db.find("t", query.after(page.nextCursor().get()));
                }
                for (int i = 0; i < 200; i++) {
                    assertThat(seen).containsOnlyOnce(String.format("stable%03d", i));
                }
                // A churned record may come again on a later page: it was written across the pages.
                assertThat(values).isSortedAccordingTo(ascending ? Comparator.naturalOrder() : Comparator.reverseOrder());
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(failure.get()).isNull();
    }

    @Test
    void indexesStayExactUnderConcurrentWritesDeletesAndExpiry() throws Exception {
        db.createIndex("t", "n", "/n");
        db.createIndex("t", "tags", "/tags");
        int threads = 4;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        Map<String, Throwable> failures = new ConcurrentHashMap<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread worker = new Thread(() -> {
                Random random = new Random(id);
                try {
                    go.await();
                    for (int i = 0; i < 1_000; i++) {
                        String key = "k" + random.nextInt(50);
                        int dice = random.nextInt(10);
                        if (dice == 0) {
                            db.delete("t", key);
                        } else if (dice == 1) {
                            db.find("t", Query.eq("/n", random.nextInt(5)));
                        } else {
                            Long expiration = random.nextInt(4) == 0 ? clock.millis() + random.nextInt(3) : null;
                            db.write("t", key, map("n", random.nextInt(5), "tags", List.of(random.nextInt(3), random.nextInt(3))),
                                    expiration);
                        }
                        if (id == 0 && i % 100 == 0) {
                            clock.advance(1);
                        }
                    }
                } catch (Throwable e) {
                    failures.put("worker " + id, e);
                }
            });
            workers.add(worker);
            worker.start();
        }
        go.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(failures).isEmpty();
        clock.advance(10);

        Map<String, Object> live = asMap(db.get("t"));
        for (int n = 0; n < 5; n++) {
            int value = n;
            Set<String> want = new HashSet<>();
            live.forEach((key, v) -> {
                if (((Number) ((Map<?, ?>) v).get("n")).intValue() == value) {
                    want.add(key);
                }
            });
            assertThat(keys(db.find("t", Query.eq("/n", n)))).as("n = %d", n).containsExactlyInAnyOrderElementsOf(want);
        }
        for (int tag = 0; tag < 3; tag++) {
            int value = tag;
            Set<String> want = new HashSet<>();
            live.forEach((key, v) -> {
                if (((Collection<?>) ((Map<?, ?>) v).get("tags")).contains(value)) {
                    want.add(key);
                }
            });
            assertThat(keys(db.find("t", Query.eq("/tags", tag)))).as("tag %d", tag).containsExactlyInAnyOrderElementsOf(want);
        }
        assertThat(db.count("t", Query.range("/n", null, null))).isEqualTo(live.size());
        assertThat(keys(db.find("t", Query.all().orderBy("/n", true)))).hasSize(live.size());
    }

    private static List<String> keys(QueryResult result) {
        return result.records().stream().map(Map.Entry::getKey).toList();
    }
}
