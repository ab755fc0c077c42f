package dev.pikodb.spring.data.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.pikodb.PikoDB;
import dev.pikodb.spring.data.query.Task.Place;
import dev.pikodb.spring.data.repository.config.EnablePikoDBRepositories;
import dev.pikodb.spring.data.unindexed.TaskSearchRepository;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataRetrievalFailureException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.domain.Example;
import org.springframework.data.domain.ExampleMatcher;
import org.springframework.data.domain.Limit;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Slice;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Window;

/**
 * Derived queries and Query by Example answered from the indexes that {@code @Indexed} creates, on the
 * directory engine ({@link PikoDBDerivedQueriesOnRedisTests}: on Redis).
 */
class PikoDBDerivedQueriesTests {

    @Configuration(proxyBeanMethods = false)
    @EnablePikoDBRepositories(basePackageClasses = { TaskRepository.class, TaskSearchRepository.class })
    static class DataConfiguration {
    }

    @TempDir
    Path directory;

    private AnnotationConfigApplicationContext context;

    private TaskRepository tasks;

    private PikoDB pikoDB;

    @BeforeEach
    void start() {
        context = startContext("store");
        tasks.saveAll(List.of(
                new Task("t01", "alice", "Buy milk", 1, false, 100, List.of("home", "shop"), new Place("Paris", "Rue A"), 1.5),
                new Task("t02", "alice", "Call Bob", 3, true, 300, List.of("phone"), new Place("Berlin", "Weg 1"), 2.0),
                new Task("t03", "alice", "Write", 5, false, 200, List.of("work"), new Place("Paris", "Rue B"), 2.5),
                new Task("t04", "bob", "Fix bike", 2, false, 150, List.of("home"), new Place("Berlin", "Weg 2"), 3.0),
                new Task("t05", "bob", "Pay", 4, true, 250, List.of(), null, 0.5),
                new Task("t06", "carol", "Plan", 5, false, 50, List.of("work", "home"), new Place("Rome", "Via C"), 2.0),
                new Task("t07", "alicia", "Read", 1, false, 400, null, null, 1.0)));
    }

    @AfterEach
    void stop() {
        context.close();
    }

    /**
     * Opens a started store; the same name gives the same data.
     *
     * @param name the store's name
     * @return the store
     */
    protected PikoDB openStore(String name) {
        PikoDB store = new PikoDB(directory.resolve(name));
        store.start();
        return store;
    }

    private AnnotationConfigApplicationContext startContext(String storeName) {
        AnnotationConfigApplicationContext started = new AnnotationConfigApplicationContext();
        started.registerBean(PikoDB.class, () -> openStore(storeName), (definition) -> definition.setDestroyMethodName("close"));
        started.register(DataConfiguration.class);
        started.refresh();
        tasks = started.getBean(TaskRepository.class);
        pikoDB = started.getBean(PikoDB.class);
        return started;
    }

    private static List<String> ids(List<Task> found) {
        return found.stream().map(Task::id).toList();
    }

    @Test
    void indexedPropertiesCreateTheirIndexesAtStartup() {
        assertThat(pikoDB.listIndexes("tasks")).containsExactlyInAnyOrderEntriesOf(Map.of("owner", "/owner",
                "priority", "/priority", "done", "/done", "created", "/created", "tags", "/tags", "place.city",
                "/place/city", "score", "/score"));
    }

    @Test
    void deleteAllKeepsTheIndexesOfTheIndexedProperties() {
        tasks.deleteAll();

        assertThat(tasks.count()).isZero();
        assertThat(pikoDB.listIndexes("tasks")).containsEntry("owner", "/owner").containsEntry("created", "/created");
        assertThat(tasks.findByOwner("alice")).isEmpty();
        tasks.save(new Task("n1", "alice", "After the deletion", 1, false, 10, List.of("home"), new Place("Paris", "Rue"),
                0.5));
        assertThat(ids(tasks.findByOwner("alice"))).containsExactly("n1");
    }

    @Test
    void indexesCoverTheRecordsStoredBeforeTheRepositoriesStart() {
        PikoDB plain = openStore("existing");
        plain.write("tasks", "old1", Map.of("owner", "dave", "priority", 2, "done", false, "created", 1, "score", 0));
        plain.write("tasks", "old2", Map.of("owner", "dave", "priority", 7, "done", true, "created", 2, "score", 0));
        plain.close();
        context.close();
        context = startContext("existing");
        assertThat(ids(tasks.findByOwner("dave"))).containsExactly("old1", "old2");
        assertThat(ids(tasks.findByPriorityGreaterThan(5))).containsExactly("old2");
    }

