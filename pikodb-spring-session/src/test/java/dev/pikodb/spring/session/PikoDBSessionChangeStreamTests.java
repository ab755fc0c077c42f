package dev.pikodb.spring.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pikodb.ChangeEvent;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.session.events.SessionExpiredEvent;

/**
 * The two instances of {@link PikoDBSessionTwoInstancesTests} with a change stream, so that each hears
 * the other's changes: every case still holds, and an expiry is still published once.
 */
class PikoDBSessionChangeStreamTests extends PikoDBSessionTwoInstancesTests {

    @Override
    int changeStreamLength() {
        return 10_000;
    }

    @Test
    void anExpiryHeardFromTheOtherInstanceIsNotPublishedAgain() throws Exception {
        BlockingQueue<ChangeEvent> heardByFirst = new LinkedBlockingQueue<>();
        // Subscribed after the repository: the delivery thread has run the repository's listener on an
        // event by the time this one receives it.
        firstDb.subscribe(heardByFirst::add);
        PikoDBSession session = first.createSession();
        session.setMaxInactiveInterval(Duration.ofMinutes(1));
        first.save(session);

        clock.advance(Duration.ofMinutes(2));
        assertThat(secondDb.cleanupAllExpired()).isEqualTo(1);
        ChangeEvent expired;
        do {
            expired = heardByFirst.poll(10, TimeUnit.SECONDS);
            assertThat(expired).as("the second instance's expiry, heard by the first within 10 s").isNotNull();
        } while (expired.kind() != ChangeEvent.Kind.EXPIRED);
        assertThat(expired.instance()).isEqualTo(secondDb.instanceId());

        assertThat(firstEvents).noneMatch(SessionExpiredEvent.class::isInstance);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(secondEvents)
                .filteredOn(SessionExpiredEvent.class::isInstance).hasSize(1));
    }
}
