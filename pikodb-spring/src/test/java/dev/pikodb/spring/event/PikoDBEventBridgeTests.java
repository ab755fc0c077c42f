package dev.pikodb.spring.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import dev.pikodb.ChangeEvent;
import dev.pikodb.ChangeEvent.Kind;
import dev.pikodb.DatabaseOptions;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

class PikoDBEventBridgeTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path directory;

    /** Collects what @EventListener methods receive. */
    static class Listeners {

        final List<PikoDBApplicationEvent> all = new CopyOnWriteArrayList<>();

        final List<PikoDBRecordChangedEvent> changed = new CopyOnWriteArrayList<>();

        final List<PikoDBRecordExpiredEvent> expired = new CopyOnWriteArrayList<>();

        final List<PikoDBTableDeletedEvent> tablesDeleted = new CopyOnWriteArrayList<>();

        final List<String> notesOnly = new CopyOnWriteArrayList<>();

        @EventListener
        void onAny(PikoDBApplicationEvent event) {
            all.add(event);
        }

        @EventListener
        void onChanged(PikoDBRecordChangedEvent event) {
            changed.add(event);
        }

        @EventListener
        void onExpired(PikoDBRecordExpiredEvent event) {
            expired.add(event);
        }

        @EventListener
        void onTableDeleted(PikoDBTableDeletedEvent event) {
            tablesDeleted.add(event);
        }

        @EventListener(condition = "#event.table == 'notes' && !#event.deleted")
        void onNoteWritten(PikoDBRecordChangedEvent event) {
            notesOnly.add(event.getKey() + "@" + event.getVersion());
        }

        @EventListener
        void failing(PikoDBRecordChangedEvent event) {
            if ("explode".equals(event.getKey())) {
                throw new IllegalStateException("a listener that fails");
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class EventsConfiguration {

        @Bean
        MutableClock clock() {
            return new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        }

        @Bean(destroyMethod = "close")
        PikoDB mainStore(Path directory, MutableClock clock) {
            PikoDB pikoDB = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory.resolve("main"))
                .clock(clock).build());
            pikoDB.start();
            return pikoDB;
        }

        @Bean(destroyMethod = "close")
        PikoDB otherStore(Path directory) {
            PikoDB pikoDB = new PikoDB(directory.resolve("other"));
            pikoDB.start();
            return pikoDB;
        }

        @Bean
        PikoDBEventBridge pikoDBEventBridge(java.util.Map<String, PikoDB> stores, ApplicationEventPublisher publisher) {
            return new PikoDBEventBridge(stores, publisher);
        }

        @Bean
        Listeners listeners() {
            return new Listeners();
        }
    }

    private AnnotationConfigApplicationContext start() {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.registerBean(Path.class, () -> directory);
        context.register(EventsConfiguration.class);
        context.refresh();
        return context;
    }

    @Test
    void eventListenersReceiveEveryKindOfChangeWithTheStoreItCameFrom() {
        try (AnnotationConfigApplicationContext context = start()) {
            PikoDB main = context.getBean("mainStore", PikoDB.class);
            PikoDB other = context.getBean("otherStore", PikoDB.class);
            MutableClock clock = context.getBean(MutableClock.class);
            Listeners listeners = context.getBean(Listeners.class);

            main.write("notes", "n1", "first");
            main.compareAndWrite("notes", "n1", 1, "second");
            main.delete("notes", "n1");
            main.write("sessions", "s1", "token", clock.millis() + 1_000);
            clock.advance(Duration.ofSeconds(2));
            assertThat(main.get("sessions", "s1")).isNull();
            main.deleteTable("sessions");
            other.write("notes", "o1", "elsewhere");

            await().atMost(TIMEOUT).until(() -> listeners.all.size() == 7);
            // Each store's events arrive in its commit order; the two stores' event threads are
            // independent, so nothing orders one store's events against the other's.
            List<PikoDBRecordChangedEvent> fromMain = changesOf(listeners, "mainStore");
            List<PikoDBRecordChangedEvent> fromOther = changesOf(listeners, "otherStore");
            String mainId = main.instanceId();
            assertThat(fromMain).extracting(PikoDBApplicationEvent::getChange).containsExactly(
                    ChangeEvent.written("notes", "n1", 1).withInstance(mainId),
                    ChangeEvent.written("notes", "n1", 2).withInstance(mainId),
                    ChangeEvent.deleted("notes", "n1", 2).withInstance(mainId),
                    ChangeEvent.written("sessions", "s1", 1).withInstance(mainId));
            assertThat(fromMain).allSatisfy((event) -> assertThat(event.isLocal()).isTrue());
            assertThat(fromMain).extracting(PikoDBRecordChangedEvent::isDeleted)
                .containsExactly(false, false, true, false);
            assertThat(fromMain.get(1).getPreviousVersion()).isEqualTo(1);
            assertThat(fromMain.get(1).getVersion()).isEqualTo(2);
            assertThat(fromMain).allSatisfy((event) -> assertThat(event.getSource()).isSameAs(main));
            assertThat(fromOther).singleElement().satisfies((event) -> {
                assertThat(event.getChange()).isEqualTo(ChangeEvent.written("notes", "o1", 1)
                        .withInstance(other.instanceId()));
                assertThat(event.getInstanceId()).isEqualTo(other.instanceId()).isNotEqualTo(mainId);
                assertThat(event.isDeleted()).isFalse();
                assertThat(event.getSource()).isSameAs(other);
            });
            assertThat(listeners.changed).hasSize(5);

            assertThat(listeners.expired).singleElement().satisfies((event) -> {
                assertThat(event.getKind()).isEqualTo(Kind.EXPIRED);
                assertThat(event.getTable()).isEqualTo("sessions");
                assertThat(event.getKey()).isEqualTo("s1");
                assertThat(event.getPreviousVersion()).isEqualTo(1);
            });
            assertThat(listeners.tablesDeleted).singleElement()
                .satisfies((event) -> assertThat(event.getTable()).isEqualTo("sessions"));
            assertThat(listeners.notesOnly).containsExactlyInAnyOrder("n1@1", "n1@2", "o1@1")
                .containsSubsequence("n1@1", "n1@2");
        }
    }

    private static List<PikoDBRecordChangedEvent> changesOf(Listeners listeners, String store) {
        return listeners.changed.stream().filter((event) -> store.equals(event.getPikoDBName())).toList();
    }

    @Test
    void aFailingListenerFailsNeitherTheWriteNorLaterEvents() {
        try (AnnotationConfigApplicationContext context = start()) {
            PikoDB main = context.getBean("mainStore", PikoDB.class);
            Listeners listeners = context.getBean(Listeners.class);
            assertThat(main.write("notes", "explode", "boom")).isEqualTo(1);
            main.write("notes", "after", "fine");
            await().atMost(TIMEOUT).until(() -> listeners.notesOnly.contains("after@1"));
            assertThat(main.get("notes", "explode")).isEqualTo("boom");
        }
    }

    @Test
    void nothingIsPublishedOnceTheContextHasStopped() {
        AnnotationConfigApplicationContext context = start();
        PikoDB main = context.getBean("mainStore", PikoDB.class);
        Listeners listeners = context.getBean(Listeners.class);
        PikoDBEventBridge bridge = context.getBean(PikoDBEventBridge.class);
        main.write("notes", "before", "x");
        await().atMost(TIMEOUT).until(() -> listeners.notesOnly.contains("before@1"));

        context.stop();
        assertThat(bridge.isRunning()).isFalse();
        main.write("notes", "k", "while stopped");
        context.start();
        main.write("notes", "k", "restarted");
        await().atMost(TIMEOUT).until(() -> listeners.notesOnly.contains("k@2"));
        // The changes of one key arrive in commit order: k@1 would have come before k@2.
        assertThat(listeners.notesOnly).containsExactly("before@1", "k@2");
        context.close();
    }

    @Test
    void changesDroppedForASlowListenerArePublishedAsOneMissedEventInTheirPlace() throws Exception {
        PikoDB store = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory.resolve("slow"))
            .changeEventQueueCapacity(2).build());
        store.start();
        java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<PikoDBApplicationEvent> published = new CopyOnWriteArrayList<>();
        PikoDBEventBridge bridge = new PikoDBEventBridge("slowStore", store, (event) -> {
            published.add((PikoDBApplicationEvent) event);
            if (blocked.getCount() > 0) {
                blocked.countDown();
                try {
                    release.await();
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try {
            bridge.start();
            store.write("notes", "k0", 0);
            assertThat(blocked.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i < 10; i++) {
                store.write("notes", "k" + i, i);
            }
            release.countDown();
            await().atMost(TIMEOUT).until(() -> published.size() == 4);
            assertThat(published).extracting(PikoDBApplicationEvent::getKind)
                .containsExactly(Kind.WRITTEN, Kind.WRITTEN, Kind.WRITTEN, Kind.MISSED);
            assertThat(published.get(3)).isInstanceOfSatisfying(PikoDBChangesMissedEvent.class, (missed) -> {
                assertThat(missed.getMissed()).isEqualTo(7);
                assertThat(missed.getTable()).isNull();
                assertThat(missed.getPikoDBName()).isEqualTo("slowStore");
            });
            assertThat(store.statistics().droppedChangeEvents()).isEqualTo(7);
        }
        finally {
            bridge.stop();
            store.close();
        }
    }

    @Test
    void refusesMissingStoresOrPublisher() {
        assertThatIllegalArgumentException().isThrownBy(() -> new PikoDBEventBridge(java.util.Map.of(), null))
            .withMessageContaining("ApplicationEventPublisher");
    }
}
