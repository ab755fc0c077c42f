package dev.pikodb.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.Dictionary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A record is always stored with exactly the mapping that encoded it, even when a writer races a
 * {@code removeDictionary} + {@code addDictionary} of the same name with another mapping.
 */
public abstract class DictionaryRaceContract extends ContractSupport {

    private static final Dictionary ORIGINAL = Dictionary.deflate(Map.of("temperature", "t", "sensor", "s"));
    private static final Dictionary OTHER = Dictionary.deflate(Map.of("temperature", "s", "sensor", "t"));

    @Test
    void aWriteRacingARemoveAndReAddNeverStoresBytesUnderAnotherMapping() throws Exception {
        db.addDictionary("d", ORIGINAL);
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger cycles = new AtomicInteger();
        AtomicReference<Throwable> churnerFailure = new AtomicReference<>();
        Thread churner = new Thread(() -> {
            started.countDown();
            try {
                while (!done.get()) {
                    db.removeDictionary("d");
                    try {
                        db.addDictionary("d", OTHER);
                    } catch (IllegalArgumentException expected) {
                        // the name is bound to ORIGINAL once a record uses it
                    }
                    try {
                        db.addDictionary("d", ORIGINAL);
                    } catch (IllegalArgumentException expected) {
                        // OTHER got in before any record used the name
                    }
                    cycles.incrementAndGet();
                }
            } catch (Throwable e) {
                // anything else is a failure of the store, reported by the test thread below
                churnerFailure.set(e);
            }
        }, "dictionary-churner");
        churner.start();
        started.await();
        List<String> written = new ArrayList<>();
        try {
            // at least 2,000 writes, and on until the churner has raced them a few times and one write
            // got in: on a loaded machine the churner can keep the name unregistered at every instant
            // of the first 2,000 writes
            for (int i = 0; i < 2_000
                    || ((cycles.get() < 10 || written.isEmpty()) && churner.isAlive() && i < 200_000); i++) {
                String key = "r" + i;
                try {
                    db.write("readings", key, Map.of("sensor", "s" + i, "temperature", i), null, "d");
                    written.add(key);
                } catch (IllegalArgumentException notRegisteredRightNow) {
                    // removed by the churner at this instant: nothing stored
                    assertThat(db.getRecord("readings", key)).isEmpty();
                }
            }
        } finally {
            done.set(true);
            churner.join();
        }
        assertThat(churnerFailure.get()).as("what stopped the thread removing and re-adding the dictionary").isNull();
        assertThat(cycles.get()).as("removals and re-additions that raced the writes").isPositive();
        assertThat(written).isNotEmpty();
        int refused = 0;
        for (Dictionary mapping : List.of(ORIGINAL, OTHER)) {
            try {
                db.addDictionary("d", mapping);
            } catch (IllegalArgumentException e) {
                assertThat(e).hasMessageContaining("stored records use");
                refused++;
            }
        }
        assertThat(refused).as("the name is bound to the one mapping records were written with").isEqualTo(1);

        reopen();
        for (String key : written) {
            int i = Integer.parseInt(key.substring(1));
            assertThat(db.get("readings", key)).as(key).isEqualTo(Map.of("sensor", "s" + i, "temperature", i));
        }
    }

    @Test
    void aNameBoundByOneRecordCannotBeReAddedWithAnotherMappingEvenAfterRemoval() {
        db.addDictionary("d", ORIGINAL);
        db.write("readings", "r", Map.of("sensor", "x"), null, "d");
        assertThat(db.removeDictionary("d")).isTrue();
        assertThatThrownBy(() -> db.addDictionary("d", OTHER)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'d'");
        db.addDictionary("d", ORIGINAL);
        assertThat(db.get("readings", "r")).isEqualTo(Map.of("sensor", "x"));
    }
}
