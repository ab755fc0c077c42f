package dev.pikodb.spring.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import dev.pikodb.redis.RedisStorage;
import dev.pikodb.redis.testing.RedisServers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Two application instances, each with its own {@link PikoDB} and cache manager, sharing one real
 * Redis server and key prefix: {@code get(key, loader)} computes once among both.
 */
@Timeout(120)
class PikoDBCacheTwoInstancesTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final Duration LEASE = Duration.ofSeconds(5);

    private static final String CACHE = "users::byId";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T00:00:00Z"));

    private final ExecutorService callers = Executors.newCachedThreadPool();

    private PikoDB first;

    private PikoDB second;

    private PikoDBCache onFirst;

    private PikoDBCache onSecond;

    @BeforeEach
    void openTwoInstances(TestInfo test) {
        String prefix = RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        this.first = open(prefix);
        this.second = open(prefix);
        this.onFirst = (PikoDBCache) PikoDBCacheManager.builder(this.first).loadLease(LEASE).build().getCache(CACHE);
        this.onSecond = (PikoDBCache) PikoDBCacheManager.builder(this.second).loadLease(LEASE).build().getCache(CACHE);
    }

    private PikoDB open(String prefix) {
        // generous timeouts: the tests share a small machine with other builds
        RedisStorage storage = RedisStorage.builder().uri(RedisServers.shared().uri()).keyPrefix(prefix)
            .connectTimeout(Duration.ofSeconds(30)).commandTimeout(Duration.ofSeconds(30)).build();
        PikoDB pikoDB = new PikoDB(DatabaseOptions.builder().storage(storage).clock(this.clock).build());
        pikoDB.start();
        return pikoDB;
    }

    @AfterEach
    void close() {
        this.callers.shutdownNow();
        this.first.close();
        this.second.close();
    }

    @Test
    void theLoaderRunsOnceAndBothInstancesGetItsValue() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> fromFirst = call(this.onFirst, "42", () -> {
            calls.incrementAndGet();
            loading.countDown();
            release.await();
            return "computed on the first instance";
        });
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        Future<String> fromSecond = call(this.onSecond, "42", () -> {
            calls.incrementAndGet();
            return "computed on the second instance";
        });
        await().atMost(TIMEOUT).until(() -> this.onSecond.getStatistics().loadWaits() == 1);
        assertThat(calls).as("the second instance waits instead of computing").hasValue(1);

        release.countDown();
        assertThat(fromFirst.get(30, TimeUnit.SECONDS)).isEqualTo("computed on the first instance");
        assertThat(fromSecond.get(30, TimeUnit.SECONDS)).isEqualTo("computed on the first instance");
        assertThat(calls).hasValue(1);
        assertThat(this.onSecond.get("42").get()).isEqualTo("computed on the first instance");
        assertThat(this.second.getTableSize(PikoDBCacheManager.tableName(CACHE)))
            .as("the entry, and no lease left behind").isEqualTo(1);
    }

    @Test
    void manyCallersOnBothInstancesComputeOnce() throws Exception {
        for (int round = 0; round < 5; round++) {
            String key = "key-" + round;
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                PikoDBCache cache = (i % 2 == 0) ? this.onFirst : this.onSecond;
                String caller = (i % 2 == 0) ? "first" : "second";
                results.add(this.callers.submit(() -> {
                    start.await();
                    return cache.get(key, () -> caller + " #" + calls.incrementAndGet());
                }));
            }
            start.countDown();
            List<String> values = new ArrayList<>();
            for (Future<String> result : results) {
                values.add(result.get(30, TimeUnit.SECONDS));
            }
            assertThat(calls).as("round %d", round).hasValue(1);
            assertThat(values).as("round %d", round).containsOnly(values.get(0));
        }
    }

    @Test
    void whenTheLeaseHolderDiesAnotherInstanceComputesOnceTheLeaseExpires() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch hung = new CountDownLatch(1);
        Future<String> fromFirst = call(this.onFirst, "7", () -> {
            loading.countDown();
            hung.await();
            return "late value of the first instance";
        });
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicInteger secondCalls = new AtomicInteger();
        Future<String> fromSecond = call(this.onSecond, "7", () -> {
            secondCalls.incrementAndGet();
            return "computed on the second instance";
        });
        await().atMost(TIMEOUT).until(() -> this.onSecond.getStatistics().loadWaits() == 1);
        assertThat(secondCalls).as("the lease is still valid").hasValue(0);

        this.clock.advance(LEASE.plusMillis(1));
        assertThat(fromSecond.get(30, TimeUnit.SECONDS)).isEqualTo("computed on the second instance");
        assertThat(secondCalls).hasValue(1);

        hung.countDown();
        assertThat(fromFirst.get(30, TimeUnit.SECONDS)).as("the value stored first wins on every instance")
            .isEqualTo("computed on the second instance");
        assertThat(this.onFirst.get("7").get()).isEqualTo("computed on the second instance");
    }

    @Test
    void whenTheLoaderFailsTheWaitingInstanceComputesWithoutWaitingForTheLease() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch fail = new CountDownLatch(1);
        Future<String> fromFirst = call(this.onFirst, "9", () -> {
            loading.countDown();
            fail.await();
            throw new IllegalStateException("the backend is down");
        });
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        Future<String> fromSecond = call(this.onSecond, "9", () -> "computed on the second instance");
        await().atMost(TIMEOUT).until(() -> this.onSecond.getStatistics().loadWaits() == 1);

        fail.countDown();
        assertThat(fromSecond.get(30, TimeUnit.SECONDS)).as("the lease was released, the clock never moved")
            .isEqualTo("computed on the second instance");
        assertThat(fromFirst).failsWithin(Duration.ofSeconds(30))
            .withThrowableThat()
            .havingRootCause()
            .withMessage("the backend is down");
    }

    private Future<String> call(PikoDBCache cache, String key, Callable<String> loader) {
        return this.callers.submit(() -> cache.get(key, loader));
    }
}
