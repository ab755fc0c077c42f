package dev.pikodb.directory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.Query;
import dev.pikodb.QueryResult;
import dev.pikodb.tck.ContractSupport;
import dev.pikodb.tck.EngineFixture;
import dev.pikodb.tck.QueryPages;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory engine's indexes over integers, held as primitives with the changes since their last
 * merge aside: integers appear and go (many of them, so that the changes are merged again and again),
 * many keys share one, decimals, booleans and strings sit at the same path among them, and queries by
 * equality, range and order see exactly what the table holds, while writers change it, and after a
 * restart builds the index again.
 */
class DirectoryIndexNumbersTest extends ContractSupport {

    @TempDir
    Path dir;

    @Override
    protected EngineFixture newFixture() {
        return new DirectoryFixture(dir);
    }

    private static String key(int i) {
        return String.format("k%05d", i);
    }

    /** Booleans, then numbers by value, then strings: the index's order of values. */
    private static final Comparator<Object> VALUE_ORDER = Comparator.<Object>comparingInt(DirectoryIndexNumbersTest::rank)
            .thenComparing((a, b) -> {
                if (a instanceof Boolean x) {
                    return Boolean.compare(x, (Boolean) b);
                }
                if (a instanceof BigDecimal x) {
                    return x.compareTo((BigDecimal) b);
                }
                return ((String) a).compareTo((String) b);
            });

    private static int rank(Object value) {
        return value instanceof Boolean ? 0 : value instanceof BigDecimal ? 1 : 2;
    }

    /** A value to write and its model (numbers as BigDecimal); null for a record without the path. */
    private static Object[] value(Random random) {
        int kind = random.nextInt(100);
        if (kind < 60) {
            long n = 1_000_000L + random.nextInt(50_000);
            return new Object[] {n, BigDecimal.valueOf(n)};
        }
        if (kind < 75) {
            long n = random.nextInt(4);
            return new Object[] {n, BigDecimal.valueOf(n)};
        }
        if (kind < 81) {
            double d = random.nextInt(2_000) / 2.0 + 0.25;
            return new Object[] {d, new BigDecimal(Double.toString(d))};
        }
        if (kind < 85) {
            long n = switch (random.nextInt(4)) {
                case 0 -> Long.MIN_VALUE;
                case 1 -> Long.MAX_VALUE;
                default -> -random.nextInt(1_000);
            };
            return new Object[] {n, BigDecimal.valueOf(n)};
        }
        if (kind < 88) {
            BigDecimal huge = new BigDecimal("1E+30").add(BigDecimal.valueOf(random.nextInt(3)));
            return new Object[] {huge, huge};
        }
        if (kind < 92) {
            boolean b = random.nextBoolean();
            return new Object[] {b, b};
        }
        if (kind < 96) {
            String s = "s" + random.nextInt(20);
            return new Object[] {s, s};
        }
        return new Object[] {null, null};
    }

    /** Every page of a query, followed through its cursors. */
    private List<String> allPages(Query query) {
        return QueryPages.keysOfAllPages(db, "t", query);
    }

    /** The keys in the order of the index: values in order, keys ascending within one, keys without a value last. */
    private static List<String> ordered(TreeMap<String, Object> model, boolean ascending) {
        TreeMap<Object, List<String>> byValue = new TreeMap<>(VALUE_ORDER);
        List<String> absent = new ArrayList<>();
        model.forEach((key, value) -> {
            if (value == null) {
                absent.add(key);
            } else {
                byValue.computeIfAbsent(value, v -> new ArrayList<>()).add(key);
            }
        });
        List<String> keys = new ArrayList<>();
        (ascending ? byValue : byValue.descendingMap()).values().forEach(keys::addAll);
        keys.addAll(absent);
        return keys;
    }

    /** The keys whose number is in {@code [from, to)} (a null bound is open), ascending. */
    private static List<String> inRange(TreeMap<String, Object> model, BigDecimal from, BigDecimal to) {
        return model.entrySet().stream()
                .filter(e -> e.getValue() instanceof BigDecimal n && (from == null || n.compareTo(from) >= 0)
                        && (to == null || n.compareTo(to) < 0))
                .map(Map.Entry::getKey).toList();
    }