    @Test
    void equalityInAndTheIdNeedsNoIndex() {
        assertThat(ids(tasks.findByOwner("alice"))).containsExactly("t01", "t02", "t03");
        assertThat(ids(tasks.findByOwnerIs("bob"))).containsExactly("t04", "t05");
        assertThat(ids(tasks.findByOwnerIn(List.of("bob", "carol")))).containsExactly("t04", "t05", "t06");
        assertThat(ids(tasks.findByOwnerIn(List.of()))).isEmpty();
        assertThat(ids(tasks.findByIdIn(List.of("t06", "t02", "zz")))).containsExactly("t02", "t06");
        assertThat(tasks.findByOwner("nobody")).isEmpty();
    }

    @Test
    void rangesIncludeAndExcludeTheirBoundsAsNamed() {
        assertThat(ids(tasks.findByPriorityBetween(2, 4))).containsExactly("t02", "t04", "t05");
        assertThat(ids(tasks.findByPriorityLessThan(3))).containsExactly("t01", "t04", "t07");
        assertThat(ids(tasks.findByPriorityLessThanEqual(3))).containsExactly("t01", "t02", "t04", "t07");
        assertThat(ids(tasks.findByPriorityGreaterThan(4))).containsExactly("t03", "t06");
        assertThat(ids(tasks.findByPriorityGreaterThanEqual(4))).containsExactly("t03", "t05", "t06");
        assertThat(ids(tasks.findByScoreGreaterThan(2.0))).containsExactly("t03", "t04");
        assertThat(ids(tasks.findByScoreLessThanEqual(1.5))).containsExactly("t01", "t05", "t07");
        assertThat(ids(tasks.findByOwnerGreaterThan("alice"))).containsExactly("t04", "t05", "t06", "t07");
        assertThat(ids(tasks.findByOwnerStartingWith("ali"))).containsExactly("t01", "t02", "t03", "t07");
        assertThat(tasks.countByPriorityBetween(1, 2)).isEqualTo(3);
    }

    @Test
    void booleansCollectionsNestedPropertiesAndOrAnd() {
        assertThat(ids(tasks.findByDoneTrue())).containsExactly("t02", "t05");
        assertThat(ids(tasks.findByDoneFalse())).containsExactly("t01", "t03", "t04", "t06", "t07");
        assertThat(ids(tasks.findByOwnerAndDoneFalse("alice"))).containsExactly("t01", "t03");
        assertThat(ids(tasks.findByOwnerOrPriorityGreaterThanEqual("bob", 5))).containsExactly("t03", "t04", "t05",
                "t06");
        assertThat(ids(tasks.findByTags("home"))).containsExactly("t01", "t04", "t06");
        assertThat(ids(tasks.findByTagsContaining("work"))).containsExactly("t03", "t06");
        assertThat(ids(tasks.findByPlaceCity("Paris"))).containsExactly("t01", "t03");
        assertThat(tasks.findByPlaceCityAndOwner("Berlin", "bob")).map(Task::id).contains("t04");
        assertThat(tasks.findByPlaceCityAndOwner("Rome", "bob")).isEmpty();
    }

    @Test
    void orderingTopFirstLimitAndStreams() {
        assertThat(ids(tasks.findByOwnerOrderByCreatedDesc("alice"))).containsExactly("t02", "t03", "t01");
        assertThat(ids(tasks.findByOwner("alice", Sort.by(Sort.Direction.DESC, "priority")))).containsExactly("t03",
                "t02", "t01");
        assertThat(ids(tasks.findByOwner("alice", Sort.by("created").and(Sort.by("id"))))).containsExactly("t01",
                "t03", "t02");
        assertThat(ids(tasks.findByOwner("alice", Limit.of(2)))).containsExactly("t01", "t02");
        assertThat(ids(tasks.findTop2ByOwnerOrderByPriorityDesc("alice"))).containsExactly("t03", "t02");
        assertThat(tasks.findFirstByOwnerOrderByCreatedAsc("alice")).map(Task::id).contains("t01");
        assertThat(tasks.findFirstByOwnerOrderByCreatedAsc("nobody")).isEmpty();
        try (Stream<Task> stream = tasks.streamByOwnerOrderByCreated("bob")) {
            assertThat(stream.map(Task::id)).containsExactly("t04", "t05");
        }
    }

