package dev.pikodb.autoconfigure.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import dev.pikodb.autoconfigure.PikoDBConfigurationException;
import dev.pikodb.autoconfigure.PikoDBOptionsCustomizer;
import dev.pikodb.spring.cache.PikoDBCache;
import dev.pikodb.spring.cache.PikoDBCacheManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.actuate.endpoint.CachesEndpoint;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CachesEndpointAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.metrics.CacheMetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class PikoDBCacheAutoConfigurationTests {

    private static final Logger logger = LoggerFactory.getLogger(PikoDBCacheAutoConfigurationTests.class);

    @TempDir
    Path directory;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class, PikoDBCacheAutoConfiguration.class,
                PikoDBCacheMetricsAutoConfiguration.class, CacheAutoConfiguration.class));

    private ApplicationContextRunner enabled() {
        return runner.withPropertyValues("pikodb.database-directory=" + directory, "pikodb.cache.enabled=true");
    }

    /** An expensive computation, counted. */
    static class SummaryService {

        final AtomicInteger calls;

        SummaryService(AtomicInteger calls) {
            this.calls = calls;
        }

        @Cacheable("summaries")
        public List<String> summary(String owner) {
            calls.incrementAndGet();
            return List.of(owner + ": 3 notes", "computed #" + calls.get());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class CachingConfiguration {

        @Bean
        SummaryService summaryService(AtomicInteger calls) {
            return new SummaryService(calls);
        }

        @Bean
        PikoDBOptionsCustomizer testClock(MutableClock clock) {
            return (options) -> options.clock(clock);
        }
    }

    @Test
    void isOffByDefault() {
        runner.withPropertyValues("pikodb.database-directory=" + directory)
            .run((context) -> assertThat(context).hasSingleBean(PikoDB.class)
                .doesNotHaveBean(PikoDBCacheManager.class)
                .doesNotHaveBean(PikoDBCacheProperties.class));
    }

    @Test
    void createsACacheManagerWhenEnabled() {
        enabled().withPropertyValues("pikodb.cache.time-to-live=10m", "pikodb.cache.caches.prices.time-to-live=30s",
                "pikodb.cache.cache-null-values=false", "pikodb.cache.caches[books.v2].time-to-live=5m")
            .run((context) -> {
                assertThat(context).hasSingleBean(CacheManager.class).hasSingleBean(PikoDBCacheManager.class);
                PikoDBCacheManager manager = context.getBean(PikoDBCacheManager.class);
                assertThat(manager.getCacheNames()).containsExactly("books.v2", "prices");
                assertThat(manager.getTimeToLive("books.v2")).isEqualTo(Duration.ofMinutes(5));
                assertThat(manager.getTimeToLive("prices")).isEqualTo(Duration.ofSeconds(30));
                assertThat(manager.getTimeToLive("books")).isEqualTo(Duration.ofMinutes(10));
                assertThat(((PikoDBCache) manager.getCache("books")).isAllowNullValues()).isFalse();
                manager.getCache("books").put("isbn-1", "Dune");
                assertThat(manager.getCacheNames()).containsExactly("books", "books.v2", "prices");
                assertThat(context.getBean(PikoDB.class).get("cache-books", "isbn-1")).isNotNull();
            });
    }

    @Test
    void backsOffWhenTheApplicationDefinesACacheManager() {
        enabled().withBean(CacheManager.class, ConcurrentMapCacheManager::new)
            .run((context) -> assertThat(context).hasSingleBean(CacheManager.class)
                .doesNotHaveBean(PikoDBCacheManager.class));
    }

    @Test
    void backsOffWithoutAPikoDBBean() {
        enabled().withPropertyValues("pikodb.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(PikoDBCacheManager.class));
    }

    @Test
    void backsOffWhenPikoDBSpringIsMissing() {
        enabled().withClassLoader(new FilteredClassLoader("dev.pikodb.spring."))
            .run((context) -> assertThat(context).hasSingleBean(PikoDB.class)
                .doesNotHaveBean(PikoDBCacheManager.class)
                .doesNotHaveBean(PikoDBCacheMeterBinderProvider.class));
    }

    @Test
    void theMeterBinderProviderNeedsMicrometer() {
        enabled().withClassLoader(new FilteredClassLoader(MeterRegistry.class.getPackageName() + "."))
            .run((context) -> assertThat(context).hasSingleBean(PikoDBCacheManager.class)
                .doesNotHaveBean(PikoDBCacheMeterBinderProvider.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnCacheManagerConfiguration {

        @Bean
        PikoDBCacheManager cacheManager(PikoDB pikoDB) {
            return PikoDBCacheManager.builder(pikoDB).initialCacheNames(List.of("own")).build();
        }
    }

    @Test
    void anApplicationPikoDBCacheManagerGetsMetersToo() {
        runner.withPropertyValues("pikodb.database-directory=" + directory)
            .withUserConfiguration(OwnCacheManagerConfiguration.class)
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withConfiguration(AutoConfigurations.of(CacheMetricsAutoConfiguration.class))
            .run((context) -> {
                assertThat(context).doesNotHaveBean(PikoDBCacheProperties.class);
                context.getBean(CacheManager.class).getCache("own").get("k");
                assertThat(context.getBean(MeterRegistry.class).get("cache.gets").tags("cache", "own", "result", "miss")
                    .functionCounter().count()).isEqualTo(1);
            });
    }

    @Test
    void anyCacheNameCanBeConfiguredAndTheLoadLeaseReachesTheManager() {
        // as a YAML key would give it; withPropertyValues would split "a::b=1m" at its first colon
        enabled().withPropertyValues("pikodb.cache.load-lease=3s")
            .withInitializer((context) -> context.getEnvironment().getPropertySources().addFirst(
                    new org.springframework.core.env.MapPropertySource("yaml-like",
                            java.util.Map.of("pikodb.cache.caches[users::byId].time-to-live", "1m"))))
            .run((context) -> {
                PikoDBCacheManager manager = context.getBean(PikoDBCacheManager.class);
                assertThat(manager.getCacheNames()).contains("users::byId");
                assertThat(manager.getTimeToLive("users::byId")).isEqualTo(Duration.ofMinutes(1));
                assertThat(manager.getLoadLease()).isEqualTo(Duration.ofSeconds(3));
                manager.getCache("users::byId").put("k", "v");
                assertThat(context.getBean(PikoDB.class).listTables()).contains("cache-users%3A%3AbyId");
            });
        enabled().run((context) -> assertThat(context.getBean(PikoDBCacheManager.class).getLoadLease())
            .isEqualTo(PikoDBCacheManager.DEFAULT_LOAD_LEASE));
    }

    @Test
    void anInvalidLoadLeaseNamesTheProperty() {
        enabled().withPropertyValues("pikodb.cache.load-lease=0s").run((context) -> {
            assertThat(context).hasFailed();
            PikoDBConfigurationException failure = findCause(context.getStartupFailure(),
                    PikoDBConfigurationException.class);
            assertThat(failure.getProperty()).isEqualTo("pikodb.cache.load-lease");
            assertThat(failure.getAction()).contains("positive duration");
        });
    }

    private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        throw new AssertionError("No " + type.getName() + " in " + failure);
    }

    @Test
    void cachedResultsSurviveARestartAndExpireAfterTheTimeToLive() {
        AtomicInteger calls = new AtomicInteger();
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        ApplicationContextRunner application = enabled().withPropertyValues("pikodb.cache.time-to-live=10m")
            .withBean(AtomicInteger.class, () -> calls)
            .withBean(MutableClock.class, () -> clock)
            .withUserConfiguration(CachingConfiguration.class);

        application.run((context) -> {
            SummaryService service = context.getBean(SummaryService.class);
            assertThat(service.summary("alice")).containsExactly("alice: 3 notes", "computed #1");
            assertThat(service.summary("alice")).containsExactly("alice: 3 notes", "computed #1");
            assertThat(calls).hasValue(1);
            logger.info("First context: summary(alice) twice, method called {} time(s)", calls.get());
        });

        application.run((context) -> {
            SummaryService service = context.getBean(SummaryService.class);
            assertThat(service.summary("alice")).containsExactly("alice: 3 notes", "computed #1");
            assertThat(calls).hasValue(1);
            logger.info("New context on the same directory: summary(alice) = {}, method called {} time(s) in all",
                    service.summary("alice"), calls.get());
            clock.advance(Duration.ofMinutes(10).plusMillis(1));
            assertThat(service.summary("alice")).containsExactly("alice: 3 notes", "computed #2");
            assertThat(calls).hasValue(2);
            logger.info("After the 10m time-to-live: summary(alice) = {}, method called {} time(s) in all",
                    service.summary("alice"), calls.get());
        });
    }

    @Test
    void theCachesEndpointListsTheCaches() {
        enabled().withPropertyValues("pikodb.cache.caches.books.time-to-live=1h",
                "management.endpoints.web.exposure.include=caches")
            .withConfiguration(AutoConfigurations.of(CachesEndpointAutoConfiguration.class))
            .run((context) -> {
                context.getBean(CacheManager.class).getCache("authors").put("a1", "Herbert");
                CachesEndpoint endpoint = context.getBean(CachesEndpoint.class);
                assertThat(endpoint.caches().getCacheManagers()).containsOnlyKeys("cacheManager");
                assertThat(endpoint.caches().getCacheManagers().get("cacheManager").getCaches())
                    .containsOnlyKeys("authors", "books");
                assertThat(endpoint.cache("books", null).getTarget()).isEqualTo(PikoDB.class.getName());
            });
    }

    @Test
    void cacheMetersCountGetsPutsAndEvictions() {
        enabled().withPropertyValues("pikodb.cache.caches.books.time-to-live=1h")
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withConfiguration(AutoConfigurations.of(CacheMetricsAutoConfiguration.class))
            .run((context) -> {
                assertThat(context).hasSingleBean(PikoDBCacheMeterBinderProvider.class);
                PikoDBCache books = (PikoDBCache) context.getBean(CacheManager.class).getCache("books");
                books.get("isbn-1");
                books.put("isbn-1", "Dune");
                books.get("isbn-1");
                books.get("isbn-1");
                books.evict("isbn-1");
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                assertThat(registry.get("cache.gets").tags("cache", "books", "result", "hit").functionCounter().count())
                    .isEqualTo(2);
                assertThat(registry.get("cache.gets").tags("cache", "books", "result", "miss").functionCounter().count())
                    .isEqualTo(1);
                assertThat(registry.get("cache.puts").tags("cache", "books").functionCounter().count()).isEqualTo(1);
                assertThat(registry.get("cache.evictions").tags("cache", "books").functionCounter().count())
                    .isEqualTo(1);
                assertThat(registry.get("cache.size").tags("cache", "books", "cache.manager", "cacheManager").gauge()
                    .value()).isZero();
                assertThat(registry.get("cache.load.waits").tags("cache", "books").functionCounter().count())
                    .isEqualTo(books.getStatistics().loadWaits())
                    .isZero();
            });
    }
}
