package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The directory engine writes a stored null as a JSON null in the table file (the rules: {@code MissingVsNullContract}). */
class MissingVsNullTest extends PikoDBTestSupport {

    @Test
    void storedNullIsWrittenAsJsonNullOnDisk() {
        db.write("t", "nothing", null);
        db.close();

        assertThat(tableFileEntries("t").get("nothing").get("d").isNull()).isTrue();
    }
}
