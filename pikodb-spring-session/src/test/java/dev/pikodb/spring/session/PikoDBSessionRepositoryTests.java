package dev.pikodb.spring.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.MutableClock;
import dev.pikodb.OperationObserver;
import dev.pikodb.PikoDB;
import dev.pikodb.StoreOperation;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ApplicationEvent;
import org.springframework.core.serializer.support.DeserializingConverter;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.FlushMode;
import org.springframework.session.SaveMode;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;

/** Spring Session's repository semantics on the embedded directory store. */
class PikoDBSessionRepositoryTests {

    private static final String TABLE = PikoDBSessionRepository.DEFAULT_TABLE_NAME;
    private static final String PRINCIPAL = FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME;

    @TempDir
    Path directory;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private final List<ApplicationEvent> events = new CopyOnWriteArrayList<>();
    private PikoDB db;
    private PikoDBSessionRepository repository;

    @BeforeEach
    void open() {
        db = start();
        repository = repository(db);
    }

    @AfterEach
    void close() {
        repository.destroy();
        db.close();
    }

    private PikoDB start() {
        PikoDB store = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).clock(clock).build());
        store.start();
        return store;
    }

    private PikoDBSessionRepository repository(PikoDB store) {
        PikoDBSessionRepository created = new PikoDBSessionRepository(store);
        created.setApplicationEventPublisher(event -> events.add((ApplicationEvent) event));
        return created;
    }

    private long storedVersion(String id) {
        return db.getRecord(TABLE, id).orElseThrow().version();
    }

    @Test
    void aSavedSessionIsFoundWithItsAttributesAndTimes() {
        PikoDBSession session = repository.createSession();
        session.setAttribute("cart", new ArrayList<>(List.of("apple", "pear")));
        session.setAttribute("visits", 3);
        repository.save(session);

        PikoDBSession found = repository.findById(session.getId());
        assertThat(found.<List<String>>getAttribute("cart")).containsExactly("apple", "pear");
        assertThat(found.<Integer>getAttribute("visits")).isEqualTo(3);
        assertThat(found.getAttributeNames()).containsExactlyInAnyOrder("cart", "visits");
        assertThat(found.getCreationTime()).isEqualTo(clock.instant());
        assertThat(found.getMaxInactiveInterval()).isEqualTo(Duration.ofMinutes(30));
        assertThat(found.isExpired()).isFalse();
        assertThat(db.getRecord(TABLE, session.getId()).orElseThrow().expiration())
                .isEqualTo(clock.millis() + Duration.ofMinutes(30).toMillis());
        assertThat(repository.findById("no-such-session")).isNull();
    }

    @Test
    void anUnsavedSessionIsNotStored() {
        PikoDBSession session = repository.createSession();
        session.setAttribute("a", 1);
        assertThat(repository.findById(session.getId())).isNull();
    }

    @Test
    void savingASessionWithoutChangesWritesNothing() {
        PikoDBSession session = repository.createSession();
        repository.save(session);
        long version = storedVersion(session.getId());

        repository.save(repository.findById(session.getId()));
        assertThat(storedVersion(session.getId())).isEqualTo(version);

        PikoDBSession changed = repository.findById(session.getId());
        changed.setAttribute("a", 1);
        repository.save(changed);
        assertThat(storedVersion(session.getId())).isEqualTo(version + 1);
        repository.save(changed);
        assertThat(storedVersion(session.getId())).isEqualTo(version + 1);
    }

    @Test
    void aRemovedAttributeIsGoneAfterSave() {
        PikoDBSession session = repository.createSession();
        session.setAttribute("a", 1);
        session.setAttribute("b", 2);
        repository.save(session);

        PikoDBSession loaded = repository.findById(session.getId());
        loaded.removeAttribute("a");
        repository.save(loaded);

        assertThat(repository.findById(session.getId()).getAttributeNames()).containsExactly("b");
    }

    @Test
    void anInactiveSessionExpiresAndAccessRenewsIt() {
        PikoDBSession session = repository.createSession();
        session.setMaxInactiveInterval(Duration.ofMinutes(10));
        repository.save(session);

        clock.advance(Duration.ofMinutes(9));
        PikoDBSession accessed = repository.findById(session.getId());
        accessed.setLastAccessedTime(clock.instant());
        repository.save(accessed);

        clock.advance(Duration.ofMinutes(9));
        assertThat(repository.findById(session.getId())).isNotNull();
        assertThat(repository.findById(session.getId()).isExpired()).isFalse();

        clock.advance(Duration.ofMinutes(2));
        assertThat(repository.findById(session.getId())).isNull();
    }

    @Test
    void aSessionWithANegativeIntervalNeverExpires() {
        PikoDBSession session = repository.createSession();
        session.setMaxInactiveInterval(Duration.ofSeconds(-1));
        repository.save(session);
        assertThat(db.getRecord(TABLE, session.getId()).orElseThrow().expiration()).isNull();
        clock.advance(Duration.ofDays(3650));
        assertThat(repository.findById(session.getId())).isNotNull();
    }

    @Test
    void changingTheIdMovesTheSessionWithItsChanges() {
        PikoDBSession session = repository.createSession();
        session.setAttribute("a", 1);
        repository.save(session);
        String oldId = session.getId();

        PikoDBSession loaded = repository.findById(oldId);
        String newId = loaded.changeSessionId();
        loaded.setAttribute("b", 2);
        repository.save(loaded);

        assertThat(newId).isNotEqualTo(oldId);
        assertThat(repository.findById(oldId)).isNull();
        PikoDBSession moved = repository.findById(newId);
        assertThat(moved.<Integer>getAttribute("a")).isEqualTo(1);
        assertThat(moved.<Integer>getAttribute("b")).isEqualTo(2);
        assertThat(events).noneMatch(SessionDeletedEvent.class::isInstance);
        assertThat(events).filteredOn(SessionCreatedEvent.class::isInstance).hasSize(1);
    }

    @Test
    void changingTheIdOfANewSessionSavesItUnderTheNewIdOnly() {
        PikoDBSession session = repository.createSession();
        String first = session.getId();
        String second = session.changeSessionId();
        repository.save(session);
        assertThat(repository.findById(first)).isNull();
        assertThat(repository.findById(second)).isNotNull();
    }

    @Test
    void sessionsAreFoundByPrincipalNameFromTheIndex() {
        PikoDBSession alice1 = saved(PRINCIPAL, "alice");
        PikoDBSession alice2 = saved(PRINCIPAL, "alice");
        PikoDBSession bob = saved(PRINCIPAL, "bob");
        saved("other", "alice");

        assertThat(repository.findByPrincipalName("alice")).containsOnlyKeys(alice1.getId(), alice2.getId());
        assertThat(repository.findByPrincipalName("bob")).containsOnlyKeys(bob.getId());
        assertThat(repository.findByPrincipalName("carol")).isEmpty();
        assertThat(repository.findByIndexNameAndIndexValue("other", "alice")).isEmpty();
        assertThat(db.listIndexes(TABLE)).containsEntry(PikoDBSessionRepository.PRINCIPAL_INDEX, "/principal");

        repository.deleteById(alice1.getId());
        assertThat(repository.findByPrincipalName("alice")).containsOnlyKeys(alice2.getId());

        PikoDBSession renamed = repository.findById(alice2.getId());
        renamed.setAttribute(PRINCIPAL, "bob");
        repository.save(renamed);
        assertThat(repository.findByPrincipalName("alice")).isEmpty();
        assertThat(repository.findByPrincipalName("bob")).containsOnlyKeys(bob.getId(), alice2.getId());

        clock.advance(Duration.ofMinutes(31));
        assertThat(repository.findByPrincipalName("bob")).isEmpty();
    }

    @Test
    void thePrincipalOfASpringSecurityContextIsIndexed() {
        saved("SPRING_SECURITY_CONTEXT", new SecurityContextImpl(
                UsernamePasswordAuthenticationToken.authenticated("dora", "secret", List.of())));
        assertThat(repository.findByPrincipalName("dora")).hasSize(1);
    }

    @Test
    void aPrincipalWithManySessionsHasThemAllFound() {
        for (int i = 0; i < 250; i++) {
            saved(PRINCIPAL, "busy");
        }
        assertThat(repository.findByPrincipalName("busy")).hasSize(250);
    }

    @Test
    void concurrentRequestsOfOneSessionKeepEachOthersChanges() {
        PikoDBSession session = saved("start", 0);
        PikoDBSession first = repository.findById(session.getId());
        PikoDBSession second = repository.findById(session.getId());
        first.setAttribute("x", 1);
        second.setAttribute("y", 2);
        second.removeAttribute("start");
        repository.save(first);
        repository.save(second);

        PikoDBSession stored = repository.findById(session.getId());
        assertThat(stored.getAttributeNames()).containsExactlyInAnyOrder("x", "y");
    }

    @Test
    void aSaveNeverBringsBackADeletedOrExpiredSession() {
        PikoDBSession session = saved("a", 1);
        PikoDBSession request = repository.findById(session.getId());
        repository.deleteById(session.getId());
        request.setAttribute("b", 2);
        repository.save(request);
        assertThat(repository.findById(session.getId())).isNull();
        assertThat(db.getTableSize(TABLE)).isZero();

        PikoDBSession expiring = saved("a", 1);
        PikoDBSession late = repository.findById(expiring.getId());
        clock.advance(Duration.ofMinutes(31));
        late.setLastAccessedTime(clock.instant());
        late.setAttribute("b", 2);
        repository.save(late);
        assertThat(repository.findById(expiring.getId())).isNull();
    }

    @Test
    void immediateFlushSavesEveryChangeAtOnce() {
        repository.setFlushMode(FlushMode.IMMEDIATE);
        PikoDBSession session = repository.createSession();
        assertThat(repository.findById(session.getId())).isNotNull();
        session.setAttribute("a", 1);
        assertThat(repository.findById(session.getId()).<Integer>getAttribute("a")).isEqualTo(1);
        session.removeAttribute("a");
        assertThat(repository.findById(session.getId()).getAttributeNames()).isEmpty();
    }

    @Test
    void saveModesDecideWhichAttributesASaveWrites() {
        PikoDBSession session = saved("list", new ArrayList<>(List.of("a")));

        PikoDBSession onSet = repository.findById(session.getId());
        onSet.<List<String>>getAttribute("list").add("b");
        repository.save(onSet);
        assertThat(repository.findById(session.getId()).<List<String>>getAttribute("list")).containsExactly("a");

        repository.setSaveMode(SaveMode.ON_GET_ATTRIBUTE);
        PikoDBSession onGet = repository.findById(session.getId());
        onGet.<List<String>>getAttribute("list").add("c");
        repository.save(onGet);
        assertThat(repository.findById(session.getId()).<List<String>>getAttribute("list")).containsExactly("a", "c");

        repository.setSaveMode(SaveMode.ALWAYS);
        PikoDBSession stale = repository.findById(session.getId());
        PikoDBSession other = repository.findById(session.getId());
        other.setAttribute("list", new ArrayList<>(List.of("z")));
        repository.save(other);
        stale.setLastAccessedTime(clock.instant());
        repository.save(stale);
        assertThat(repository.findById(session.getId()).<List<String>>getAttribute("list")).containsExactly("a", "c");
    }

    @Test
    void aSessionSurvivesARestart() {
        PikoDBSession session = saved("user", "alice");
        repository.destroy();
        db.close();

        db = start();
        repository = repository(db);
        assertThat(repository.findById(session.getId()).<String>getAttribute("user")).isEqualTo("alice");
    }

    @Test
    void createdDeletedAndExpiredSessionsArePublished() {
        PikoDBSession deleted = saved("a", 1);
        PikoDBSession expired = repository.createSession();
        expired.setMaxInactiveInterval(Duration.ofMinutes(1));
        repository.save(expired);
        assertThat(events).filteredOn(SessionCreatedEvent.class::isInstance)
                .extracting(event -> ((SessionCreatedEvent) event).getSessionId())
                .containsExactly(deleted.getId(), expired.getId());

        repository.deleteById(deleted.getId());
        repository.deleteById(deleted.getId());
        assertThat(events).filteredOn(SessionDeletedEvent.class::isInstance)
                .extracting(event -> ((SessionDeletedEvent) event).getSessionId())
                .containsExactly(deleted.getId());

        clock.advance(Duration.ofMinutes(2));
        assertThat(db.cleanupAllExpired()).isEqualTo(1);
        assertThat(repository.findById(expired.getId())).isNull();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events)
                .filteredOn(SessionExpiredEvent.class::isInstance)
                .extracting(event -> ((SessionExpiredEvent) event).getSessionId())
                .containsExactly(expired.getId()));
    }

    /** Has the repository deserialise with Java serialisation, recording each value it deserialises. */
    private List<String> recordDeserialisations() {
        List<String> deserialised = new CopyOnWriteArrayList<>();
        DeserializingConverter java = new DeserializingConverter(getClass().getClassLoader());
        repository.setDeserializer(bytes -> {
            Object value = java.convert(bytes);
            deserialised.add(String.valueOf(value));
            return value;
        });
        return deserialised;
    }

    @Test
    void aRequestDeserialisesOnlyTheAttributesItReads() {
        List<String> deserialised = recordDeserialisations();
        PikoDBSession session = repository.createSession();
        session.setAttribute("locale", "fr_FR");
        session.setAttribute("cart", new ArrayList<>(List.of("apple")));
        session.setAttribute("visits", 1);
        repository.save(session);

        PikoDBSession loaded = repository.findById(session.getId());
        assertThat(loaded.getAttributeNames()).containsExactlyInAnyOrder("locale", "cart", "visits");
        loaded.setAttribute("visits", loaded.<Integer>getAttribute("visits") + 1);
        loaded.setLastAccessedTime(clock.instant());
        repository.save(loaded);
        assertThat(deserialised).containsExactly("1");

        PikoDBSession next = repository.findById(session.getId());
        assertThat(next.<Integer>getAttribute("visits")).isEqualTo(2);
        assertThat(next.<List<String>>getAttribute("cart")).containsExactly("apple");
        assertThat(next.<String>getAttribute("locale")).isEqualTo("fr_FR");
    }

    @Test
    void aSaveThatLeavesThePrincipalAloneKeepsItsIndexEntryWithoutDeserialisingIt() {
        List<String> deserialised = recordDeserialisations();
        PikoDBSession session = saved(PRINCIPAL, "alice");
        PikoDBSession loaded = repository.findById(session.getId());
        loaded.setAttribute("visits", 1);
        repository.save(loaded);
        assertThat(deserialised).isEmpty();
        assertThat(repository.findByPrincipalName("alice")).containsOnlyKeys(session.getId());

        PikoDBSession signedIn = repository.findById(session.getId());
        signedIn.removeAttribute(PRINCIPAL);
        signedIn.setAttribute("SPRING_SECURITY_CONTEXT", new SecurityContextImpl(
                UsernamePasswordAuthenticationToken.authenticated("dora", "secret", List.of())));
        repository.save(signedIn);
        assertThat(repository.findByPrincipalName("alice")).isEmpty();
        assertThat(repository.findByPrincipalName("dora")).containsOnlyKeys(session.getId());
    }

    @Test
    void aConcurrentSaveThatLeavesThePrincipalAloneKeepsTheOtherRequestsPrincipal() {
        PikoDBSession session = saved(PRINCIPAL, "alice");
        PikoDBSession counting = repository.findById(session.getId());
        PikoDBSession signingIn = repository.findById(session.getId());
        signingIn.setAttribute(PRINCIPAL, "bob");
        repository.save(signingIn);
        counting.setAttribute("visits", 1);
        repository.save(counting);

        PikoDBSession stored = repository.findById(session.getId());
        assertThat(stored.<String>getAttribute(PRINCIPAL)).isEqualTo("bob");
        assertThat(stored.<Integer>getAttribute("visits")).isEqualTo(1);
        assertThat(repository.findByPrincipalName("bob")).containsOnlyKeys(session.getId());
        assertThat(repository.findByPrincipalName("alice")).isEmpty();
    }

    @Test
    void anAttributeThatCannotBeDeserialisedFailsWhenReadNamingIt() {
        PikoDBSession session = saved("broken", "written by an old version");
        repository.setDeserializer(bytes -> {
            throw new IllegalStateException("class changed");
        });
        PikoDBSession loaded = repository.findById(session.getId());
        assertThat(loaded).isNotNull();
        assertThat(loaded.getAttributeNames()).containsExactly("broken");
        assertThatIllegalStateException().isThrownBy(() -> loaded.getAttribute("broken"))
                .withMessageContaining("'broken'").withMessageContaining(session.getId())
                .withMessageContaining("class changed");
        loaded.removeAttribute("broken");
        repository.save(loaded);
        assertThat(repository.findById(session.getId()).getAttributeNames()).isEmpty();
    }

    @Test
    void alwaysSavesTheAttributesARequestDidNotReadAsTheyWereLoaded() {
        repository.setSaveMode(SaveMode.ALWAYS);
        PikoDBSession session = saved("list", new ArrayList<>(List.of("a")));
        session.setAttribute("other", 1);
        repository.save(session);
        PikoDBSession stale = repository.findById(session.getId());
        PikoDBSession other = repository.findById(session.getId());
        other.setAttribute("list", new ArrayList<>(List.of("z")));
        other.removeAttribute("other");
        repository.save(other);

        stale.setLastAccessedTime(clock.instant());
        repository.save(stale);
        PikoDBSession stored = repository.findById(session.getId());
        assertThat(stored.<List<String>>getAttribute("list")).containsExactly("a");
        assertThat(stored.<Integer>getAttribute("other")).isEqualTo(1);

        PikoDBSession signedIn = saved(PRINCIPAL, "alice");
        PikoDBSession loadedBefore = repository.findById(signedIn.getId());
        PikoDBSession signingIn = repository.findById(signedIn.getId());
        signingIn.setAttribute(PRINCIPAL, "bob");
        repository.save(signingIn);
        loadedBefore.setLastAccessedTime(clock.instant());
        repository.save(loadedBefore);
        assertThat(repository.findById(signedIn.getId()).<String>getAttribute(PRINCIPAL)).isEqualTo("alice");
        assertThat(repository.findByPrincipalName("alice")).containsOnlyKeys(signedIn.getId());
        assertThat(repository.findByPrincipalName("bob")).isEmpty();
    }

    @Test
    void anAttributeThatCannotBeSerialisedIsRefusedByName() {
        PikoDBSession session = repository.createSession();
        session.setAttribute("thread", new Object());
        assertThatIllegalArgumentException().isThrownBy(() -> repository.save(session))
                .withMessageContaining("'thread'").withMessageContaining(session.getId());
        assertThat(repository.findById(session.getId())).isNull();
    }

    @Test
    void sessionsLiveInTheirOwnTable() {
        PikoDBSessionRepository other = new PikoDBSessionRepository(db, "admin-sessions");
        PikoDBSession session = other.createSession();
        other.save(session);
        assertThat(other.findById(session.getId())).isNotNull();
        assertThat(repository.findById(session.getId())).isNull();
        assertThat(db.listTables()).contains("admin-sessions");
        other.destroy();
    }

    @Test
    void aRequestReadsItsSessionOnceAndWritesItOnce() {
        List<StoreOperation> operations = new CopyOnWriteArrayList<>();
        OperationObserver recorder = new OperationObserver() {
            @Override
            public <T> T observe(StoreOperation type, String table, Supplier<T> operation) {
                if (TABLE.equals(table)) {
                    operations.add(type);
                }
                return operation.get();
            }
        };
        try (PikoDB observed = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory.resolve("observed"))
                .clock(clock).observer(recorder).build())) {
            observed.start();
            PikoDBSessionRepository sessions = new PikoDBSessionRepository(observed);
            PikoDBSession session = sessions.createSession();
            session.setAttribute("visits", 1);
            sessions.save(session);

            for (int request = 2; request <= 3; request++) {
                operations.clear();
                PikoDBSession loaded = sessions.findById(session.getId());
                loaded.setLastAccessedTime(clock.instant());
                loaded.setAttribute("visits", request);
                sessions.save(loaded);
                assertThat(operations).containsExactly(StoreOperation.READ, StoreOperation.COMPARE_AND_WRITE);
            }
            assertThat(sessions.findById(session.getId()).<Integer>getAttribute("visits")).isEqualTo(3);
            sessions.destroy();
        }
    }

    private PikoDBSession saved(String attribute, Object value) {
        PikoDBSession session = repository.createSession();
        session.setAttribute(attribute, value);
        repository.save(session);
        return session;
    }

}
