package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The directory engine keeps version and timestamp as {@code v} and {@code t} in the table file (the rules: {@code VersioningContract}). */
class VersioningTest extends PikoDBTestSupport {

    @Test
    void timestampSurvivesRestartAndIsWrittenAsT() {
        clock.set(T0 + 77);
        db.write("t", "k", "v");
        clock.set(T0 + 5000);

        reopen();

        assertThat(db.getRecord("t", "k")).get().extracting(DatabaseRecord::timestamp).isEqualTo(T0 + 77);
        db.close();
        assertThat(tableFileEntries("t").get("k").get("t").longValue()).isEqualTo(T0 + 77);
        assertThat(tableFileEntries("t").get("k").get("v").longValue()).isEqualTo(1);
    }
}
