package dev.pikodb.spring.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.DatabaseRecord;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import dev.pikodb.spring.data.repository.config.EnablePikoDBRepositories;
import dev.pikodb.spring.data.unindexed.TaskSearchRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.keyvalue.core.KeyValueOperations;

class PikoDBRepositoriesTests {

    private static final Logger logger = LoggerFactory.getLogger(PikoDBRepositoriesTests.class);

    @Configuration(proxyBeanMethods = false)
    @EnablePikoDBRepositories(excludeFilters = @Filter(type = FilterType.ASSIGNABLE_TYPE, classes = TaskSearchRepository.class))
    static class DataConfiguration {

        @Bean(destroyMethod = "close")
        PikoDB pikoDB(Path directory, MutableClock clock) {
            PikoDB pikoDB = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).clock(clock).build());
            pikoDB.start();
            return pikoDB;
        }
    }

    @TempDir
    Path directory;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private AnnotationConfigApplicationContext context;

    private NoteRepository notes;

    private PikoDB pikoDB;

    @BeforeEach
    void start() {
        context = startContext();
    }

    @AfterEach
    void stop() {
        context.close();
    }

    private AnnotationConfigApplicationContext startContext() {
        AnnotationConfigApplicationContext started = new AnnotationConfigApplicationContext();
        started.registerBean(Path.class, () -> directory);
        started.registerBean(MutableClock.class, () -> clock);
        started.register(DataConfiguration.class);
        started.refresh();
        notes = started.getBean(NoteRepository.class);
        pikoDB = started.getBean(PikoDB.class);
        return started;
    }

    @Test
    void savesLoadsAndVersionsEntities() {
        Note saved = notes.save(new Note("n1", "alice", "Groceries"));
        assertThat(saved.getVersion()).isEqualTo(1);
        DatabaseRecord record = pikoDB.getRecord("notes", "n1").orElseThrow();
        assertThat(record.version()).isEqualTo(1);
        assertThat(pikoDB.get("notes", "n1", Note.class).getTitle()).isEqualTo("Groceries");

        Note loaded = notes.findById("n1").orElseThrow();
        assertThat(loaded.getVersion()).isEqualTo(1);
        loaded.setTitle("Groceries for Sunday");
        Note updated = notes.save(loaded);
        assertThat(updated.getVersion()).isEqualTo(2);
        assertThat(notes.findById("n1").orElseThrow().getTitle()).isEqualTo("Groceries for Sunday");
        assertThat(pikoDB.getRecord("notes", "n1").orElseThrow().version()).isEqualTo(2);

        notes.save(new Note("n2", "bob", "Other"));
        assertThat(notes.findAll()).extracting(Note::getId, Note::getVersion)
            .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("n1", 2L),
                    org.assertj.core.groups.Tuple.tuple("n2", 1L));
    }

    @Test
    void savingAStaleVersionThrowsOptimisticLockingFailure() {
        notes.save(new Note("n1", "alice", "Draft"));
        Note first = notes.findById("n1").orElseThrow();
        Note second = notes.findById("n1").orElseThrow();
        first.setTitle("First edit");
        notes.save(first);

        second.setTitle("Second edit, from a stale copy");
        OptimisticLockingFailureException failure = org.junit.jupiter.api.Assertions
            .assertThrows(OptimisticLockingFailureException.class, () -> notes.save(second));
        logger.info("Stale save of note n1 at version 1: {}: {}", failure.getClass().getName(), failure.getMessage());
        assertThat(failure).hasMessageContaining("'n1'").hasMessageContaining("'notes'")
            .hasMessageContaining("version 1").hasMessageContaining("is at version 2");
        assertThat(second.getVersion()).isEqualTo(1);
        assertThat(notes.findById("n1").orElseThrow().getTitle()).isEqualTo("First edit");
    }

    @Test
    void concurrentSavesOfOneVersionLetExactlyOneWin() throws Exception {
        notes.save(new Note("n1", "alice", "Draft"));
        int writers = 6;
        java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newFixedThreadPool(writers);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int i = 0; i < writers; i++) {
                Note copy = notes.findById("n1").orElseThrow();
                copy.setTitle("Edit " + i);
                results.add(executor.submit(() -> {
                    start.await();
                    try {
                        notes.save(copy);
                        return true;
                    }
                    catch (OptimisticLockingFailureException ex) {
                        return false;
                    }
                }));
            }
            start.countDown();
            int wins = 0;
            for (java.util.concurrent.Future<Boolean> result : results) {
                wins += result.get(10, java.util.concurrent.TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(wins).isEqualTo(1);
            assertThat(notes.findById("n1").orElseThrow().getVersion()).isEqualTo(2);
        }
        finally {
            executor.shutdownNow();
        }
    }

    @Test
    void savesPublishKeyValueEvents() {
        List<Object> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        context.addApplicationListener((org.springframework.context.ApplicationListener<
                org.springframework.data.keyvalue.core.event.KeyValueEvent<?>>) events::add);
        Note saved = notes.save(new Note("n1", "alice", "Draft"));
        notes.save(saved);
        assertThat(events).extracting((event) -> event.getClass().getSimpleName())
            .containsExactly("BeforeInsertEvent", "AfterInsertEvent", "BeforeUpdateEvent", "AfterUpdateEvent");
        assertThat(((org.springframework.data.keyvalue.core.event.KeyValueEvent.AfterUpdateEvent<?>) events.get(3))
            .after()).isSameAs(saved);
    }

    @Configuration(proxyBeanMethods = false)
    @EnablePikoDBRepositories(pikoDBRef = "second",
            excludeFilters = @Filter(type = FilterType.ASSIGNABLE_TYPE, classes = TaskSearchRepository.class))
    static class TwoStoresConfiguration {

        @Bean(destroyMethod = "close")
        PikoDB first(Path directory) {
            PikoDB pikoDB = new PikoDB(directory.resolve("first"));
            pikoDB.start();
            return pikoDB;
        }

        @Bean(destroyMethod = "close")
        PikoDB second(Path directory) {
            PikoDB pikoDB = new PikoDB(directory.resolve("second"));
            pikoDB.start();
            return pikoDB;
        }
    }

    @Test
    void pikoDBRefChoosesTheStore() {
        try (AnnotationConfigApplicationContext twoStores = new AnnotationConfigApplicationContext()) {
            twoStores.registerBean(Path.class, () -> directory.resolve("two"));
            twoStores.register(TwoStoresConfiguration.class);
            twoStores.refresh();
            twoStores.getBean(NoteRepository.class).save(new Note("n1", "alice", "Where?"));
            assertThat(twoStores.getBean("second", PikoDB.class).getRecord("notes", "n1")).isPresent();
            assertThat(twoStores.getBean("first", PikoDB.class).getRecord("notes", "n1")).isEmpty();
        }
    }

    @Test
    void aNewEntityMustNotExist() {
        notes.save(new Note("n1", "alice", "Original"));
        assertThatExceptionOfType(OptimisticLockingFailureException.class)
            .isThrownBy(() -> notes.save(new Note("n1", "mallory", "Overwrite")))
            .withMessageContaining("already exists");
        assertThat(notes.findById("n1").orElseThrow().getOwner()).isEqualTo("alice");

        KeyValueOperations template = context.getBean(KeyValueOperations.class);
        template.insert("s1", new Session("s1", "alice", null));
        assertThatExceptionOfType(DuplicateKeyException.class)
            .isThrownBy(() -> template.insert("s1", new Session("s1", "bob", null)));
    }

    @Test
    void generatesIdsForNewEntities() {
        Note saved = notes.save(new Note(null, "alice", "No id"));
        assertThat(saved.getId()).isNotBlank();
        assertThat(saved.getVersion()).isEqualTo(1);
        assertThat(notes.findById(saved.getId())).isPresent();
    }

    @Test
    void derivedQueriesPagingAndSorting() {
        for (int i = 1; i <= 7; i++) {
            notes.save(new Note("a" + i, "alice", "Note " + i));
        }
        notes.save(new Note("b1", "bob", "Bob's"));

        assertThat(notes.findByOwner("alice")).hasSize(7).allMatch((n) -> n.getVersion() == 1);
        assertThat(notes.countByOwner("bob")).isEqualTo(1);
        assertThat(notes.findByOwnerOrderByTitleDesc("alice")).extracting(Note::getTitle).first().isEqualTo("Note 7");
        assertThat(notes.findByOwner("alice", Sort.by("title"))).extracting(Note::getId)
            .containsExactly("a1", "a2", "a3", "a4", "a5", "a6", "a7");

        Page<Note> page = notes.findByOwner("alice", PageRequest.of(1, 3, Sort.by("title")));
        assertThat(page.getTotalElements()).isEqualTo(7);
        assertThat(page.getTotalPages()).isEqualTo(3);
        assertThat(page.getContent()).extracting(Note::getId).containsExactly("a4", "a5", "a6");

        assertThat(notes.findAll(PageRequest.of(0, 2, Sort.by(Sort.Direction.DESC, "id"))).getContent())
            .extracting(Note::getId).containsExactly("b1", "a7");
        assertThat(notes.count()).isEqualTo(8);
        assertThat(notes.findAll()).hasSize(8);
        assertThat(notes.existsById("a1")).isTrue();
        notes.deleteById("a1");
        assertThat(notes.existsById("a1")).isFalse();
        assertThat(notes.findAllById(List.of("a2", "a3", "zz"))).hasSize(2);
        notes.deleteAll();
        assertThat(notes.count()).isZero();
    }

    @Test
    void entitiesExpireAsAnnotated() {
        SessionRepository sessions = context.getBean(SessionRepository.class);
        sessions.save(new Session("s1", "alice", null));
        sessions.save(new Session("s2", "bob", 60L));
        sessions.save(new Session("s3", "carol", 0L));
        long now = clock.millis();
        assertThat(pikoDB.getRecord("sessions", "s1").orElseThrow().expiration()).isEqualTo(now + 30 * 60_000);
        assertThat(pikoDB.getRecord("sessions", "s2").orElseThrow().expiration()).isEqualTo(now + 60_000);
        assertThat(pikoDB.getRecord("sessions", "s3").orElseThrow().expiration()).isNull();

        clock.advance(Duration.ofSeconds(61));
        assertThat(sessions.findById("s2")).isEmpty();
        assertThat(sessions.findById("s1")).contains(new Session("s1", "alice", null));
        clock.advance(Duration.ofMinutes(30));
        assertThat(sessions.findAll()).containsExactly(new Session("s3", "carol", 0L));
        assertThat(sessions.count()).isEqualTo(1);
    }

    @Test
    void versionedExpiringImmutableEntities() {
        TokenRepository tokens = context.getBean(TokenRepository.class);
        Token original = new Token("t1", "secret", 60, null);
        Token saved = tokens.save(original);
        assertThat(original.version()).isNull();
        DatabaseRecord record = pikoDB.getRecord("tokens", "t1").orElseThrow();
        assertThat(saved.version()).isEqualTo(1).isEqualTo(record.version());
        assertThat(record.expiration()).isEqualTo(clock.millis() + 60_000);

        // One atomic step per save: the version advances by one.
        Token renewed = tokens.save(new Token("t1", "rotated", 120, saved.version()));
        assertThat(renewed.version()).isEqualTo(2);
        DatabaseRecord renewedRecord = pikoDB.getRecord("tokens", "t1").orElseThrow();
        assertThat(renewedRecord.version()).isEqualTo(2);
        assertThat(renewedRecord.expiration()).isEqualTo(clock.millis() + 120_000);
        assertThatExceptionOfType(OptimisticLockingFailureException.class)
            .isThrownBy(() -> tokens.save(new Token("t1", "stale", 60, saved.version())));
        assertThat(tokens.findById("t1").orElseThrow()).isEqualTo(renewed);

        clock.advance(Duration.ofSeconds(121));
        assertThat(tokens.findById("t1")).isEmpty();
    }

    @Test
    void valuesWrittenWithoutTheirIdAreReadWithTheKeyAsId() {
        pikoDB.write("notes", "plain", java.util.Map.of("owner", "alice", "title", "Written through the plain API"));
        Note loaded = notes.findById("plain").orElseThrow();
        assertThat(loaded.getId()).isEqualTo("plain");
        assertThat(loaded.getVersion()).isEqualTo(1);
        assertThat(notes.findAll()).extracting(Note::getId).containsExactly("plain");
        TokenRepository tokens = context.getBean(TokenRepository.class);
        pikoDB.write("tokens", "t9", java.util.Map.of("value", "v", "ttl", 60));
        assertThat(tokens.findById("t9")).contains(new Token("t9", "v", 60, 1L));
    }

    @Test
    void entitiesSurviveARestartOfTheContext() {
        notes.save(new Note("n1", "alice", "Kept"));
        context.close();
        context = startContext();
        Note loaded = notes.findById("n1").orElseThrow();
        assertThat(loaded.getTitle()).isEqualTo("Kept");
        assertThat(loaded.getVersion()).isEqualTo(1);
    }

    @Test
    void storeFailuresAreDataAccessExceptions() {
        assertThatExceptionOfType(InvalidDataAccessApiUsageException.class)
            .isThrownBy(() -> notes.save(new Note("bad\u0000id", "alice", "NUL in the key")));
        pikoDB.close();
        assertThatExceptionOfType(DataAccessResourceFailureException.class).isThrownBy(() -> notes.findById("n1"))
            .withMessageContaining("closed");
    }
}
