package dev.pikodb.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.ChangeEvent;
import dev.pikodb.ChangeEvent.Kind;
import dev.pikodb.ChangeListener;
import dev.pikodb.PikoDB;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import dev.pikodb.Eventually;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Change listeners: what they receive, in which order, and that they never hurt a write. */
public abstract class ChangeEventsContract extends ContractSupport {

    private final BlockingQueue<ChangeEvent> received = new LinkedBlockingQueue<>();

    /** The next event, checked to name this instance as its origin, without that origin. */
    private ChangeEvent next() throws InterruptedException {
        return next(db);
    }

    private ChangeEvent next(PikoDB origin) throws InterruptedException {
        ChangeEvent event = received.poll(10, TimeUnit.SECONDS);
        assertThat(event).as("a change event within 10 s").isNotNull();
        assertThat(event.instance()).as("the origin of %s", event).isEqualTo(origin.instanceId());
        return event.withInstance(null);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyKindOfChangeIsReportedWithItsVersions(boolean durable) throws Exception {
        if (durable) {
            db = reopen(b -> b.durableWrites(true));
        }
        db.subscribe(received::add);

        db.write("t", "k", "a");
        db.write("t", "k", "b");
        assertThat(db.compareAndWrite("t", "k", 2, "c")).isTrue();
        assertThat(db.compareAndWrite("t", "k", 2, "stale")).isFalse();
        assertThat(db.delete("t", "k")).isTrue();
        assertThat(db.delete("t", "k")).isFalse();
        db.write("t", "session", "s", T0 + 1_000);
        db.write("t", "other", "o", T0 + 1_000);
        clock.advance(1_001);
        assertThat(db.get("t", "session")).isNull();
        assertThat(db.cleanupExpired("t")).isEqualTo(1);
        assertThat(db.deleteTable("t")).isTrue();

        assertThat(next()).isEqualTo(new ChangeEvent(Kind.WRITTEN, "t", "k", 0, 1));
        assertThat(next()).isEqualTo(new ChangeEvent(Kind.WRITTEN, "t", "k", 1, 2));
        assertThat(next()).isEqualTo(new ChangeEvent(Kind.WRITTEN, "t", "k", 2, 3));
        assertThat(next()).isEqualTo(new ChangeEvent(Kind.DELETED, "t", "k", 3, 0));
        assertThat(next()).isEqualTo(new ChangeEvent(Kind.WRITTEN, "t", "session", 0, 1));
        assertThat(next()).isEqualTo(new ChangeEvent(Kind.WRITTEN, "t", "other", 0, 1));
        assertThat(next()).isEqualTo(new ChangeEvent(Kind.EXPIRED, "t", "session", 1, 0));
        assertThat(next()).isEqualTo(new ChangeEvent(Kind.EXPIRED, "t", "other", 1, 0));
        assertThat(next()).isEqualTo(new ChangeEvent(Kind.TABLE_DELETED, "t", null, 0, 0));
        db.close();
        assertThat(received).as("nothing else: no event for the refused compare-and-write or delete").isEmpty();
    }

    @Test
    void aWriteOverAnExpiredRecordReportsTheExpiryFirst() throws Exception {
        db.subscribe(received::add);
        db.write("t", "k", "old", T0 + 10);
        db.write("t", "k", "old2", T0 + 10);
        clock.advance(11);
        assertThat(db.write("t", "k", "new")).isEqualTo(1);

        assertThat(next().version()).isEqualTo(1);
        assertThat(next().version()).isEqualTo(2);
        assertThat(next()).isEqualTo(new ChangeEvent(Kind.EXPIRED, "t", "k", 2, 0));
        assertThat(next()).isEqualTo(new ChangeEvent(Kind.WRITTEN, "t", "k", 0, 1));
    }

    @Test
    void aFailingListenerNeverFailsAWriteNorStopsDelivery() throws Exception {
        db.subscribe(event -> {
            throw new IllegalStateException("listener bug");
        });
        db.subscribe(received::add);

        assertThat(db.write("t", "k", 1)).isEqualTo(1);
        assertThat(db.write("t", "k", 2)).isEqualTo(2);

        assertThat(next().version()).isEqualTo(1);
        assertThat(next().version()).isEqualTo(2);
    }

    @Test
    void listenersRunOutsideTheStoreSoTheyMayWriteToIt() throws Exception {
        db.subscribe(event -> {
            if (event.table().equals("orders")) {
                db.write("audit", event.key() + "@" + event.version(), event.kind().name());
                received.add(event);
            }
        });
        for (int i = 0; i < 20; i++) {
            db.write("orders", "o" + (i % 3), i);
        }
        for (int i = 0; i < 20; i++) {
            next();
        }
        db.close();
        db = reopen();
        assertThat(db.getTableSize("audit")).isEqualTo(20);
        assertThat(db.get("audit", "o0@1")).isEqualTo("WRITTEN");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void changesOfOneKeyArriveInCommitOrderFromConcurrentWriters(boolean durable) throws Exception {
        if (durable) {
            db = reopen(b -> b.durableWrites(true));
        }
        ConcurrentLinkedQueue<Long> versions = new ConcurrentLinkedQueue<>();
        db.subscribe(event -> versions.add(event.version()));
        int threads = 4;
        int writesEach = durable ? 50 : 500;
        List<Thread> writers = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            Thread writer = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < writesEach; i++) {
                    db.write("t", "hot", i);
                }
            });
            writer.start();
            writers.add(writer);
        }
        start.countDown();
        for (Thread writer : writers) {
            writer.join();
        }
        db.close();

        List<Long> expected = new ArrayList<>();
        for (long v = 1; v <= (long) threads * writesEach; v++) {
            expected.add(v);
        }
        assertThat(new ArrayList<>(versions)).isEqualTo(expected);
    }

    @Test
    void closeDeliversWhatIsQueuedAndUnsubscribedListenersHearNothingMore() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<ChangeEvent> slow = new ArrayList<>();
        ChangeListener slowListener = event -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (slow) {
                slow.add(event);
            }
        };
        ChangeListener quick = received::add;
        db.subscribe(slowListener);
        db.subscribe(quick);
        for (int i = 0; i < 5; i++) {
            db.write("t", "k" + i, i);
        }
        release.countDown();
        db.close();
        synchronized (slow) {
            assertThat(slow).hasSize(5);
        }
        assertThat(received).hasSize(5);

        db = reopen();
        db.subscribe(received::add);
        assertThat(db.unsubscribe(quick)).isFalse();
        received.clear();
        ChangeListener listener = received::add;
        db.subscribe(listener);
        assertThat(db.unsubscribe(listener)).isTrue();
        db.write("t", "after", 1);
        assertThat(next().key()).isEqualTo("after");
        db.close();
        assertThat(received).as("the unsubscribed listener got nothing").isEmpty();
        assertThatThrownBy(() -> db.subscribe(quick)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> db.subscribe(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nothingIsReportedForDataWrittenBeforeStart() throws Exception {
        db.write("t", "k", Map.of("a", 1));
        db.close();
        PikoDB fresh = unstarted(b -> { });
        fresh.subscribe(received::add);
        fresh.start();
        try {
            assertThat(fresh.get("t", "k")).isEqualTo(Map.of("a", 1));
            fresh.write("t", "k2", 1);
            assertThat(next(fresh)).isEqualTo(new ChangeEvent(Kind.WRITTEN, "t", "k2", 0, 1));
        } finally {
            fresh.close();
        }
        assertThat(received).isEmpty();
    }

    /** A listener that records each event as it takes it, then waits for a permit before the next. */
    private static final class GatedListener implements ChangeListener {

        final List<ChangeEvent> taken = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Semaphore permits = new Semaphore(0);

        @Override
        public void onChange(ChangeEvent event) {
            taken.add(event.instance() == null ? event : event.withInstance(null));
            permits.acquireUninterruptibly();
        }

        void awaitTaken(int count) {
            Eventually.await(() -> taken.size() >= count);
            assertThat(taken).as("events taken by the listener").hasSize(count);
        }
    }

    @Test
    @Timeout(120)
    void aBlockedListenerNeverBlocksWritesAndLearnsWhereChangesWereDropped() {
        int capacity = 16;
        int writes = 300;
        db = reopen(b -> b.changeEventQueueCapacity(capacity));
        GatedListener listener = new GatedListener();
        db.subscribe(listener);

        db.write("t", "k0", 0);
        listener.awaitTaken(1);
        for (int i = 1; i < writes; i++) {
            db.write("t", "k" + i, i);
        }
        long dropped = writes - 1 - capacity;
        assertThat(db.statistics().droppedChangeEvents())
                .as("the blocked listener holds k0, the queue k1..k%d, every later change is dropped", capacity)
                .isEqualTo(dropped);

        listener.permits.release();
        listener.awaitTaken(2);
        db.write("t", "after", 1);
        assertThat(db.statistics().droppedChangeEvents()).as("the queue had room again").isEqualTo(dropped);
        listener.permits.release(1_000);
        listener.awaitTaken(capacity + 3);

        List<ChangeEvent> expected = new ArrayList<>();
        for (int i = 0; i <= capacity; i++) {
            expected.add(new ChangeEvent(Kind.WRITTEN, "t", "k" + i, 0, 1));
        }
        expected.add(ChangeEvent.missed(dropped));
        expected.add(new ChangeEvent(Kind.WRITTEN, "t", "after", 0, 1));
        assertThat(listener.taken).isEqualTo(expected);
        assertThat(listener.taken.get(capacity + 1).missed()).isEqualTo(dropped);
        assertThat(db.getTableSize("t")).as("every write was kept").isEqualTo(writes + 1);
    }

    @Test
    @Timeout(120)
    void theMissedEventArrivesOnceTheQueueDrainsAndEachRunOfDropsGetsOne() {
        int capacity = 4;
        db = reopen(b -> b.changeEventQueueCapacity(capacity));
        GatedListener listener = new GatedListener();
        db.subscribe(listener);

        db.write("t", "a0", 0);
        listener.awaitTaken(1);
        for (int i = 1; i <= capacity + 3; i++) {
            db.write("t", "a" + i, i);
        }
        listener.permits.release(capacity + 1);
        listener.awaitTaken(capacity + 2);
        assertThat(listener.taken.get(capacity + 1)).as("nothing was written after the drops")
                .isEqualTo(ChangeEvent.missed(3));

        for (int i = 0; i <= capacity; i++) {
            db.write("t", "b" + i, i);
        }
        listener.permits.release(1_000);
        listener.awaitTaken(2 * capacity + 3);
        assertThat(listener.taken.subList(capacity + 2, 2 * capacity + 3)).extracting(ChangeEvent::key)
                .containsExactly("b0", "b1", "b2", "b3", null);
        assertThat(listener.taken.get(2 * capacity + 2)).as("a second run of drops, a second MISSED event")
                .isEqualTo(ChangeEvent.missed(1));
        assertThat(db.statistics().droppedChangeEvents()).isEqualTo(4);
    }

    @Test
    void aMissedEventCountsAtLeastOneChangeAndOnlyMissedEventsCountAny() {
        assertThat(ChangeEvent.missed(3)).isEqualTo(new ChangeEvent(Kind.MISSED, null, null, 0, 0, 3));
        assertThat(ChangeEvent.missed(3).toString()).isEqualTo("ChangeEvent[MISSED 3 change(s)]");
        assertThat(ChangeEvent.written("t", "k", 1).missed()).isZero();
        assertThatThrownBy(() -> ChangeEvent.missed(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChangeEvent(Kind.WRITTEN, "t", "k", 0, 1, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> reopen(b -> b.changeEventQueueCapacity(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("changeEventQueueCapacity");
    }
}
