package dev.pikodb.internal.directory.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The expiring keys count exactly the records held whatever the order in which the updates of two
 * threads land, as long as each record is added once and taken away once.
 */
class ExpiringKeysTest {

    private static final byte[] JSON = "1".getBytes(StandardCharsets.UTF_8);

    private static StoredRecord expiring(long version, long expiration) {
        return StoredRecord.of(JSON, version, 0, expiration, null);
    }

    private static List<String> due(ExpiringKeys keys, long now) {
        List<String> visited = new ArrayList<>();
        keys.forEachDue(now, visited::add);
        return visited;
    }

    @Test
    void aReaderTakingAwayTheReplacedRecordAfterTheWriterAddedOneWithTheSameExpirationLeavesTheNewOne() {
        ExpiringKeys keys = new ExpiringKeys();
        StoredRecord first = expiring(1, 100);
        StoredRecord second = expiring(2, 100);
        keys.replaced("k", null, first);
        // A reader removed 'first' from the map (expired), then a writer put 'second' into the now
        // empty key, and the writer's update lands before the reader's.
        keys.replaced("k", null, second);
        keys.removed("k", first);

        assertThat(keys.entries()).isEqualTo(1);
        assertThat(due(keys, 101)).containsExactly("k");
    }

    @Test
    void aRecordTakenAwayBeforeItsAddingLandsLeavesNothing() {
        ExpiringKeys keys = new ExpiringKeys();
        StoredRecord record = expiring(1, 100);
        keys.removed("k", record);
        keys.replaced("k", null, record);

        assertThat(keys.entries()).isZero();
        assertThat(due(keys, 101)).isEmpty();
    }

    @Test
    void onlyRecordsExpiredAtTheInstantAreDueAndPlainRecordsAreNotEntered() {
        ExpiringKeys keys = new ExpiringKeys();
        keys.replaced("a", null, expiring(1, 100));
        keys.replaced("b", null, expiring(1, 101));
        keys.replaced("c", null, StoredRecord.of(JSON, 1, 0, null, null).held());
        keys.addedAll(new String[] {"d", "e"}, new Object[] {expiring(1, 99), StoredRecord.of(JSON, 1, 0, null, null)
                .held()}, 2);

        assertThat(due(keys, 100)).containsExactly("d");
        assertThat(due(keys, 101)).containsExactly("d", "a");
        assertThat(keys.entries()).isEqualTo(3);
    }
}
