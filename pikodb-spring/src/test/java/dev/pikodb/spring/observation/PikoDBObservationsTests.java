package dev.pikodb.spring.observation;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import dev.pikodb.Query;
import dev.pikodb.spring.cache.PikoDBCacheManager;
import dev.pikodb.spring.data.Note;
import dev.pikodb.spring.data.NoteRepository;
import dev.pikodb.spring.data.repository.config.EnablePikoDBRepositories;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * PikoDB's store, cache and repository operations as observations recorded in a
 * {@link TestObservationRegistry}: names, tags, errors, and which observation holds which.
 */
class PikoDBObservationsTests {

    @TempDir
    Path directory;

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    @Test
    void everyStoreOperationIsAnObservationNamedAfterIt() {
        PikoDB db = open(new PikoDBObservations(registry));

        db.write("users", "alice", Map.of("name", "Alice"));
        db.compareAndWrite("users", "alice", 1, Map.of("name", "Alice B."));
        db.get("users", "alice");
        db.getRecord("users", "alice");
        db.get("users");
        Throwable findFailure = catchThrowable(() -> db.find("users", Query.all()));
        catchThrowable(() -> db.count("users", Query.all()));
        db.delete("users", "alice");
        db.cleanupExpired("users");
        db.cleanupAllExpired();
        db.flush();
        db.deleteTable("users");

        assertThat(contexts()).extracting(PikoDBObservationContext::getOperation).containsExactly("write",
                "compare-and-write", "read", "read", "read", "find", "count", "delete", "cleanup", "cleanup", "flush",
                "delete-table");
        assertThat(registry).forAllObservationsWithNameEqualTo("pikodb.operation", (observation) -> observation
            .hasLowCardinalityKeyValue("db.system", "pikodb")
            .hasLowCardinalityKeyValueWithKey("db.operation")
            .doesNotHaveLowCardinalityKeyValueWithKey("pikodb.table")
            .doesNotHaveParentObservation());
        // Queries need an engine with indexes; where they fail, the failure is on their observation.
        assertThat(contexts()).filteredOn((context) -> !context.getOperation().equals("find")
                && !context.getOperation().equals("count"))
            .allSatisfy((context) -> assertThat(context.getError()).isNull());
        assertThat(contexts()).filteredOn((context) -> context.getOperation().equals("find"))
            .singleElement()
            .satisfies((find) -> assertThat(find.getError()).isSameAs(findFailure));
        assertThat(registry).hasNumberOfObservationsWithNameEqualTo("pikodb.operation", 12)
            .hasAnObservation((observation) -> observation.hasContextualNameEqualTo("pikodb write")
                .hasLowCardinalityKeyValue("db.operation", "write"))
            .hasAnObservation((observation) -> observation.hasContextualNameEqualTo("pikodb compare-and-write"))
            .hasAnObservation((observation) -> observation.hasContextualNameEqualTo("pikodb find"))
            .hasAnObservation((observation) -> observation.hasContextualNameEqualTo("pikodb flush"));
    }

    @Test
    void aBackupIsAnObservationAndAFailedOneRecordsItsError() throws Exception {
        PikoDB db = open(new PikoDBObservations(registry, true, null));
        db.write("users", "alice", "Alice");
        registry.clear();
        Path occupied = java.nio.file.Files.createDirectories(directory.resolve("occupied"));
        java.nio.file.Files.writeString(occupied.resolve("keep.txt"), "not a backup");

        db.backup(directory.resolve("backup"));
        Throwable failure = catchThrowable(() -> db.backup(occupied));

        assertThat(failure).isNotNull();
        assertThat(contexts()).extracting(PikoDBObservationContext::getContextualName)
            .containsExactly("pikodb backup", "pikodb backup");
        assertThat(contexts().get(0).getError()).isNull();
        assertThat(contexts().get(1).getError()).isSameAs(failure);
        assertThat(contexts().get(0).getLowCardinalityKeyValue("pikodb.table"))
            .isEqualTo(KeyValue.of("pikodb.table", DefaultPikoDBObservationConvention.NO_TABLE));
    }

    @Test
    void theTableIsATagOnlyWhenEnabled() {
        PikoDB db = open(new PikoDBObservations(registry, true, null));

        db.write("users", "alice", "Alice");
        db.flush();

        assertThat(registry).hasAnObservation((observation) -> observation.hasContextualNameEqualTo("pikodb write")
            .hasLowCardinalityKeyValue("pikodb.table", "users"))
            .hasAnObservation((observation) -> observation.hasContextualNameEqualTo("pikodb flush")
                .hasLowCardinalityKeyValue("pikodb.table", DefaultPikoDBObservationConvention.NO_TABLE));
    }

    @Test
    void aFailedOperationRecordsItsErrorAndAVersionMismatchIsNoError() {
        PikoDB db = open(new PikoDBObservations(registry));

        assertThatIllegalArgumentException().isThrownBy(() -> db.write("users", "", "nobody"));
        assertThat(db.compareAndWrite("users", "alice", 5, "Alice")).isFalse();

        assertThat(registry).hasNumberOfObservationsEqualTo(2)
            .hasAnObservation((observation) -> observation.hasContextualNameEqualTo("pikodb write")
                .assertThatError()
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("users"))
            .hasAnObservation((observation) -> observation.hasContextualNameEqualTo("pikodb compare-and-write")
                .doesNotHaveError());
    }