    private void checkAgainst(TreeMap<String, Object> model, Random random, String when) {
        assertThat(allPages(Query.all().orderBy("/n", true).limit(97))).as(when + ": ascending")
                .containsExactlyElementsOf(ordered(model, true));
        assertThat(allPages(Query.all().orderBy("/n", false).limit(89))).as(when + ": descending")
                .containsExactlyElementsOf(ordered(model, false));
        assertThat(db.count("t", Query.range("/n", null, null))).as(when + ": every value")
                .isEqualTo(model.values().stream().filter(v -> v != null).count());
        for (long shared = 0; shared < 4; shared++) {
            assertThat(allPages(Query.eq("/n", shared).limit(50))).as(when + ": eq " + shared)
                    // No decimal written lies in [n, n + 0.1): the keys of n exactly.
                    .containsExactlyElementsOf(inRange(model, BigDecimal.valueOf(shared), BigDecimal.valueOf(shared + 0.1)));
        }
        Object[][] bounds = {
            {1_000_000L + random.nextInt(25_000), 1_000_000L + 25_000 + random.nextInt(25_000)},
            {-500, 500.5}, {0.5, 3}, {null, 0}, {1_049_000, null}, {Long.MIN_VALUE, -999},
            {new BigDecimal("9223372036854775807.5"), null}, {null, new BigDecimal("-9223372036854775808.5")},
        };
        for (Object[] bound : bounds) {
            BigDecimal from = bound[0] == null ? null : new BigDecimal(bound[0].toString());
            BigDecimal to = bound[1] == null ? null : new BigDecimal(bound[1].toString());
            List<String> expected = inRange(model, from, to);
            String range = when + ": range " + bound[0] + " to " + bound[1];
            assertThat(allPages(Query.range("/n", bound[0], bound[1]).limit(500))).as(range).containsExactlyElementsOf(expected);
            assertThat(db.count("t", Query.range("/n", bound[0], bound[1]))).as(range).isEqualTo(expected.size());
        }
    }

    private static Map<String, Object> note(Object n, int i) {
        return n == null ? map("i", i) : map("n", n, "i", i);
    }

    @Test
    void integersThatComeAndGoThroughManyMergesAreFoundByEqualityRangeAndOrderBeforeAndAfterARestart() {
        db.createIndex("t", "n", "/n");
        Random random = new Random(13);
        TreeMap<String, Object> model = new TreeMap<>();
        int keys = 1_500;
        for (int op = 0; op < 12_000; op++) {
            int i = random.nextInt(keys);
            if (random.nextInt(20) == 0) {
                db.delete("t", key(i));
                model.remove(key(i));
            } else {
                Object[] value = value(random);
                db.write("t", key(i), note(value[0], op));
                model.put(key(i), value[1]);
            }
            if (op % 4_000 == 3_999) {
                checkAgainst(model, random, "after " + (op + 1) + " writes");
            }
        }
        reopen();
        checkAgainst(model, random, "built at start");
        // The built index takes changes as the maintained one does.
        for (int op = 0; op < 4_000; op++) {
            int i = random.nextInt(keys);
            Object[] value = value(random);
            db.write("t", key(i), note(value[0], op));
            model.put(key(i), value[1]);
        }
        checkAgainst(model, random, "after writes since the start");
    }

    @Test
    void readersOfRangesAndOrderSeeEveryUntouchedRecordWhileWritersMoveOthersThroughMerges() throws Exception {
        db.createIndex("t", "n", "/n");
        int stable = 200;
        for (int i = 0; i < stable; i++) {
            db.write("t", "s" + key(i), map("n", 10L * i));
        }
        int moving = 300;
        for (int i = 0; i < moving; i++) {
            db.write("t", "m" + key(i), map("n", 10L * i + 5));
        }
        AtomicBoolean done = new AtomicBoolean();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        Runnable reader = () -> {
            int round = 0;
            while (!done.get() || round < 5) {
                round++;
                boolean ascending = round % 2 == 0;
                List<String> seen = new ArrayList<>();
                long previous = ascending ? Long.MIN_VALUE : Long.MAX_VALUE;
                Query query = Query.range("/n", 0, 2_000).orderBy("/n", ascending).limit(37);
                QueryResult page = db.find("t", query);
                while (true) {
                    for (Map.Entry<String, DatabaseRecord> entry : page.records()) {
                        long n = ((Number) ((Map<?, ?>) entry.getValue().value()).get("n")).longValue();
                        if (n < 0 || n >= 2_000) {
                            problems.add(entry.getKey() + " found in [0, 2000) but holds " + n);
                        }
                        if (ascending ? n < previous : n > previous) {
                            problems.add(entry.getKey() + " at " + n + " after " + previous + " in round " + round);
                        }
                        previous = n;
                        seen.add(entry.getKey());
                    }
                    if (page.nextCursor().isEmpty()) {
                        break;
                    }
                    page = db.find("t", query.after(page.nextCursor().get()));
                }
                List<String> walked = db.find("t", Query.all().orderBy("/n", !ascending).limit(10_000)).records()
                        .stream().map(Map.Entry::getKey).toList();
                for (int i = 0; i < stable; i++) {
                    String key = "s" + key(i);
                    if (!seen.contains(key)) {
                        problems.add(key + " missing from the range in round " + round);
                    }
                    if (!walked.contains(key)) {
                        problems.add(key + " missing from the walk in order in round " + round);
                    }
                }
                long stableValue = 10L * (round % stable);
                List<String> equal = db.find("t", Query.eq("/n", stableValue)).records().stream()
                        .map(Map.Entry::getKey).filter(k -> k.startsWith("s")).toList();
                if (!equal.equals(List.of("s" + key(round % stable)))) {
                    problems.add("eq " + stableValue + " gave " + equal);
                }
                // A moving key may be met again on a later page after a write moved it there; an untouched one may not.
                List<String> stableSeen = seen.stream().filter(k -> k.startsWith("s")).toList();
                if (stableSeen.stream().distinct().count() != stableSeen.size()) {
                    problems.add("an untouched key returned twice in round " + round);
                }
            }
        };
        Thread[] readers = {new Thread(reader), new Thread(reader)};
        for (Thread thread : readers) {
            thread.start();
        }
        Random random = new Random(5);
        // Enough values that appear and go for several merges (at least 1,024 changes each).
        int writes = 5_000;
        long[] last = new long[moving];
        boolean[] written = new boolean[moving];
        try {
            for (int w = 0; w < writes; w++) {
                int i = random.nextInt(moving);
                long n = random.nextInt(4) == 0 ? 10L * random.nextInt(stable) : random.nextInt(100_000) - 50_000;
                db.write("t", "m" + key(i), map("n", n));
                last[i] = n;
                written[i] = true;
            }
        } finally {
            done.set(true);
            for (Thread thread : readers) {
                thread.join();
            }
        }
        assertThat(problems).isEmpty();
        TreeMap<String, Object> model = new TreeMap<>();
        for (int i = 0; i < stable; i++) {
            model.put("s" + key(i), BigDecimal.valueOf(10L * i));
        }
        for (int i = 0; i < moving; i++) {
            // A key that no write reached keeps its first value.
            model.put("m" + key(i), BigDecimal.valueOf(written[i] ? last[i] : 10L * i + 5));
        }
        assertThat(allPages(Query.all().orderBy("/n", true).limit(101))).containsExactlyElementsOf(ordered(model, true));
    }

