package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDB;
import dev.pikodb.redis.testing.RedisServers;
import dev.pikodb.spi.EngineContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Two PikoDB instances sharing one Redis server and key prefix, as two application instances would. */
class TwoInstancesTest {

    private final Databases databases = new Databases();
    private PikoDB first;
    private PikoDB second;

    @BeforeEach
    void openBoth(TestInfo test) {
        String prefix = RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        first = databases.standalone(prefix, null);
        second = databases.standalone(prefix, null);
    }

    @AfterEach
    void closeBoth() {
        databases.close();
    }

    @Test
    void versionsAreSharedAndGrowAcrossInstances() {
        assertThat(first.write("t", "k", "a")).isEqualTo(1);
        assertThat(second.write("t", "k", "b")).isEqualTo(2);
        assertThat(first.write("t", "k", "c")).isEqualTo(3);

        assertThat(second.getRecord("t", "k")).get().extracting(DatabaseRecord::version).isEqualTo(3L);
        assertThat(second.get("t", "k")).isEqualTo("c");
        assertThat(second.delete("t", "k")).isTrue();
        assertThat(first.write("t", "k", "d")).isEqualTo(1);
    }

    @Test
    void compareAndWriteContentionAcrossInstancesLosesNoUpdate() throws Exception {
        int threadsPerInstance = 3;
        int incrementsPerThread = 40;
        first.write("counters", "c", 0);
        ExecutorService pool = Executors.newFixedThreadPool(threadsPerInstance * 2);
        try {
            List<Future<Integer>> conflicts = new ArrayList<>();
            for (PikoDB db : List.of(first, second)) {
                for (int t = 0; t < threadsPerInstance; t++) {
                    conflicts.add(pool.submit(() -> increment(db, incrementsPerThread)));
                }
            }
            int lost = 0;
            for (Future<Integer> future : conflicts) {
                lost += future.get(60, TimeUnit.SECONDS);
            }
            int total = threadsPerInstance * 2 * incrementsPerThread;
            DatabaseRecord counter = first.getRecord("counters", "c").orElseThrow();
            assertThat(counter.value()).isEqualTo(total);
            assertThat(counter.version()).isEqualTo(total + 1L);
            assertThat(lost).as("some compare-and-writes must have lost a race, or the test shows nothing")
                    .isPositive();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Increments the counter {@code times} times with compare-and-write; returns the races lost. */
    private static int increment(PikoDB db, int times) {
        int conflicts = 0;
        for (int i = 0; i < times; i++) {
            while (true) {
                DatabaseRecord current = db.getRecord("counters", "c").orElseThrow();
                if (db.compareAndWrite("counters", "c", current.version(), (Integer) current.value() + 1)) {
                    break;
                }
                conflicts++;
            }
        }
        return conflicts;
    }

    @Test
    void aDictionaryKeptByOneInstanceIsReadByTheOther() {
        first.addDictionary("sensors", Dictionary.deflate(Map.of("sensor", "s", "temperature", "t")));
        first.write("readings", "r1", Map.of("sensor", "DHT22", "temperature", 21), null, "sensors");

        assertThat(second.get("readings", "r1")).isEqualTo(Map.of("sensor", "DHT22", "temperature", 21));
        assertThat(second.getRecord("readings", "r1").orElseThrow().dictionaryName()).isEqualTo("sensors");
    }

    @Test
    void aDictionaryKeptByAnInstanceStartedLaterIsListedAndWritableOnTheOther() {
        second.addDictionary("sensors", Dictionary.deflate(Map.of("sensor", "s")));
        second.write("readings", "r1", Map.of("sensor", "DHT22"), null, "sensors");

        assertThat(first.listDictionaries()).contains("sensors");
        assertThat(first.write("readings", "r2", Map.of("sensor", "BME280"), null, "sensors")).isEqualTo(1);
        assertThat(second.get("readings", "r2")).isEqualTo(Map.of("sensor", "BME280"));

        assertThat(first.removeDictionary("sensors")).isTrue();
        assertThat(first.listDictionaries()).doesNotContain("sensors");
        assertThatThrownBy(() -> first.write("readings", "r3", Map.of("sensor", "x"), null, "sensors"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'sensors'");
    }

    @Test
    void theScheduledCleanupIsClaimedByOneInstancePerInterval() {
        java.time.Duration interval = java.time.Duration.ofMinutes(1);
        assertThat(first.options().storage().claimScheduledCleanup(interval)).isTrue();
        assertThat(second.options().storage().claimScheduledCleanup(interval)).isFalse();
        assertThat(first.options().storage().claimScheduledCleanup(interval)).as("renewed by its holder").isTrue();
        assertThat(second.options().storage().claimScheduledCleanup(interval)).isFalse();
    }

    @Test
    void aDifferentMappingUnderAKeptNameIsRefusedOnTheOtherInstance() {
        first.addDictionary("d", Dictionary.deflate(Map.of("long", "l")));
        second.addDictionary("d", Dictionary.deflate(Map.of("long", "x")));
        first.write("t", "k", Map.of("long", 1), null, "d");

        assertThatThrownBy(() -> second.write("t", "k2", Map.of("long", 2), null, "d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'d'");
        assertThat(second.get("t", "k2")).isNull();
        assertThat(second.get("t", "k")).isEqualTo(Map.of("long", 1));
    }

    @Test
    void instancesKeepingOneNameAtOnceWithDifferentMappingsBindExactlyOne(TestInfo test) throws Exception {
        String prefix = RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        RedisStorage one = RedisStorage.builder().uri(RedisServers.shared().uri()).keyPrefix(prefix).build();
        RedisStorage two = RedisStorage.builder().uri(RedisServers.shared().uri()).keyPrefix(prefix).build();
        EngineContext context = new EngineContext(Clock.systemUTC(), false, false);
        one.open(context);
        two.open(context);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String name = "d" + round;
                Dictionary first = Dictionary.deflate(Map.of("long", "a"));
                Dictionary second = Dictionary.deflate(Map.of("long", "b"));
                CountDownLatch go = new CountDownLatch(1);
                Future<Boolean> keptByOne = pool.submit(() -> keep(one, name, first, go));
                Future<Boolean> keptByTwo = pool.submit(() -> keep(two, name, second, go));
                go.countDown();

                boolean oneWon = keptByOne.get(10, TimeUnit.SECONDS);
                assertThat(keptByTwo.get(10, TimeUnit.SECONDS)).as(name).isNotEqualTo(oneWon);
                assertThat(two.storedDictionaries().get(name)).isEqualTo(oneWon ? first : second);
            }
        } finally {
            pool.shutdownNow();
            one.close();
            two.close();
        }
    }

    private static boolean keep(RedisStorage engine, String name, Dictionary dictionary, CountDownLatch go)
            throws InterruptedException {
        go.await();
        try {
            engine.keepDictionary(name, dictionary);
            return true;
        } catch (IllegalArgumentException refused) {
            return false;
        }
    }

    @Test
    void deleteTableIsSeenByBothAndEitherCanRecreateTheTable() {
        first.write("t", "a", 1);
        second.write("t", "b", 2);
        assertThat(second.listTables()).containsExactly("t");

        assertThat(first.deleteTable("t")).isTrue();

        assertThat(second.get("t", "b")).isNull();
        assertThat(second.listTables()).isEmpty();
        assertThat(second.deleteTable("t")).isFalse();
        assertThat(second.write("t", "b", 3)).isEqualTo(1);
        assertThat(first.listTables()).as("recreated by the instance that had registered it before")
                .containsExactly("t");
        assertThat(first.get("t", "b")).isEqualTo(3);
    }
}
