package dev.pikodb.autoconfigure.observation;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import dev.pikodb.autoconfigure.PikoDBOptionsCustomizer;
import dev.pikodb.autoconfigure.cache.PikoDBCacheAutoConfiguration;
import dev.pikodb.spring.observation.DefaultPikoDBObservationConvention;
import dev.pikodb.spring.observation.PikoDBObservationContext;
import dev.pikodb.spring.observation.PikoDBObservationConvention;
import dev.pikodb.spring.observation.PikoDBObservations;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class PikoDBObservationAutoConfigurationTests {

    @TempDir
    Path directory;

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class, PikoDBObservationAutoConfiguration.class));

    private ApplicationContextRunner withDirectory() {
        return runner.withPropertyValues("pikodb.database-directory=" + directory);
    }

    private ApplicationContextRunner withRegistry() {
        return withDirectory().withBean(ObservationRegistry.class, () -> registry);
    }

    @Test
    void withoutAnObservationRegistryTheStoreIsNotObserved() {
        withDirectory().run((context) -> {
            assertThat(context).hasSingleBean(PikoDB.class).doesNotHaveBean(PikoDBOptionsCustomizer.class);
            assertThat(context.getBean(PikoDB.class).options().observer()).isNull();
        });
    }

    @Test
    void withAnObservationRegistryStoreOperationsAreObservedWithoutTheTableTag() {
        withRegistry().run((context) -> {
            PikoDB pikoDB = context.getBean(PikoDB.class);
            assertThat(PikoDBObservations.of(pikoDB)).isNotNull();
            pikoDB.write("users", "alice", "Alice");
            assertThat(registry).hasSingleObservationThat()
                .hasNameEqualTo("pikodb.operation")
                .hasContextualNameEqualTo("pikodb write")
                .hasLowCardinalityKeyValue("db.operation", "write")
                .doesNotHaveLowCardinalityKeyValueWithKey("pikodb.table");
        });
    }

    @Test
    void theTableTagIsAddedWhenEnabled() {
        withRegistry().withPropertyValues("pikodb.observations.table-tag=true").run((context) -> {
            context.getBean(PikoDB.class).write("users", "alice", "Alice");
            assertThat(registry).hasSingleObservationThat().hasLowCardinalityKeyValue("pikodb.table", "users");
        });
    }

    @Test
    void observationsCanBeSwitchedOff() {
        withRegistry().withPropertyValues("pikodb.observations.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(PikoDBOptionsCustomizer.class);
            context.getBean(PikoDB.class).write("users", "alice", "Alice");
            assertThat(registry).doesNotHaveAnyObservation();
        });
    }

    @Test
    void backsOffWithoutMicrometerObservation() {
        withRegistry().withClassLoader(new FilteredClassLoader(ObservationRegistry.class)).run((context) -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(PikoDBOptionsCustomizer.class);
            assertThat(context.getBean(PikoDB.class).options().observer()).isNull();
        });
    }

    @Test
    void backsOffWithoutPikoDBSpring() {
        withRegistry().withClassLoader(new FilteredClassLoader(PikoDBObservations.class)).run((context) -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(PikoDBOptionsCustomizer.class);
            assertThat(context.getBean(PikoDB.class).options().observer()).isNull();
        });
    }

    @Test
    void usesTheRegistryOfSpringBootsObservationSupportAndItsHandlers() {
        withDirectory()
            .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
            .withUserConfiguration(HandlerConfiguration.class)
            .run((context) -> {
                assertThat(context).hasSingleBean(ObservationRegistry.class);
                context.getBean(PikoDB.class).write("users", "alice", "Alice");
                assertThat(context.getBean(RecordingHandler.class).contextualNames).containsExactly("pikodb write");
            });
    }

    @Test
    void aConventionBeanNamesTheObservationsItSupports() {
        withRegistry().withUserConfiguration(ConventionConfiguration.class).run((context) -> {
            context.getBean(PikoDB.class).write("users", "alice", "Alice");
            assertThat(registry).hasSingleObservationThat().hasContextualNameEqualTo("kv write");
        });
    }

    @Test
    void cacheOperationsOfTheAutoConfiguredCacheManagerHoldTheirStoreOperations() {
        withRegistry()
            .withConfiguration(AutoConfigurations.of(CacheAutoConfiguration.class, PikoDBCacheAutoConfiguration.class))
            .withUserConfiguration(CachingConfiguration.class)
            .withPropertyValues("pikodb.cache.enabled=true")
            .run((context) -> {
                context.getBean(CacheManager.class).getCache("books").put("dune", "Dune");
                assertThat(registry).hasNumberOfObservationsEqualTo(2)
                    .hasAnObservation((observation) -> observation.hasContextualNameEqualTo("pikodb cache put")
                        .doesNotHaveParentObservation())
                    .hasHandledContextsThatSatisfy((contexts) -> assertThat(contexts)
                        .filteredOn((observed) -> "pikodb write".equals(observed.getContextualName()))
                        .singleElement()
                        .satisfies((write) -> assertThat(write.getParentObservation().getContextView()
                            .getContextualName()).isEqualTo("pikodb cache put")));
            });
    }

    /** Records the observations Spring Boot's registry hands to it. */
    static class RecordingHandler implements ObservationHandler<Observation.Context> {

        final List<String> contextualNames = new CopyOnWriteArrayList<>();

        @Override
        public void onStop(Observation.Context context) {
            contextualNames.add(context.getContextualName());
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return context instanceof PikoDBObservationContext;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class HandlerConfiguration {

        @Bean
        RecordingHandler recordingHandler() {
            return new RecordingHandler();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ConventionConfiguration {

        @Bean
        PikoDBObservationConvention storeConvention() {
            return new DefaultPikoDBObservationConvention(PikoDBObservationContext.Source.STORE, false) {
                @Override
                public String getContextualName(PikoDBObservationContext context) {
                    return "kv " + context.getOperation();
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class CachingConfiguration {
    }
}