    @Test
    void storeOperationsAreChildrenOfTheCurrentObservation() {
        PikoDB db = open(new PikoDBObservations(registry));

        Observation request = Observation.createNotStarted("http.server.requests", registry);
        request.observe(() -> {
            db.write("users", "alice", "Alice");
            db.get("users", "alice");
        });

        assertThat(registry).forAllObservationsWithNameEqualTo("pikodb.operation",
                (observation) -> observation.hasParentObservationEqualTo(request));
    }

    @Test
    void aCacheOperationIsAnObservationHoldingItsStoreOperations() {
        PikoDB db = open(new PikoDBObservations(registry));
        Cache books = PikoDBCacheManager.builder(db).build().getCache("books");

        Observation request = Observation.createNotStarted("http.server.requests", registry);
        String loaded = request.observe(() -> books.get("dune", () -> "Dune"));

        assertThat(loaded).isEqualTo("Dune");
        PikoDBObservationContext cacheGet = single(PikoDBObservationContext.Source.CACHE);
        assertThat(cacheGet.getOperation()).isEqualTo("get");
        assertThat(cacheGet.getName()).isEqualTo("pikodb.cache.operation");
        assertThat(cacheGet.getContextualName()).isEqualTo("pikodb cache get");
        assertThat(cacheGet.getParentObservation()).isSameAs(request);
        List<PikoDBObservationContext> store = contexts(PikoDBObservationContext.Source.STORE);
        // A miss, read again under the key's lock, then the loaded value stored (by a plain or a
        // compare-and-write, as the cache decides).
        assertThat(store).extracting(PikoDBObservationContext::getOperation).hasSize(3)
            .startsWith("read", "read")
            .last().isIn("write", "compare-and-write");
        assertThat(store).allSatisfy((child) -> assertThat(child.getParentObservation().getContextView())
            .isSameAs(cacheGet));
    }

    @Test
    void aCacheableMissIsACacheGetHoldingAReadThenACachePutHoldingAWrite() {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.registerBean(PikoDB.class, () -> open(new PikoDBObservations(registry)));
        context.register(CachingConfiguration.class);
        context.refresh();
        opened.add(context);
        Titles titles = context.getBean(Titles.class);

        Observation request = Observation.createNotStarted("http.server.requests", registry);
        assertThat(request.observe(() -> titles.title("dune"))).isEqualTo("DUNE");

        List<PikoDBObservationContext> cache = contexts(PikoDBObservationContext.Source.CACHE);
        assertThat(cache).extracting(PikoDBObservationContext::getContextualName)
            .containsExactly("pikodb cache get", "pikodb cache put");
        assertThat(cache).allSatisfy((operation) -> assertThat(operation.getParentObservation()).isSameAs(request));
        List<PikoDBObservationContext> store = contexts(PikoDBObservationContext.Source.STORE);
        assertThat(store).extracting(PikoDBObservationContext::getOperation).containsExactly("read", "write");
        assertThat(store.get(0).getParentObservation().getContextView()).isSameAs(cache.get(0));
        assertThat(store.get(1).getParentObservation().getContextView()).isSameAs(cache.get(1));
    }

    @Test
    void aCacheOperationCallingAnotherIsOneObservation() {
        PikoDB db = open(new PikoDBObservations(registry, true, null));
        Cache books = PikoDBCacheManager.builder(db).build().getCache("books");
        books.put("dune", "Dune");
        registry.clear();

        books.evict("dune");

        PikoDBObservationContext evict = single(PikoDBObservationContext.Source.CACHE);
        assertThat(evict.getOperation()).isEqualTo("evict");
        assertThat(evict.getLowCardinalityKeyValue("pikodb.table")).isEqualTo(KeyValue.of("pikodb.table", "cache-books"));
        assertThat(contexts(PikoDBObservationContext.Source.STORE)).singleElement()
            .satisfies((delete) -> assertThat(delete.getOperation()).isEqualTo("delete"));
    }

    @Test
    void aRepositoryOperationIsAnObservationHoldingItsStoreOperations() {
        NoteRepository notes = repositories(new PikoDBObservations(registry)).getBean(NoteRepository.class);

        Observation request = Observation.createNotStarted("http.server.requests", registry);
        request.observe(() -> notes.save(new Note("n1", "alice", "Groceries")));

        PikoDBObservationContext insert = single(PikoDBObservationContext.Source.REPOSITORY);
        assertThat(insert.getName()).isEqualTo("pikodb.repository.operation");
        assertThat(insert.getContextualName()).isEqualTo("pikodb repository insert");
        assertThat(insert.getParentObservation()).isSameAs(request);
        assertThat(contexts(PikoDBObservationContext.Source.STORE)).singleElement().satisfies((write) -> {
            assertThat(write.getOperation()).isEqualTo("compare-and-write");
            assertThat(write.getParentObservation().getContextView()).isSameAs(insert);
        });
        registry.clear();

        assertThat(notes.findById("n1")).isPresent();

        PikoDBObservationContext findById = single(PikoDBObservationContext.Source.REPOSITORY);
        assertThat(findById.getOperation()).isEqualTo("find-by-id");
        assertThat(findById.getLowCardinalityKeyValue("pikodb.table")).isNull();
        assertThat(contexts(PikoDBObservationContext.Source.STORE)).singleElement().satisfies((read) -> {
            assertThat(read.getOperation()).isEqualTo("read");
            assertThat(read.getParentObservation().getContextView()).isSameAs(findById);
        });
    }

