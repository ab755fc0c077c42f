package dev.pikodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A table file that cannot be parsed is moved aside, kept and reported; the rest of the database opens. */
class UnreadableFilesTest extends PikoDBTestSupport {

    @ParameterizedTest(name = "content: {0}")
    @ValueSource(strings = {"not json at all", "[[\"k\",{\"d\":1,\"v\":1,", "{\"an\":\"object\"}", "[[\"k\",\"not a record\"]]",
            "[1,2,3]"})
    void unreadableTableFileIsMovedAsideAndKept(String content) throws Exception {
        db.write("good", "k", "fine");
        db.close();
        writeFile("broken", content);

        reopen();

        assertThat(db.get("good", "k")).as("the rest of the database opens").isEqualTo("fine");
        List<QuarantinedFile> quarantined = db.quarantinedFiles();
        assertThat(quarantined).hasSize(1);
        QuarantinedFile file = quarantined.get(0);
        assertThat(file.table()).isEqualTo("broken");
        assertThat(file.reason()).isNotBlank();
        assertThat(file.detectedAt()).isNotNull();
        assertThat(file.movedTo()).exists();
        assertThat(Files.readString(file.movedTo(), StandardCharsets.UTF_8)).as("the content is kept unchanged")
                .isEqualTo(content);
        assertThat(file.movedTo().getFileName().toString()).startsWith(".");
        assertThat(db.get("broken", "k")).isNull();

        assertThat(db.write("broken", "k", "new")).isEqualTo(1);
        db.close();
        assertThat(Files.readString(file.movedTo(), StandardCharsets.UTF_8)).as("never overwritten").isEqualTo(content);

        reopen();
        assertThat(db.get("broken", "k")).isEqualTo("new");
        assertThat(db.get("good", "k")).isEqualTo("fine");
    }
}
