package dev.pikodb.spring.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import dev.pikodb.redis.RedisStorage;
import dev.pikodb.redis.testing.RedisServers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.springframework.context.ApplicationEvent;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.events.SessionExpiredEvent;

/**
 * Two application instances, each with its own {@link PikoDB} and session repository, sharing one real
 * Redis server and key prefix, with no keyspace notifications and no {@code CONFIG} command: a session
 * saved by one is served by the other.
 */
class PikoDBSessionTwoInstancesTests {

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    final List<ApplicationEvent> firstEvents = new CopyOnWriteArrayList<>();
    final List<ApplicationEvent> secondEvents = new CopyOnWriteArrayList<>();
    PikoDB firstDb;
    PikoDB secondDb;
    PikoDBSessionRepository first;
    PikoDBSessionRepository second;

    @BeforeEach
    void open(TestInfo test) {
        String prefix = RedisServers.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        firstDb = start(prefix);
        secondDb = start(prefix);
        first = new PikoDBSessionRepository(firstDb);
        first.setApplicationEventPublisher(event -> firstEvents.add((ApplicationEvent) event));
        second = new PikoDBSessionRepository(secondDb);
        second.setApplicationEventPublisher(event -> secondEvents.add((ApplicationEvent) event));
    }

    private PikoDB start(String prefix) {
        RedisStorage storage = RedisStorage.builder().uri(RedisServers.shared().uri()).keyPrefix(prefix)
                .connectTimeout(Duration.ofSeconds(30)).commandTimeout(Duration.ofSeconds(30))
                .changeStream(changeStreamLength()).changeStreamPollInterval(Duration.ofMillis(20)).build();
        PikoDB db = new PikoDB(DatabaseOptions.builder().storage(storage).clock(clock).build());
        db.start();
        return db;
    }

    /** The instances' change stream: none here. */
    int changeStreamLength() {
        return 0;
    }

    @AfterEach
    void close() {
        first.destroy();
        second.destroy();
        firstDb.close();
        secondDb.close();
    }

    @Test
    void aSessionSavedByOneInstanceIsServedByTheOther() {
        PikoDBSession session = first.createSession();
        session.setAttribute("cart", "apple");
        session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "alice");
        first.save(session);

        PikoDBSession onSecond = second.findById(session.getId());
        assertThat(onSecond.<String>getAttribute("cart")).isEqualTo("apple");
        onSecond.setAttribute("cart", "pear");
        second.save(onSecond);

        assertThat(first.findById(session.getId()).<String>getAttribute("cart")).isEqualTo("pear");
        assertThat(second.findByPrincipalName("alice")).containsOnlyKeys(session.getId());
        assertThat(first.findByPrincipalName("alice")).containsOnlyKeys(session.getId());

        second.deleteById(session.getId());
        assertThat(first.findById(session.getId())).isNull();
        assertThat(first.findByPrincipalName("alice")).isEmpty();
    }

    @Test
    void concurrentRequestsOnTwoInstancesKeepEachOthersChanges() {
        PikoDBSession session = first.createSession();
        first.save(session);
        PikoDBSession onFirst = first.findById(session.getId());
        PikoDBSession onSecond = second.findById(session.getId());
        onFirst.setAttribute("a", 1);
        onSecond.setAttribute("b", 2);
        first.save(onFirst);
        second.save(onSecond);
        assertThat(first.findById(session.getId()).getAttributeNames()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void anExpiredSessionIsPublishedOnceByTheInstanceThatRemovedIt() {
        PikoDBSession session = first.createSession();
        session.setMaxInactiveInterval(Duration.ofMinutes(1));
        first.save(session);

        clock.advance(Duration.ofMinutes(2));
        assertThat(secondDb.cleanupAllExpired()).isEqualTo(1);
        assertThat(firstDb.cleanupAllExpired()).isZero();
        assertThat(first.findById(session.getId())).isNull();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(secondEvents)
                .filteredOn(SessionExpiredEvent.class::isInstance).hasSize(1));
        assertThat(firstEvents).noneMatch(SessionExpiredEvent.class::isInstance);
    }
}
