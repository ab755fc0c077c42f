package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expired records removed by the directory engine are gone from the table file too (the rules: {@code ExpirationContract}). */
class ExpirationTest extends PikoDBTestSupport {

    private static final long EXPIRES = T0 + 60_000;

    @Test
    void expiredRecordIsGoneFromTheTableFileAfterCleanupAndClose() {
        db.write("t", "expired", 1, EXPIRES);
        db.write("t", "live", 2, EXPIRES + 10_000);
        clock.set(EXPIRES + 1);
        db.cleanupExpired("t");
        db.close();

        Map<String, tools.jackson.databind.JsonNode> entries = tableFileEntries("t");
        assertThat(entries).containsOnlyKeys("live");
        assertThat(entries.get("live").get("x").longValue()).isEqualTo(EXPIRES + 10_000);
    }

    @Test
    void recordRemovedOnReadIsGoneFromTheTableFileAfterClose() {
        db.write("t", "expired", 1, EXPIRES);
        db.write("t", "live", 2);
        db.flush();
        clock.set(EXPIRES + 1);

        assertThat(db.get("t", "expired")).isNull();
        db.close();

        assertThat(tableFileEntries("t")).containsOnlyKeys("live");
    }

    @Test
    void recordRemovedByGetTableSizeIsGoneFromTheTableFileAfterClose() {
        db.write("t", "expired", 1, EXPIRES);
        db.write("t", "live", 2);
        db.flush();
        clock.set(EXPIRES + 1);

        assertThat(db.getTableSize("t")).isEqualTo(1);
        db.close();

        assertThat(tableFileEntries("t")).containsOnlyKeys("live");
    }
}