    @Test
    void aRepositoryErrorIsRecordedOnTheRepositoryAndStoreObservations() {
        NoteRepository notes = repositories(new PikoDBObservations(registry, true, null))
            .getBean(NoteRepository.class);
        notes.save(new Note("n1", "alice", "Groceries"));
        Note stale = notes.findById("n1").orElseThrow();
        notes.save(notes.findById("n1").orElseThrow());
        registry.clear();

        org.assertj.core.api.Assertions.assertThatExceptionOfType(
                org.springframework.dao.OptimisticLockingFailureException.class).isThrownBy(() -> notes.save(stale));

        PikoDBObservationContext update = single(PikoDBObservationContext.Source.REPOSITORY);
        assertThat(update.getOperation()).isEqualTo("update");
        assertThat(update.getLowCardinalityKeyValue("pikodb.table")).isEqualTo(KeyValue.of("pikodb.table", "notes"));
        assertThat(update.getError()).isInstanceOf(org.springframework.dao.OptimisticLockingFailureException.class);
    }

    @Test
    void aCustomConventionNamesTheObservationsItSupports() {
        PikoDBObservationConvention custom = new DefaultPikoDBObservationConvention(
                PikoDBObservationContext.Source.STORE, false) {
            @Override
            public String getContextualName(PikoDBObservationContext context) {
                return "kv " + context.getOperation();
            }
        };
        PikoDB db = open(new PikoDBObservations(registry, false, custom));
        Cache books = PikoDBCacheManager.builder(db).build().getCache("books");

        books.put("dune", "Dune");

        assertThat(registry).hasAnObservation((observation) -> observation.hasContextualNameEqualTo("kv write"))
            .hasAnObservation((observation) -> observation.hasContextualNameEqualTo("pikodb cache put"));
    }

    @Test
    void aRegistryWithoutHandlersObservesNothingAndChangesNoResult() {
        ObservationRegistry withoutHandlers = ObservationRegistry.create();
        PikoDB db = open(new PikoDBObservations(withoutHandlers));
        Cache books = PikoDBCacheManager.builder(db).build().getCache("books");

        assertThat(db.write("users", "alice", "Alice")).isEqualTo(1);
        assertThat(db.get("users", "alice")).isEqualTo("Alice");
        assertThat(books.get("dune", () -> "Dune")).isEqualTo("Dune");
        assertThat(withoutHandlers.getCurrentObservation()).isNull();
        assertThat(registry).doesNotHaveAnyObservation();
    }

    @Test
    void aStoreGivenAnotherObserverHasNoObservations() {
        PikoDB db = open(null);

        assertThat(PikoDBObservations.of(db)).isNull();
    }

    private PikoDB open(PikoDBObservations observations) {
        PikoDB db = new PikoDB(DatabaseOptions.builder()
            .databaseDirectory(directory.resolve("db"))
            .observer(observations)
            .build());
        db.start();
        opened.add(db);
        return db;
    }

    private AnnotationConfigApplicationContext repositories(PikoDBObservations observations) {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.registerBean(PikoDB.class, () -> open(observations));
        context.register(RepositoryConfiguration.class);
        context.refresh();
        opened.add(context);
        return context;
    }

    private List<PikoDBObservationContext> contexts() {
        List<PikoDBObservationContext> found = new ArrayList<>();
        assertThat(registry).hasHandledContextsThatSatisfy((contexts) -> contexts.stream()
            .filter(PikoDBObservationContext.class::isInstance)
            .map(PikoDBObservationContext.class::cast)
            .forEach(found::add));
        return found;
    }

    private List<PikoDBObservationContext> contexts(PikoDBObservationContext.Source source) {
        return contexts().stream().filter((context) -> context.getSource() == source).toList();
    }

    private PikoDBObservationContext single(PikoDBObservationContext.Source source) {
        List<PikoDBObservationContext> found = contexts(source);
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    /** A service whose results are cached. */
    static class Titles {

        @Cacheable("titles")
        public String title(String id) {
            return id.toUpperCase(java.util.Locale.ROOT);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class CachingConfiguration {

        @Bean
        PikoDBCacheManager cacheManager(PikoDB pikoDB) {
            return PikoDBCacheManager.builder(pikoDB).build();
        }

        @Bean
        Titles titles() {
            return new Titles();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnablePikoDBRepositories(basePackageClasses = NoteRepository.class)
    static class RepositoryConfiguration {

        @Bean
        String unused() {
            return "";
        }
    }
}
