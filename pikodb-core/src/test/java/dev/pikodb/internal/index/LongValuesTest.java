package dev.pikodb.internal.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link LongValues} against a {@link TreeMap} of the same values under random changes that start
 * many merges and change values while each is built (values placed already, values ahead of it,
 * values added past the room of the next base, values dropped as gone), and readers walking it
 * while one writer changes it.
 */
class LongValuesTest {

    /** The keys and held objects of a value, as the model holds them. */
    private static Map<String, Object> entries(Object group) {
        Map<String, Object> entries = new HashMap<>();
        if (group != null) {
            KeyGroup.forEachUnordered(group, (key, slot) -> {
                entries.put(key, slot);
                return true;
            });
        }
        return entries;
    }

    @Test
    void matchesATreeMapUnderRandomChangesThroughManyMerges() {
        for (long seed = 1; seed <= 2; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            long[] initial = new long[3000];
            Object[] initialGroups = new Object[initial.length];
            TreeMap<Long, Map<String, Object>> model = new TreeMap<>();
            for (int i = 0; i < initial.length; i++) {
                initial[i] = 10L * i;
                Object held = new Object();
                initialGroups[i] = KeyGroup.with(null, "k" + i, held);
                model.put(initial[i], new HashMap<>(Map.of("k" + i, held)));
            }
            LongValues values = new LongValues(initial, initialGroups);
            long fresh = 40_000;
            for (int op = 0; op < 60_000; op++) {
                int phase = op / 15_000;
                long value;
                if (phase == 0 && random.nextInt(3) == 0) {
                    // New values past all others: they go to the overlay, ahead of a merge's turn.
                    value = fresh++;
                } else if (phase == 2 && random.nextBoolean()) {
                    value = random.nextLong(40_000, fresh);
                } else if (phase == 3) {
                    value = random.nextLong(-5_000, 45_000);
                } else {
                    value = 10L * random.nextInt(3000) + (random.nextInt(4) == 0 ? random.nextInt(10) : 0);
                }
                Map<String, Object> expected = model.computeIfAbsent(value, v -> new HashMap<>());
                // Phase 2 takes values away, until merges drop the gone values.
                int kind = phase == 2 ? (random.nextInt(8) == 0 ? 0 : 1) : random.nextInt(4);
                String key = "k" + random.nextInt(40);
                if (kind == 0) {
                    Object held = new Object();
                    values.with(value, key, held);
                    expected.put(key, held);
                } else if (kind == 1) {
                    Object held = new Object();
                    Object group = phase != 2 && random.nextBoolean() ? KeyGroup.with(null, key, held) : null;
                    values.set(value, group);
                    expected.clear();
                    if (group != null) {
                        expected.put(key, held);
                    }
                } else {
                    // Removes an entry of the value (or, as a record of another value would, one it lacks).
                    List<String> keys = new ArrayList<>(expected.keySet());
                    String gone = keys.isEmpty() || random.nextInt(5) == 0 ? key : keys.get(random.nextInt(keys.size()));
                    Object held = expected.getOrDefault(gone, new Object());
                    values.without(value, gone, held, false);
                    expected.remove(gone);
                }
                if (expected.isEmpty()) {
                    model.remove(value);
                }
                assertThat(entries(values.get(value))).as("seed %d, op %d, value %d", seed, op, value)
                        .isEqualTo(model.getOrDefault(value, Map.of()));
                if (op % 2_003 == 0) {
                    assertWalks(values, model, random);
                }
            }
            assertWalks(values, model, random);
        }
    }

    private static void assertWalks(LongValues values, TreeMap<Long, Map<String, Object>> model, SplittableRandom random) {
        long bound = random.nextLong(-1_000, 46_000);
        boolean inclusive = random.nextBoolean();
        assertThat(walk(values, null, true, true)).isEqualTo(flatten(model));
        assertThat(walk(values, null, true, false)).isEqualTo(flatten(model.descendingMap()));
        assertThat(walk(values, bound, inclusive, true)).as("from %d", bound).isEqualTo(flatten(model.tailMap(bound, inclusive)));
        assertThat(walk(values, bound, inclusive, false)).as("down from %d", bound)
                .isEqualTo(flatten(model.headMap(bound, inclusive).descendingMap()));
        assertThat(walk(values, new BigDecimal(bound + ".5"), true, true))
                .isEqualTo(flatten(model.tailMap(bound + 1, true)));
        for (int i = 0; i < 20; i++) {
            long probe = random.nextLong(-1_000, 46_000);
            assertThat(entries(values.get(probe))).isEqualTo(model.getOrDefault(probe, Map.of()));
        }
    }