    @Test
    void pagesAndSlices() {
        Page<Task> first = tasks.findByOwner("alice", PageRequest.of(0, 2, Sort.by("created")));
        assertThat(ids(first.getContent())).containsExactly("t01", "t03");
        assertThat(first.getTotalElements()).isEqualTo(3);
        assertThat(first.getTotalPages()).isEqualTo(2);
        Page<Task> second = tasks.findByOwner("alice", first.nextPageable());
        assertThat(ids(second.getContent())).containsExactly("t02");
        assertThat(second.hasNext()).isFalse();
        assertThat(ids(tasks.findByOwner("alice", PageRequest.of(5, 2)).getContent())).isEmpty();

        Page<Task> all = tasks.findAll(PageRequest.of(1, 3, Sort.by(Sort.Direction.DESC, "priority")));
        assertThat(ids(all.getContent())).containsExactly("t02", "t04", "t01");
        assertThat(all.getTotalElements()).isEqualTo(7);
        assertThat(ids(tasks.findAll(Sort.by("created")))).containsExactly("t06", "t01", "t04", "t03", "t05", "t02",
                "t07");
        assertThat(ids(tasks.findAll(PageRequest.of(3, 2)).getContent())).containsExactly("t07");

        Slice<Task> slice = tasks.findByDone(false, PageRequest.of(0, 2, Sort.by("created")));
        assertThat(ids(slice.getContent())).containsExactly("t06", "t01");
        assertThat(slice.hasNext()).isTrue();
        Slice<Task> last = tasks.findByDone(false, PageRequest.of(2, 2, Sort.by("created")));
        assertThat(ids(last.getContent())).containsExactly("t07");
        assertThat(last.hasNext()).isFalse();
    }

    @Test
    void windowsScrollWithAKeysetPosition() {
        Window<Task> first = tasks.findFirst2ByOwnerOrderByCreated("alice", ScrollPosition.keyset());
        assertThat(ids(first.getContent())).containsExactly("t01", "t03");
        assertThat(first.hasNext()).isTrue();
        tasks.save(new Task("t00", "alice", "Written meanwhile, before the position", 1, false, 150, null, null, 0));
        Window<Task> second = tasks.findFirst2ByOwnerOrderByCreated("alice", first.positionAt(first.size() - 1));
        assertThat(ids(second.getContent())).containsExactly("t02");
        assertThat(second.hasNext()).isFalse();
    }

    @Test
    void queryByExampleOnIndexedProperties() {
        ExampleMatcher primitivesIgnored = ExampleMatcher.matching().withIgnorePaths("priority", "created", "score");
        Task alice = new Task(null, "alice", null, 0, false, 0, null, null, 0);
        assertThat(ids(list(tasks.findAll(Example.of(alice, primitivesIgnored.withIgnorePaths("done"))))))
            .containsExactly("t01", "t02", "t03");
        assertThat(ids(list(tasks.findAll(Example.of(alice, primitivesIgnored))))).containsExactly("t01", "t03");
        Task inParis = new Task(null, null, null, 0, false, 0, null, new Place("Paris", null), 0);
        assertThat(ids(list(tasks.findAll(Example.of(inParis, primitivesIgnored.withIgnorePaths("done"))))))
            .containsExactly("t01", "t03");
        Task carolOrDone = new Task(null, "carol", null, 0, true, 0, null, null, 0);
        assertThat(ids(list(tasks.findAll(Example.of(carolOrDone, ExampleMatcher.matchingAny()
            .withIgnorePaths("priority", "created", "score")))))).containsExactly("t02", "t05", "t06");
        Task ali = new Task(null, "ali", null, 0, false, 0, null, null, 0);
        assertThat(ids(list(tasks.findAll(Example.of(ali, primitivesIgnored.withIgnorePaths("done")
            .withStringMatcher(ExampleMatcher.StringMatcher.STARTING)))))).containsExactly("t01", "t02", "t03", "t07");

        Example<Task> ofAlice = Example.of(alice, primitivesIgnored.withIgnorePaths("done"));
        assertThat(tasks.count(ofAlice)).isEqualTo(3);
        assertThat(tasks.exists(ofAlice)).isTrue();
        Page<Task> page = tasks.findAll(ofAlice, PageRequest.of(0, 2, Sort.by(Sort.Direction.DESC, "created")));
        assertThat(ids(page.getContent())).containsExactly("t02", "t03");
        assertThat(page.getTotalElements()).isEqualTo(3);
        Task carol = new Task(null, "carol", null, 0, false, 0, null, null, 0);
        assertThat(tasks.findOne(Example.of(carol, primitivesIgnored.withIgnorePaths("done")))).map(Task::id)
            .contains("t06");

        Task titled = new Task(null, "alice", "Write", 0, false, 0, null, null, 0);
        assertThatExceptionOfType(InvalidDataAccessApiUsageException.class)
            .isThrownBy(() -> tasks.findAll(Example.of(titled, primitivesIgnored)))
            .withMessageContaining("/title").withMessageContaining("createIndex");
        Task tagged = new Task(null, null, null, 0, false, 0, List.of("home"), null, 0);
        assertThatExceptionOfType(InvalidDataAccessApiUsageException.class)
            .isThrownBy(() -> tasks.count(Example.of(tagged, primitivesIgnored)))
            .withMessageContaining("'tags'");
    }