    @Test
    void integersSpreadUnevenlyAreFoundByEqualityAndRangeWhereverTheirNeighboursLie() {
        db.createIndex("t", "n", "/n");
        // Runs of consecutive integers far apart, powers of two and extremes: a search guessing a
        // value's place from its neighbours lands far from it, and must still find it and its place.
        List<Long> written = new ArrayList<>();
        for (long n = 0; n < 600; n++) {
            written.add(n);
            written.add(1_000_000_000_000L + n);
        }
        for (int power = 10; power < 63; power++) {
            written.add(1L << power);
            written.add(-(1L << power));
        }
        written.add(Long.MIN_VALUE);
        written.add(Long.MAX_VALUE);
        for (int i = 0; i < written.size(); i++) {
            db.write("t", key(i), map("n", written.get(i)));
        }
        // Built at start: the integers in one base, searched over all of it.
        reopen();
        List<Long> sorted = written.stream().sorted().toList();
        for (int i = 0; i < written.size(); i++) {
            long n = written.get(i);
            assertThat(db.find("t", Query.eq("/n", n)).records()).as("eq " + n).extracting(Map.Entry::getKey)
                    .containsExactly(key(i));
            if (n != Long.MAX_VALUE && !written.contains(n + 1)) {
                assertThat(db.count("t", Query.eq("/n", n + 1))).as("eq " + (n + 1)).isZero();
                // Every value from the missing one on: as many as the written values above it.
                long above = sorted.stream().filter(v -> v > n).count();
                assertThat(db.count("t", Query.range("/n", n + 1, null))).as("range from " + (n + 1)).isEqualTo(above);
                List<String> firstAbove = db.find("t", Query.range("/n", n + 1, null).orderBy("/n", true).limit(1))
                        .records().stream().map(Map.Entry::getKey).toList();
                List<String> expected = sorted.stream().filter(v -> v > n).limit(1)
                        .map(v -> key(written.indexOf(v))).toList();
                assertThat(firstAbove).as("first from " + (n + 1)).isEqualTo(expected);
            }
        }
    }

    @Test
    void integersOfABoundedSetThatGoAndComeBackAcrossMergesAndThenMostlyGoAreFoundExactly() {
        db.createIndex("t", "n", "/n");
        Random random = new Random(29);
        TreeMap<String, Object> model = new TreeMap<>();
        int keys = 1_200;
        // Values drawn from a bounded set: a value that lost its last key is written again soon, into
        // the place it kept in the base, while values the base lacks go through merges.
        for (int op = 0; op < 16_000; op++) {
            int i = random.nextInt(keys);
            long n = op < 8_000 ? random.nextInt(3_000) : 2_000 + random.nextInt(6_000);
            db.write("t", key(i), map("n", n));
            model.put(key(i), BigDecimal.valueOf(n));
            if (op % 4_000 == 3_999) {
                checkAgainst(model, random, "after " + (op + 1) + " writes");
            }
        }
        // Most keys go: the values gone outnumber those held, and the next merges drop them.
        for (int i = 0; i < keys; i++) {
            if (i % 10 != 0) {
                db.delete("t", key(i));
                model.remove(key(i));
            }
        }
        for (int op = 0; op < 3_000; op++) {
            int i = 10 * random.nextInt(keys / 10);
            long n = 10_000 + random.nextInt(3_000);
            db.write("t", key(i), map("n", n));
            model.put(key(i), BigDecimal.valueOf(n));
        }
        checkAgainst(model, random, "after most keys went");
        reopen();
        checkAgainst(model, random, "built at start");
    }
}