    private static List<Map.Entry<Long, Map<String, Object>>> walk(LongValues values, Object from, boolean inclusive,
            boolean ascending) {
        List<Map.Entry<Long, Map<String, Object>>> walked = new ArrayList<>();
        values.forEach(from, inclusive, ascending, (value, group) -> walked.add(Map.entry(value, entries(group))));
        return walked;
    }

    private static List<Map.Entry<Long, Map<String, Object>>> flatten(NavigableMap<Long, Map<String, Object>> model) {
        List<Map.Entry<Long, Map<String, Object>>> flat = new ArrayList<>();
        model.forEach((value, entries) -> flat.add(Map.entry(value, new HashMap<>(entries))));
        return flat;
    }

    @Test
    void aReaderMeetsEveryValueNotWrittenDuringItsWalkWhileMergesArePublished() throws Exception {
        LongValues values = new LongValues();
        // Stable values (multiples of 4) are written once, among changing ones, before the readers start;
        // each value's group names the value, so a reader can tell a group from another value's.
        Map<Long, Object> stable = new HashMap<>();
        SplittableRandom setup = new SplittableRandom(5);
        for (long value = 0; value < 8_000; value++) {
            if (value % 4 == 0) {
                Object group = KeyGroup.with(null, "v" + value, new Object());
                values.set(value, group);
                stable.put(value, group);
            } else if (setup.nextBoolean()) {
                values.set(value, KeyGroup.with(null, "v" + value, new Object()));
            }
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(2);
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            boolean ascending = r == 0;
            Thread reader = new Thread(() -> {
                started.countDown();
                SplittableRandom random = new SplittableRandom(ascending ? 11 : 12);
                try {
                    do {
                        long from = random.nextLong(0, 8_000);
                        List<Long> met = new ArrayList<>();
                        values.forEach(from, true, ascending, (value, group) -> {
                            Object[] pairs = (Object[]) group;
                            assertThat(pairs[0]).as("the group of %d", value).isEqualTo("v" + value);
                            Object expected = stable.get(value);
                            if (expected != null) {
                                assertThat(group).as("the group of stable value %d", value).isSameAs(expected);
                            }
                            met.add(value);
                            return true;
                        });
                        for (int i = 1; i < met.size(); i++) {
                            assertThat(ascending ? met.get(i) > met.get(i - 1) : met.get(i) < met.get(i - 1))
                                    .as("order of %d after %d", met.get(i), met.get(i - 1)).isTrue();
                        }
                        Set<Long> metOnce = new HashSet<>(met);
                        long first = ascending ? (from + 3) / 4 * 4 : from / 4 * 4;
                        for (long value = first; value >= 0 && value < 8_000; value += ascending ? 4 : -4) {
                            assertThat(metOnce.contains(value)).as("walk from %d meets stable value %d", from, value).isTrue();
                        }
                        long probe = 4L * random.nextInt(2_000);
                        assertThat(values.get(probe)).isSameAs(stable.get(probe));
                    } while (!done.get());
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            readers.add(reader);
            reader.start();
        }
        started.await(10, TimeUnit.SECONDS);
        SplittableRandom random = new SplittableRandom(7);
        for (int op = 0; op < 400_000 && failure.get() == null; op++) {
            long value = 4L * random.nextInt(2_000) + 1 + random.nextInt(3);
            values.set(value, random.nextInt(3) == 0 ? null : KeyGroup.with(null, "v" + value, new Object()));
        }
        done.set(true);
        for (Thread reader : readers) {
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(failure.get()).isNull();
        for (Map.Entry<Long, Object> entry : stable.entrySet()) {
            assertThat(values.get(entry.getKey())).isSameAs(entry.getValue());
        }
    }
}
