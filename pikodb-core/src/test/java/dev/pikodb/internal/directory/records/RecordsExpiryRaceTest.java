package dev.pikodb.internal.directory.records;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.ChangeEvent;
import dev.pikodb.spi.ChangeSink;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A record that expired is not live for a reader that meets it, even when another reader removes it
 * from memory between the moment the first one sees it and the moment it tries to remove it: two
 * readers met the same expired record (a table size and a read of the key, after the clock passed its
 * expiration), one removed it, and the other counted it as live.
 *
 * <p>The interleaving is driven by the records' own monitor: while a listener is registered, removing
 * an expired record takes it, so holding it stops the counting reader exactly between meeting the
 * record and removing it, while this thread removes it first.
 */
@Timeout(60)
class RecordsExpiryRaceTest {

    private static final long EXPIRES_AT = 1_000;
    private static final long LATER = 2_000;

    private final Records records = new Records(new Stats());

    RecordsExpiryRaceTest() {
        records.publishTo("t", new ChangeSink() {
            @Override
            public boolean active() {
                return true;
            }

            @Override
            public void publish(ChangeEvent event) {
                // Nobody listens: being active makes the removal of an expired record take the monitor.
            }
        });
        records.put("live", StoredRecord.of(json("1"), 1, 0, null, null));
        records.put("expiring", StoredRecord.of(json("2"), 1, 0, EXPIRES_AT, null));
    }

    @Test
    void aCountDoesNotCountAnExpiredRecordThatAnotherReaderRemovedFirst() throws InterruptedException {
        int counted = whileAnotherReaderRemovesTheExpiredRecord(() -> records.liveCount(LATER));

        assertThat(counted).as("live records counted after 'expiring' expired").isEqualTo(1);
        assertThat(records.size()).isEqualTo(1);
    }

    @Test
    void aScanDoesNotReturnAnExpiredRecordThatAnotherReaderRemovedFirst() throws InterruptedException {
        List<String> seen = new CopyOnWriteArrayList<>();
        whileAnotherReaderRemovesTheExpiredRecord(() -> {
            records.forEachLive(LATER, (key, record) -> seen.add(key));
            return seen.size();
        });

        assertThat(seen).as("keys visited as live after 'expiring' expired").containsExactly("live");
    }

    /**
     * Runs {@code reader} on another thread; once it has met the expired record and waits to remove
     * it, removes it from this thread (as a read of the key does), then lets the reader go on.
     */
    private int whileAnotherReaderRemovesTheExpiredRecord(IntSupplier reader) throws InterruptedException {
        AtomicInteger result = new AtomicInteger(-1);
        Thread counting = new Thread(() -> result.set(reader.getAsInt()), "counting reader");
        synchronized (records) {
            counting.start();
            while (counting.getState() != Thread.State.BLOCKED && counting.getState() != Thread.State.TERMINATED) {
                Thread.onSpinWait();
            }
            assertThat(counting.getState()).as("the counting reader waits to remove the expired record")
                    .isEqualTo(Thread.State.BLOCKED);
            assertThat(records.live("expiring", LATER)).as("read of the expired key").isNull();
        }
        counting.join();
        return result.get();
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
