package dev.pikodb.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The step of a whole-table read that visits each key of a bucket read in {@code HSCAN} slices once,
 * although a slice may repeat keys of an earlier one (the server returns a key twice when the hash is
 * resized between two slices, which no test can bring about on purpose: where keys fall in the hash's
 * table depends on the server's random hash seed). The slices are fed to it as a reply holds them.
 */
class TableScanDuplicatesTest {

    private final List<String> visited = new ArrayList<>();
    private final List<Long> versions = new ArrayList<>();
    private final TableScan.Visit visit = new TableScan.Visit("notes", 0, (key, record) -> {
        visited.add(key);
        versions.add(record.version());
    });

    @Test
    void aKeyThatALaterSliceOfTheBucketRepeatsIsVisitedOnceAtTheVersionFirstMet() {
        Set<String> seen = TableScan.slicedKeys(5);

        visit.decode(slice("", 1, "a", 1, "b", 1, "c", 1), seen);
        visit.decode(slice("c", 2, "b", 1, "d", 1), seen);
        visit.decode(slice("a", 3, "e", 1), seen);

        assertThat(visited).containsExactly("a", "b", "c", "d", "e");
        assertThat(versions).containsExactly(1L, 1L, 1L, 1L, 1L);
    }

    /** A reply's fields in order, each key (or the bucket's state, "") with a record at a version. */
    private static TableScan.Fields slice(Object... keysAndVersions) {
        TableScan.Fields fields = new TableScan.Fields(keysAndVersions.length / 2);
        for (int i = 0; i < keysAndVersions.length; i += 2) {
            String key = (String) keysAndVersions[i];
            String value = key.isEmpty() ? "{}"
                    : "{\"v\":" + keysAndVersions[i + 1] + ",\"t\":1,\"x\":null,\"d\":\"" + key + "\"}";
            fields.onKeyValue(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
        }
        return fields;
    }
}