    private static List<Task> list(Iterable<Task> found) {
        List<Task> list = new java.util.ArrayList<>();
        found.forEach(list::add);
        return list;
    }

    @Test
    void countExistsAndDelete() {
        assertThat(tasks.countByOwner("alice")).isEqualTo(3);
        assertThat(tasks.countByOwner("nobody")).isZero();
        assertThat(tasks.existsByOwner("carol")).isTrue();
        assertThat(tasks.existsByOwner("nobody")).isFalse();

        assertThat(tasks.deleteByOwner("alice")).isEqualTo(3);
        assertThat(tasks.findByOwner("alice")).isEmpty();
        assertThat(tasks.countByOwner("alice")).isZero();
        assertThat(pikoDB.getTableSize("tasks")).isEqualTo(4);
        assertThat(tasks.deleteByDoneTrue()).extracting(Task::id).containsExactly("t05");
        assertThat(ids(tasks.findAll())).containsExactlyInAnyOrder("t04", "t06", "t07");
    }

    @Test
    void indexesFollowUpdatesAndDeletes() {
        tasks.save(new Task("t01", "bob", "Buy milk", 1, true, 100, List.of("shop"), null, 1.5));
        assertThat(ids(tasks.findByOwner("alice"))).containsExactly("t02", "t03");
        assertThat(ids(tasks.findByOwner("bob"))).containsExactly("t01", "t04", "t05");
        assertThat(ids(tasks.findByTags("home"))).containsExactly("t04", "t06");
        tasks.deleteById("t04");
        assertThat(ids(tasks.findByOwner("bob"))).containsExactly("t01", "t05");
    }

    @Test
    void badCallsAreClearErrors() {
        assertThatExceptionOfType(InvalidDataAccessApiUsageException.class)
            .isThrownBy(() -> tasks.findByOwner("alice", Sort.by("title")))
            .withMessageContaining("'tasks'").withMessageContaining("/title").withMessageContaining("createIndex");
        assertThatExceptionOfType(InvalidDataAccessApiUsageException.class)
            .isThrownBy(() -> tasks.findByOwner("alice", Sort.by("created").and(Sort.by("priority"))))
            .withMessageContaining("one property");
        assertThatExceptionOfType(InvalidDataAccessApiUsageException.class)
            .isThrownBy(() -> tasks.findByOwner((String) null)).withMessageContaining("'owner'");
    }

    /**
     * A record that cannot be read as a {@link Task} sits in the table: any query that read the whole table
     * would fail on it (as the scan of an unindexed query does), the indexed ones never touch it.
     */
    @Test
    void derivedQueriesNeverReadTheWholeTable() {
        pikoDB.write("tasks", "t99", Map.of("owner", "mallory", "priority", "not a number", "done", "unknown"));
        assertThatExceptionOfType(DataRetrievalFailureException.class).isThrownBy(() -> tasks.findAll());

        assertThat(ids(tasks.findByOwner("alice"))).containsExactly("t01", "t02", "t03");
        assertThat(ids(tasks.findByPriorityGreaterThanEqual(4))).containsExactly("t03", "t05", "t06");
        assertThat(ids(tasks.findByDoneTrue())).containsExactly("t02", "t05");
        assertThat(tasks.findByOwner("bob", PageRequest.of(0, 1, Sort.by("created"))).getTotalElements()).isEqualTo(2);
        assertThat(tasks.countByOwner("alice")).isEqualTo(3);
        assertThat(tasks.existsByOwner("alice")).isTrue();
        assertThat(tasks.deleteByOwner("carol")).isEqualTo(1);
        // findAll by page, ordered by an index or the id: the unreadable record is last, or skipped unread.
        assertThat(ids(tasks.findAll(PageRequest.of(0, 2, Sort.by(Sort.Direction.DESC, "created"))).getContent()))
            .containsExactly("t07", "t02");
        assertThat(ids(tasks.findAll(PageRequest.of(1, 2, Sort.by(Sort.Direction.DESC, "id"))).getContent()))
            .containsExactly("t05", "t04");

        TaskSearchRepository unindexed = context.getBean(TaskSearchRepository.class);
        assertThatExceptionOfType(DataRetrievalFailureException.class).isThrownBy(() -> unindexed.findByTitle("Pay"));
    }
}
