package dev.pikodb.spring.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.pikodb.DatabaseOptions;
import dev.pikodb.DatabaseRecord;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.cache.Cache;
import org.springframework.cache.interceptor.SimpleKey;

@SuppressWarnings("unchecked")
class PikoDBCacheTests {

    record Order(String id, BigDecimal total, List<String> items) {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
    @JsonSubTypes({ @JsonSubTypes.Type(value = Circle.class, name = "circle"),
            @JsonSubTypes.Type(value = Square.class, name = "square") })
    sealed interface Shape permits Circle, Square {
    }

    record Circle(double radius) implements Shape {
    }

    record Square(double side) implements Shape {
    }

    record Cat(String name) {
    }

    record Dog(String name) {
    }

    @TempDir
    Path directory;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private PikoDB pikoDB;

    @BeforeEach
    void open() {
        pikoDB = openStore();
    }

    @AfterEach
    void close() {
        pikoDB.close();
    }

    private PikoDB openStore() {
        PikoDB store = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).clock(clock).build());
        store.start();
        return store;
    }

    private PikoDBCache cache(String name, Duration timeToLive) {
        return (PikoDBCache) PikoDBCacheManager.builder(pikoDB).timeToLive(name, timeToLive).build().getCache(name);
    }

    @Test
    void valuesRoundTripToTheirTypes() {
        PikoDBCache cache = cache("values", null);
        Order order = new Order("o1", new BigDecimal("12.5"), List.of("apple", "pear"));
        cache.put("string", "text");
        cache.put("int", 42);
        cache.put("long", 42L);
        cache.put("record", order);
        cache.put("list", List.of(order, new Order("o2", BigDecimal.ONE, List.of())));
        cache.put("map", Map.of("a", List.of(order)));
        cache.put("set", new LinkedHashSet<>(List.of(LocalDate.of(2026, 1, 2), LocalDate.of(2026, 1, 1))));
        cache.put("sorted", new TreeMap<>(Map.of(2, "two", 1, "one")));
        cache.put("array", new Order[] { order });
        cache.put("empty", List.of());
        cache.put("ints", new int[] { 1, 2 });
        cache.put("bytes", new byte[] { 1, 2, 3 });
        cache.put("enum", TimeUnit.SECONDS);
        cache.put("nested", List.of(List.of(order), List.of()));
        cache.put("instant", Instant.parse("2026-05-01T10:00:00Z"));
        cache.put("numbers", List.of(1, 2L, 3.5));

        assertThat(cache.get("string").get()).isEqualTo("text");
        assertThat(cache.get("int").get()).isEqualTo(42);
        assertThat(cache.get("long").get()).isEqualTo(42L);
        assertThat(cache.get("record", Order.class)).isEqualTo(order);
        assertThat((List<Object>) cache.get("list").get()).hasSize(2).allSatisfy((o) -> assertThat(o).isInstanceOf(Order.class));
        assertThat(cache.get("list", List.class).get(0)).isEqualTo(order);
        assertThat(cache.get("map", Map.class)).isEqualTo(Map.of("a", List.of(order)));
        assertThat((Set<Object>) cache.get("set").get()).containsExactly(LocalDate.of(2026, 1, 2), LocalDate.of(2026, 1, 1));
        assertThat(cache.get("sorted", TreeMap.class)).isEqualTo(Map.of(1, "one", 2, "two"));
        assertThat(cache.get("array", Order[].class)).containsExactly(order);
        assertThat(cache.get("empty", List.class)).isEmpty();
        assertThat(cache.get("ints", int[].class)).containsExactly(1, 2);
        assertThat(cache.get("bytes", byte[].class)).containsExactly(1, 2, 3);
        assertThat(cache.get("enum")).extracting(Cache.ValueWrapper::get).isEqualTo(TimeUnit.SECONDS);
        assertThat(cache.get("nested", List.class)).isEqualTo(List.of(List.of(order), List.of()));
        assertThat(cache.get("instant").get()).isEqualTo(Instant.parse("2026-05-01T10:00:00Z"));
        // Numbers of mixed classes are read as Number: each as Jackson reads it (a small long as an Integer).
        assertThat((List<Object>) cache.get("numbers").get()).containsExactly(1, 2, 3.5);
        assertThat(cache.get("missing")).isNull();
    }

    @Test
    void mixedElementsRoundTripThroughTheirTypeInfoSupertype() {
        PikoDBCache cache = cache("shapes", null);
        cache.put("shapes", List.of(new Circle(1), new Square(2)));
        assertThat(cache.get("shapes", List.class)).containsExactly(new Circle(1), new Square(2));
        assertThat(pikoDB.get("cache-shapes", "shapes", Map.class).get("t"))
            .isEqualTo("java.util.ArrayList<" + Shape.class.getName() + ">");
        cache.put("nested", Map.of("a", List.of(new Circle(1), new Square(2)), "b", List.of(new Square(3))));
        assertThat(cache.get("nested", Map.class)).isEqualTo(
                Map.of("a", List.of(new Circle(1), new Square(2)), "b", List.of(new Square(3))));

        // Unrelated classes cannot be rebuilt: the entry is a miss, never a wrong value.
        cache.put("pets", List.of(new Cat("Tom"), new Dog("Rex")));
        assertThat(cache.get("pets")).isNull();
    }

    @Test
    void valuesSurviveARestart() {
        PikoDBCache cache = cache("orders", null);
        Order order = new Order("o1", BigDecimal.TEN, List.of("apple"));
        cache.put(new SimpleKey("o1", 7), order);
        pikoDB.close();

        pikoDB = openStore();
        PikoDBCacheManager manager = PikoDBCacheManager.builder(pikoDB).disableCreateOnMissingCache().build();
        assertThat(manager.getCacheNames()).containsExactly("orders");
        assertThat(manager.getCache("orders").get(new SimpleKey("o1", 7), Order.class)).isEqualTo(order);
        assertThat(manager.getCache("unknown")).isNull();
    }

    @Test
    void nullValuesAreCachedWhenAllowed() {
        PikoDBCache cache = cache("nulls", null);
        cache.put("k", null);
        assertThat(cache.get("k")).isNotNull();
        assertThat(cache.get("k").get()).isNull();
        assertThat(pikoDB.getRecord("cache-nulls", "k")).isPresent();

        Cache strict = PikoDBCacheManager.builder(pikoDB).disableCachingNullValues().build().getCache("strict");
        assertThatIllegalArgumentException().isThrownBy(() -> strict.put("k", null));
        assertThat(pikoDB.getRecord("cache-strict", "k")).isEmpty();
    }

    @Test
    void entriesExpireAfterTheirTimeToLive() {
        PikoDBCache cache = cache("short", Duration.ofMinutes(5));
        cache.put("k", "v");
        assertThat(pikoDB.getRecord("cache-short", "k").orElseThrow().expiration())
            .isEqualTo(clock.millis() + Duration.ofMinutes(5).toMillis());
        clock.advance(Duration.ofMinutes(5));
        assertThat(cache.get("k").get()).isEqualTo("v");
        clock.advance(Duration.ofMillis(1));
        assertThat(cache.get("k")).isNull();
        assertThat(pikoDB.getTableSize("cache-short")).isZero();
    }

    @Test
    void putIfAbsentStoresOnlyWhenAbsentAndHonoursTheTimeToLive() {
        PikoDBCache cache = cache("once", Duration.ofMinutes(1));
        assertThat(cache.putIfAbsent("k", "first")).isNull();
        DatabaseRecord record = pikoDB.getRecord("cache-once", "k").orElseThrow();
        assertThat(record.version()).isEqualTo(1);
        assertThat(record.expiration()).isEqualTo(clock.millis() + Duration.ofMinutes(1).toMillis());
        assertThat(cache.putIfAbsent("k", "second").get()).isEqualTo("first");
        assertThat(cache.get("k").get()).isEqualTo("first");

        clock.advance(Duration.ofMinutes(2));
        assertThat(pikoDB.getTableSize("cache-once")).isZero();
        assertThat(cache.get("k")).isNull();
        assertThat(cache.putIfAbsent("k", "third")).isNull();
        assertThat(cache.get("k").get()).isEqualTo("third");
        assertThat(cache.putIfAbsent("k", "fourth").get()).isEqualTo("third");
    }

    @Test
    void evictClearAndInvalidate() {
        PikoDBCache cache = cache("gone", null);
        cache.put("a", 1);
        cache.put("b", 2);
        assertThat(cache.evictIfPresent("a")).isTrue();
        assertThat(cache.evictIfPresent("a")).isFalse();
        cache.evict("missing");
        assertThat(cache.get("a")).isNull();
        assertThat(cache.size()).isEqualTo(1);
        cache.clear();
        assertThat(cache.get("b")).isNull();
        assertThat(pikoDB.listTables()).doesNotContain("cache-gone");
        cache.put("c", 3);
        assertThat(cache.invalidate()).isTrue();
        assertThat(cache.invalidate()).isFalse();
        assertThat(cache.getStatistics().evictions()).isEqualTo(1);
    }

    @Test
    void getWithLoaderComputesOncePerKeyUnderConcurrency() throws Exception {
        PikoDBCache cache = cache("computed", null);
        int callers = 8;
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch loaderEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        ExecutorService executor = Executors.newFixedThreadPool(callers, (task) -> {
            Thread thread = new Thread(task, "caller-" + threads.size());
            threads.add(thread);
            return thread;
        });
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(executor.submit(() -> cache.get("key", () -> {
                    calls.incrementAndGet();
                    loaderEntered.countDown();
                    assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
                    return "computed";
                })));
            }
            assertThat(loaderEntered.await(10, TimeUnit.SECONDS)).isTrue();
            // Wait (bounded) until every other caller is parked on the key's lock, then let the loader finish.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (threads.stream().filter(PikoDBCacheTests::isWaiting).count() < callers
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            release.countDown();
            for (Future<String> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("computed");
            }
        }
        finally {
            release.countDown();
            executor.shutdownNow();
        }
        assertThat(calls).hasValue(1);
        assertThat(cache.get("key").get()).isEqualTo("computed");
        assertThat(cache.getStatistics().puts()).isEqualTo(1);
    }

    private static boolean isWaiting(Thread thread) {
        Thread.State state = thread.getState();
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
    }

    @Test
    void onTheDirectoryEngineAComputedEntryIsOneWriteWithoutALease() {
        PikoDBCache cache = cache("computed", null);
        long writes = pikoDB.statistics().writes();
        long deletes = pikoDB.statistics().deletes();
        assertThat(cache.get("k", () -> "v")).isEqualTo("v");
        assertThat(pikoDB.statistics().writes() - writes).isEqualTo(1);
        assertThat(pikoDB.statistics().deletes() - deletes).isZero();
        assertThat(pikoDB.get("cache-computed")).extracting(Map.Entry::getKey).containsExactly("k");
    }

    @Test
    void aFailingLoaderCachesNothing() {
        PikoDBCache cache = cache("failing", null);
        assertThatThrownBy(() -> cache.get("k", () -> {
            throw new IllegalStateException("boom");
        })).isInstanceOf(Cache.ValueRetrievalException.class).hasRootCauseMessage("boom");
        assertThat(cache.get("k")).isNull();
        assertThat(cache.get("k", () -> "later")).isEqualTo("later");
    }

    @Test
    void keysMapToStableStrings() {
        PikoDBCache cache = cache("keys", null);
        cache.put(42, "number");
        assertThat(cache.get("42").get()).isEqualTo("number");
        cache.put(new SimpleKey("a", 1), "simple");
        assertThat(pikoDB.get("cache-keys", "SimpleKey [a, 1]")).isNotNull();
        cache.put("", "empty");
        cache.put("#tag", "hash");
        cache.put("x".repeat(2000), "long");
        assertThat(cache.get("").get()).isEqualTo("empty");
        assertThat(cache.get("#tag").get()).isEqualTo("hash");
        assertThat(cache.get("x".repeat(2000)).get()).isEqualTo("long");
        assertThat(pikoDB.get("cache-keys")).extracting(Map.Entry::getKey)
            .filteredOn((key) -> key.startsWith("#")).hasSize(3).allMatch((key) -> key.startsWith("#sha256:"));
        assertThatIllegalArgumentException().isThrownBy(() -> cache.put(new Object(), "v"))
            .withMessageContaining("'keys'").withMessageContaining("java.lang.Object").withMessageContaining("toString()");
    }

    @Test
    void entriesWithTheirOwnExpiryFromEarlierVersionsStayReadable() {
        PikoDBCache cache = cache("legacy", Duration.ofMinutes(1));
        pikoDB.write("cache-legacy", "k", Map.of("t", "java.lang.String", "v", "old", "x", clock.millis() + 1_000));
        assertThat(cache.get("k").get()).isEqualTo("old");
        assertThat(cache.putIfAbsent("k", "new").get()).isEqualTo("old");
        clock.advance(Duration.ofMillis(1_001));
        assertThat(cache.get("k")).isNull();
        assertThat(cache.putIfAbsent("k", "new")).isNull();
        DatabaseRecord record = pikoDB.getRecord("cache-legacy", "k").orElseThrow();
        assertThat(record.version()).isEqualTo(2);
        assertThat(record.expiration()).isEqualTo(clock.millis() + Duration.ofMinutes(1).toMillis());
        assertThat(cache.get("k").get()).isEqualTo("new");
    }

    @Test
    void anUnreadableEntryIsAMissAndIsReplacedByThePut() {
        PikoDBCache cache = cache("stale", null);
        pikoDB.write("cache-stale", "k", Map.of("t", "com.example.RemovedClass", "v", Map.of("a", 1)));
        assertThat(cache.get("k")).isNull();
        assertThat(cache.putIfAbsent("k", "fresh")).isNull();
        assertThat(cache.get("k").get()).isEqualTo("fresh");
    }

    @Test
    void anyNameIsACacheWithATableOfItsOwn() {
        PikoDBCacheManager manager = PikoDBCacheManager.builder(pikoDB).build();
        List<String> names = List.of("users::byId", "a:b", "a/b", "a\\b", "a..b", "x.tmp", "x.tmp.y", "spaced name",
                "é", "日本語", "CON", "a.", "%41", "A", "~", "x".repeat(300), "x".repeat(300) + "y");
        for (String name : names) {
            manager.getCache(name).put("k", name);
        }
        for (String name : names) {
            assertThat(manager.getCache(name).get("k").get()).as(name).isEqualTo(name);
        }
        assertThat(pikoDB.listTables()).filteredOn((table) -> table.startsWith("cache-")).hasSize(names.size());
        assertThat(PikoDBCacheManager.builder(pikoDB).build().getCacheNames())
            .as("listed by a new manager: every name short enough to be kept whole in its table")
            .containsExactlyInAnyOrderElementsOf(names.subList(0, names.size() - 2));
        assertThatIllegalArgumentException().isThrownBy(() -> manager.getCache(""))
            .withMessageContaining("must not be empty");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> PikoDBCacheManager.builder(pikoDB).defaultTimeToLive(Duration.ZERO))
            .withMessageContaining("must be positive");
    }

    @Test
    void cacheTablesAreReadableForSimpleNamesAndPercentEncodedOtherwise() {
        assertThat(PikoDBCacheManager.tableName("books")).isEqualTo("cache-books");
        assertThat(PikoDBCacheManager.tableName("users.by-id_2")).isEqualTo("cache-users.by-id_2");
        assertThat(PikoDBCacheManager.tableName("users::byId")).isEqualTo("cache-users%3A%3AbyId");
        assertThat(PikoDBCacheManager.tableName("my cache")).isEqualTo("cache-my%20cache");
        assertThat(PikoDBCacheManager.tableName("café")).isEqualTo("cache-caf%C3%A9");
        assertThat(PikoDBCacheManager.tableName("%41")).isEqualTo("cache-%2541");
        assertThat(PikoDBCacheManager.tableName("a..b")).isEqualTo("cache-a%2E.b");
        assertThat(PikoDBCacheManager.tableName("x.tmp")).isEqualTo("cache-x%2Etmp");
        assertThat(PikoDBCacheManager.tableName("x.tmp.y")).isEqualTo("cache-x%2Etmp.y");
        assertThat(PikoDBCacheManager.tableName("x.tmpl")).isEqualTo("cache-x.tmpl");
        assertThat(PikoDBCacheManager.tableName("a.")).isEqualTo("cache-a%2E");
        String longName = PikoDBCacheManager.tableName("é".repeat(200));
        assertThat(longName.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(255);
        assertThat(longName).startsWith("cache-%C3%A9").contains("~").doesNotContain("%C~").doesNotContain("%~");
        assertThat(PikoDBCacheManager.tableName("é".repeat(200) + "x")).isNotEqualTo(longName);
        assertThatIllegalArgumentException().isThrownBy(() -> PikoDBCacheManager.tableName("bad\uD800name"))
            .withMessageContaining("unpaired surrogate");
    }

    @Test
    void tableNamesNeverCollideAndAlwaysPassTheTableRules() {
        java.util.Random random = new java.util.Random(20261207);
        String alphabet = "ab.:%~ tmpT-_/\\\u00e9\u65e5\ud83d\ude00";
        java.util.Map<String, String> byTable = new java.util.HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            StringBuilder name = new StringBuilder();
            int length = 1 + random.nextInt(12);
            for (int j = 0; j < length; j++) {
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                if (Character.isHighSurrogate(c)) {
                    name.append(c).append('\ude00');
                }
                else if (!Character.isLowSurrogate(c)) {
                    name.append(c);
                }
            }
            if (name.isEmpty()) {
                continue;
            }
            String table = PikoDBCacheManager.tableName(name.toString());
            assertThat(dev.pikodb.internal.Validation.tableNameProblem(table)).as(table).isNull();
            String earlier = byTable.putIfAbsent(table, name.toString());
            assertThat(earlier == null || earlier.contentEquals(name)).as("'%s' and '%s' share %s", earlier, name, table)
                .isTrue();
        }
    }

    @Test
    void retrievesAsynchronously() throws Exception {
        PikoDBCache cache = cache("async", null);
        assertThat(cache.retrieve("k")).isNull();
        assertThat(cache.retrieve("k", () -> java.util.concurrent.CompletableFuture.completedFuture("loaded"))
            .get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
        assertThat(((Cache.ValueWrapper) cache.retrieve("k").get(10, TimeUnit.SECONDS)).get()).isEqualTo("loaded");
        assertThat(cache.retrieve("k", () -> {
            throw new AssertionError("not called on a hit");
        }).get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
    }

    @Test
    void countsHitsMissesAndPuts() {
        PikoDBCache cache = cache("counted", null);
        cache.get("k");
        cache.put("k", "v");
        cache.get("k");
        cache.get("k", () -> "unused");
        assertThat(cache.getStatistics()).isEqualTo(new PikoDBCacheStatistics(2, 1, 1, 0, 0));
    }
}
